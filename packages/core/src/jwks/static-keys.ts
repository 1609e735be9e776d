import type { InvalidTokenError } from '../errors/errors.js';
import { invalid } from '../claims/claims-check.js';
import { detailList, detailString, seen } from '../errors/error-detail.js';
import {
  importKeySet,
  keyFitsAlgorithm,
  privateMaterialRefused,
  selectKey,
  type JwksKey,
  type KeySet,
} from '../jws/jwk-import.js';
import type { Algorithm, IssuerEndpoint, JsonWebKeySet } from '../lib/types.js';
import { SUPPORTED_ALGORITHMS } from '../jws/algorithms.js';
import { describe } from '../lib/options.js';

/**
 * Imports a key set given up front (`jwks` on an issuer), once, at creation. A set in which no
 * key can verify any accepted algorithm is a configuration mistake that would refuse every
 * token, so it is a TypeError here rather than a 401 on each request (fail at build time).
 */
export function importStaticKeys(
  document: unknown,
  algorithms: Iterable<Algorithm>,
  label: string,
): KeySet {
  const keys = importKeySet(document);
  if (keys === undefined) {
    throw new TypeError(`${label}: jwks must be a JWK Set, { keys: [...] } (RFC 7517 §5)`);
  }
  privateMaterialRefused(keys, label);
  const accepted = [...algorithms];
  if (!keys.all.some((key) => accepted.some((alg) => keyFitsAlgorithm(key, alg)))) {
    throw new TypeError(
      `${label}: jwks has no usable signature key for ${accepted.join(', ')} ` +
        `(${keys.skipped} of ${keys.all.length + keys.skipped} keys skipped: wrong use, ` +
        'unknown kty or alg, RSA under 2048 bits)',
    );
  }
  return keys;
}

/**
 * The key for a token from a static set: never a fetch, so a kid the set lacks is simply not
 * one of the issuer's keys (401), not an outage.
 */
export function staticKey(keys: KeySet, kid: string | undefined, alg: Algorithm): JwksKey {
  const key = selectKey(keys, kid, alg);
  if (key !== undefined) return key;
  throw keyNotFound(keys, kid, alg, undefined);
}

/**
 * 401 `KEY_NOT_FOUND`, with what the token asked for and the first few `kid`s the set holds:
 * enough to tell a rotation from a token of another issuer or tenant. Built only on failure.
 */
export function keyNotFound(
  keys: KeySet,
  kid: string | undefined,
  alg: Algorithm,
  jwksUri: string | undefined,
): InvalidTokenError {
  return invalid(
    'KEY_NOT_FOUND',
    kid === undefined
      ? 'Token has no kid and no single key fits its algorithm'
      : 'No key of the issuer matches the token kid and algorithm',
    {
      kid: seen(kid),
      alg,
      kids: detailList(keys.byKid.keys()),
      keys: keys.all.length,
      ...(jwksUri === undefined ? {} : { jwksUri: detailString(jwksUri) }),
    },
  );
}

/**
 * `endpoints` with their keys given up front (`jwks` on an issuer): each keeps its `iss` but
 * loses its JWKS location, so none of them ever fetches. `jwks` is exclusive with `jwksUri`,
 * and is imported now so a set with no usable key is a TypeError at creation, naming the issuer.
 */
export function withStaticKeys(
  endpoints: readonly IssuerEndpoint[],
  jwks: JsonWebKeySet | undefined,
  jwksUri: string | undefined,
  algorithms: readonly Algorithm[] | undefined,
): IssuerEndpoint[] {
  if (jwks === undefined) return [...endpoints];
  const label = `issuer ${describe(endpoints[0]?.issuer)}`;
  if (jwksUri !== undefined) throw new TypeError(`${label}: pass either jwks or jwksUri, not both`);
  importStaticKeys(jwks, algorithms ?? SUPPORTED_ALGORITHMS, label);
  return endpoints.map(({ jwksUri: _located, ...endpoint }) => ({ ...endpoint, jwks }));
}
