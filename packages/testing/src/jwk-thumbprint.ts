import { createHash } from 'node:crypto';

/**
 * The members RFC 7638 §3.2 hashes for each key type, in lexicographic order (§3.3): the
 * required public members only, so a key's thumbprint ignores `kid`, `alg`, `use` and any
 * private member.
 */
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'], // RFC 8037 §2
  RSA: ['e', 'kty', 'n'],
  oct: ['k', 'kty'],
};

/**
 * The RFC 7638 SHA-256 thumbprint of a JWK, base64url without padding: the value of `cnf.jkt`
 * (RFC 9449 §6.1). Throws `TypeError` for a JWK that lacks a required member.
 */
export function jwkThumbprint(jwk: Readonly<Record<string, unknown>>): string {
  if (typeof jwk !== 'object' || jwk === null) throw new TypeError('jwk must be an object');
  const kty = jwk['kty'];
  const members = typeof kty === 'string' ? REQUIRED_MEMBERS[kty] : undefined;
  if (members === undefined) {
    throw new TypeError('jwk.kty must be one of EC, OKP, RSA, oct');
  }
  const required: Record<string, string> = {};
  for (const name of members) {
    const value = jwk[name];
    if (typeof value !== 'string' || value === '') {
      throw new TypeError(`jwk.${name} must be a non-empty string`);
    }
    required[name] = value;
  }
  // JSON.stringify keeps insertion order and adds no whitespace, as §3.3 demands.
  return createHash('sha256').update(JSON.stringify(required), 'utf8').digest('base64url');
}
