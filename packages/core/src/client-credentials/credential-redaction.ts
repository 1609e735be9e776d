// Removes the client's credentials from text a token endpoint sent back. A server that echoes
// the request (its Authorization header, its form body) would otherwise put a recoverable secret
// into error messages and logs, so the secret is searched for in every encoding the request used.
import { encodeBase64, encodeBase64Text, utf8Bytes } from '../lib/base64.js';
import { formEncode } from '../lib/client-secret.js';

/** Replaces every occurrence of a credential with `[redacted]`; built once per client. */
export type Redactor = (text: string) => string;

export const REDACTED = '[redacted]';

/**
 * Builds a {@link Redactor} for a client authenticating with `client_secret_basic` or
 * `client_secret_post` (RFC 6749 §2.3.1). It finds the secret:
 * - as is, form-urlencoded (Appendix B, space as `+`) and percent-encoded (RFC 3986 §2.1, in
 *   either case of hex digit);
 * - inside the Basic credentials, `base64(id ":" secret)` with both parts form-encoded (§2.3.1)
 *   or raw (RFC 7617 §2, what many clients send), in base64 and base64url (RFC 4648 §4, §5);
 * - inside any other base64 or base64url text that carries one of those forms of the secret, at
 *   any of the three byte alignments, by the characters that depend on the secret alone.
 *
 * @example
 * ```ts
 * const redact = createRedactor('worker', 's3cret');
 * redact('bad secret s3cret'); // 'bad secret [redacted]'
 * ```
 */
export function createRedactor(clientId: string, clientSecret: string): Redactor {
  const encodings = new Set([clientSecret, formEncode(clientSecret), percentEncode(clientSecret)]);
  const needles = new Set<string>();
  for (const credentials of [
    `${formEncode(clientId)}:${formEncode(clientSecret)}`,
    `${clientId}:${clientSecret}`,
  ]) {
    for (const url of [false, true]) {
      needles.add(encodeBase64Text(credentials, url).replace(/=+$/, ''));
    }
  }
  for (const encoded of encodings) {
    needles.add(encoded);
    for (const core of base64Cores(encoded)) needles.add(core);
  }
  // Longest first, so a whole Basic value goes before the fragments it contains.
  const pattern = [...needles]
    .filter((needle) => needle !== '')
    .sort((a, b) => b.length - a.length)
    .map(literalPattern)
    .join('|');
  const matcher = new RegExp(pattern, 'g');
  return (text) => text.replace(matcher, REDACTED);
}

/**
 * The base64 and base64url characters that encode `text` alone, for each byte offset it may sit
 * at inside a longer encoded string (RFC 4648 §4: 3 bytes make 4 characters).
 */
function base64Cores(text: string): string[] {
  const bytes = utf8Bytes(text);
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset += 1) {
    const shifted = new Uint8Array(offset + bytes.length);
    shifted.set(bytes, offset);
    // The first characters also hold bits of the bytes before; the last one, of the bytes after.
    const start = Math.ceil((offset * 8) / 6);
    const end = Math.floor((shifted.length * 8) / 6);
    for (const url of [false, true]) {
      cores.push(encodeBase64(shifted, url).slice(start, end));
    }
  }
  return cores;
}

/** A regex source matching `text` literally, with percent-escapes' hex digits in either case. */
function literalPattern(text: string): string {
  return text
    .replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
    .replace(
      /%([0-9A-Fa-f])([0-9A-Fa-f])/g,
      (_match, high: string, low: string) => `%${hexDigit(high)}${hexDigit(low)}`,
    );
}

function hexDigit(digit: string): string {
  return /[0-9]/.test(digit) ? digit : `[${digit.toUpperCase()}${digit.toLowerCase()}]`;
}

/** RFC 3986 percent-encoding, as `encodeURIComponent` and most HTTP clients apply it. */
function percentEncode(value: string): string {
  return encodeURIComponent(value);
}
