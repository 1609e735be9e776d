// Client authentication with a shared secret (RFC 6749 §2.3.1), for every outgoing request that
// authenticates this service to an authorization server: the client-credentials token source
// and the introspection issuer (RFC 7662 §2.1). One encoding, one validation, so both send the
// same bytes and refuse the same mistakes.
import { encodeBase64Text } from './base64.js';

// RFC 6749 Appendix A.1, A.2: client_id and client_secret are VSCHARs. Catches the classic
// trailing newline of a secret read from a file before the server turns it into invalid_client.
const VSCHARS = /^[\x20-\x7E]+$/;

/** A client id option: non-empty printable ASCII. Throws `TypeError` naming `name`. */
export function clientIdOption(value: unknown, name: string): string {
  if (typeof value !== 'string' || !VSCHARS.test(value)) {
    throw new TypeError(`${name} must be printable ASCII (RFC 6749 Appendix A.1)`);
  }
  return value;
}

/** A client secret option, checked without ever echoing it. Throws `TypeError` naming `name`. */
export function clientSecretOption(value: unknown, name: string): string {
  if (typeof value !== 'string' || !VSCHARS.test(value)) {
    throw new TypeError(
      `${name} must be a non-empty string of printable ASCII, without line breaks (RFC 6749 Appendix A.2)`,
    );
  }
  return value;
}

/**
 * The `Authorization` header value of `client_secret_basic`: HTTP Basic over the
 * form-urlencoded id and secret (RFC 6749 §2.3.1, which servers MUST support). Encoding both
 * parts first is what the RFC asks and what keeps a `:` in the id from splitting it wrongly.
 */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${encodeBase64Text(`${formEncode(clientId)}:${formEncode(clientSecret)}`, false)}`;
}

/** application/x-www-form-urlencoded encoding of one value (RFC 6749 Appendix B). */
export function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
