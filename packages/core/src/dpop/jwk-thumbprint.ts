import { backend } from '#crypto-backend';
import { encodeBase64 } from '../lib/base64.js';
import type { PublicJwk } from '../jws/public-jwk.js';

/**
 * The RFC 7638 SHA-256 thumbprint of a public JWK, base64url without padding: what a
 * DPoP-bound access token names in `cnf.jkt` (RFC 9449 §6.1). Only the required members count
 * (RFC 7638 §3.2: RSA `e`, `kty`, `n`; EC `crv`, `kty`, `x`, `y`; RFC 8037 §2 OKP `crv`, `kty`,
 * `x`), in lexicographic order, with no whitespace, so `alg`, `kid` or `use` never change it.
 *
 * Synchronous on Node; a promise where only Web Crypto's asynchronous `digest` is available.
 * Throws a `TypeError` for a key type other than RSA, EC or OKP, or a required member that is
 * not a string.
 *
 * @example
 * ```ts
 * import { jwkThumbprint } from '@tokengate/core';
 *
 * const jkt = await jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' });
 * // 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k' (RFC 8037 §A.3)
 * ```
 */
export function jwkThumbprint(jwk: PublicJwk): string | Promise<string> {
  const digest = backend.sha256(thumbprintInput(jwk));
  return digest instanceof Promise ? digest.then(base64Url) : base64Url(digest);
}

/** RFC 7638 §3.3: the JSON object of the required members, sorted, without whitespace. */
export function thumbprintInput(jwk: PublicJwk): string {
  const record = jwk as unknown as Record<string, unknown>;
  switch (record['kty']) {
    case 'RSA':
      return `{"e":${member(record, 'e')},"kty":"RSA","n":${member(record, 'n')}}`;
    case 'EC':
      return `{"crv":${member(record, 'crv')},"kty":"EC","x":${member(record, 'x')},"y":${member(record, 'y')}}`;
    case 'OKP':
      return `{"crv":${member(record, 'crv')},"kty":"OKP","x":${member(record, 'x')}}`;
    default:
      throw new TypeError('jwkThumbprint: kty must be "RSA", "EC" or "OKP"');
  }
}

/** A required member as a JSON string (RFC 7638 §3.3; base64url needs no escaping, but a `crv` might). */
function member(record: Record<string, unknown>, name: string): string {
  const value = record[name];
  if (typeof value !== 'string') {
    throw new TypeError(`jwkThumbprint: a ${String(record['kty'])} key needs a string "${name}"`);
  }
  return JSON.stringify(value);
}

function base64Url(digest: Uint8Array): string {
  return encodeBase64(digest, true);
}
