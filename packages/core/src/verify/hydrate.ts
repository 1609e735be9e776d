import type { JwksCache } from '../jwks/jwks-cache-options.js';
import type { JsonWebKeySet } from '../lib/types.js';
import { describe } from '../lib/options.js';
import type { Route } from '../issuers/routes.js';

/**
 * Builds the verifier's `hydrate()`: seeds the JWKS cache with a key set bundled at build
 * time. Only the JWKS locations of configured issuers may be seeded: keys for any other URI
 * would never be asked for, and a typo must not pass silently. Discovered and static issuers
 * have no location to seed (a discovered one is learned at run time; a static one never
 * fetches), so they are refused too.
 */
export function createHydrate(
  routes: ReadonlyMap<string, Route>,
  jwks: JwksCache,
): (jwksUri: string, document: JsonWebKeySet) => void {
  const seedable = new Set<string>();
  for (const route of routes.values()) if (route.jwksUri !== undefined) seedable.add(route.jwksUri);

  return function hydrate(jwksUri: string, document: JsonWebKeySet): void {
    if (typeof jwksUri !== 'string' || !seedable.has(jwksUri)) {
      throw new TypeError(
        `hydrate: ${describe(jwksUri)} is not the jwksUri of a configured issuer ` +
          `(known: ${[...seedable].map(describe).join(', ') || 'none'})`,
      );
    }
    if (typeof jwks.seed !== 'function') {
      throw new TypeError('hydrate: the shared jwks cache has no seed(); use createJwksCache()');
    }
    jwks.seed(jwksUri, document);
  };
}
