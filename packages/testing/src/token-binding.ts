import { X509Certificate } from 'node:crypto';
import type { TokenOptions } from './types.js';
import { x509Thumbprint } from './certificate-thumbprint.js';
import { assertKnownKeys } from './known-keys.js';

// A SHA-256 digest in unpadded base64url is 43 characters (RFC 7638 §3, RFC 8705 §3.1).
const SHA256_B64URL = /^[A-Za-z0-9_-]{43}$/;

/**
 * The `cnf` claim (RFC 7800 §3.1) that `dpop` or `certificate` asks for, or `undefined` for a
 * bearer token. Malformed thumbprints throw `TypeError`: a test that wants a broken `cnf` writes
 * it through `claims.cnf`, on purpose.
 */
export function confirmationClaim(
  options: TokenOptions,
  where: string,
): Record<string, string> | undefined {
  const { dpop, certificate } = options;
  if (dpop !== undefined && certificate !== undefined) {
    throw new TypeError(
      'dpop and certificate bind a token two ways at once; write claims.cnf to mint one on purpose',
    );
  }
  if (dpop !== undefined) return { jkt: dpopThumbprint(dpop, `${where}: dpop`) };
  // RFC 8705 §3.1: the member name is literally "x5t#S256".
  if (certificate !== undefined) {
    return { 'x5t#S256': certificateThumbprint(certificate, `${where}: certificate`) };
  }
  return undefined;
}

/**
 * A key from createDpopKey() (or one like it, from another copy of this package: it has a
 * `thumbprint`), or `{ jkt }` and nothing else, so a misspelt member is refused by name.
 */
function dpopThumbprint(dpop: unknown, where: string): string {
  if (typeof dpop !== 'object' || dpop === null) {
    throw new TypeError('dpop must be a key from createDpopKey() or { jkt }');
  }
  if (!('thumbprint' in dpop)) {
    assertKnownKeys(dpop, ['jkt'], where);
    if (!('jkt' in dpop)) throw new TypeError('dpop must be a key from createDpopKey() or { jkt }');
  }
  const { jkt, thumbprint } = dpop as { jkt?: unknown; thumbprint?: unknown };
  return sha256Thumbprint(jkt ?? thumbprint, jkt === undefined ? 'dpop.thumbprint' : 'dpop.jkt');
}

/** PEM, DER or an X509Certificate, or `{ x5tS256 }` and nothing else. */
function certificateThumbprint(certificate: unknown, where: string): string {
  if (
    typeof certificate === 'object' &&
    certificate !== null &&
    !(certificate instanceof Uint8Array) &&
    !(certificate instanceof X509Certificate)
  ) {
    assertKnownKeys(certificate, ['x5tS256'], where);
    if ('x5tS256' in certificate) {
      return sha256Thumbprint(certificate.x5tS256, 'certificate.x5tS256');
    }
  }
  return x509Thumbprint(certificate as Parameters<typeof x509Thumbprint>[0]);
}

function sha256Thumbprint(value: unknown, name: string): string {
  if (typeof value !== 'string' || !SHA256_B64URL.test(value)) {
    throw new TypeError(`${name} must be a base64url SHA-256 thumbprint (43 characters)`);
  }
  return value;
}
