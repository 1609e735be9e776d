import type { DynamicRoutes } from '../issuers/dynamic-routes.js';
import type { Route } from '../issuers/routes.js';
import type { JwksCache } from '../jwks/jwks-cache-options.js';
import type { Algorithm } from '../lib/types.js';
import type { CachedVerdict } from './token-cache.js';

/** The two checks a cached verdict must pass before a cache hit skips the signature check. */
export interface VerdictCheck {
  /**
   * A cached verdict holds only while the route that verified it is still the route for its
   * `iss`. Static routes never change (one map lookup); a resolved route holds while the
   * resolver's answer is cached and unexpired, so after it expires the full path asks again.
   */
  routeStillHolds(route: Route): boolean;
  /**
   * A cached verdict holds only while its key is still published: this asks the JWKS cache,
   * which refreshes on its schedule, so a key the IdP removed stops working for cached tokens
   * too. Synchronous while the key set is fresh.
   */
  stillPublished(verdict: CachedVerdict): boolean | Promise<boolean>;
}

/** Built once per verifier, so a cache hit allocates no closure. */
export function createVerdictCheck(
  routes: ReadonlyMap<string, Route>,
  dynamicRoutes: DynamicRoutes | undefined,
  jwks: JwksCache,
): VerdictCheck {
  function routeStillHolds(route: Route): boolean {
    const current = routes.get(route.issuer);
    if (current !== undefined) return current === route;
    return dynamicRoutes !== undefined && dynamicRoutes.current(route.issuer) === route;
  }

  function stillPublished(verdict: CachedVerdict): boolean | Promise<boolean> {
    // Static keys never change, and the route that holds them was checked just before.
    if (verdict.route.keys !== undefined) return true;
    const { header } = verdict.result;
    try {
      const found = jwks.getKey(verdict.jwksUri, header.kid, header.alg as Algorithm);
      if (!(found instanceof Promise)) return found === verdict.key;
      // Whatever went wrong, the full path will say it properly.
      return found.then(
        (key) => key === verdict.key,
        () => false,
      );
    } catch {
      return false;
    }
  }

  return { routeStillHolds, stillPublished };
}
