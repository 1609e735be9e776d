import { LRUCache } from 'lru-cache';
import { IdpUnavailableError } from '../errors.js';
import type { IssuerResolver } from '../issuer-resolver.js';
import type { VerifierOptions } from '../verifier.js';
import { routesOf, type Route, type RouteEnvironment } from './routes.js';

export interface DynamicRoutes {
  /** The route for `iss`, asking the app's resolver on a miss; `undefined` when untrusted. */
  get(issuer: string): Route | undefined | Promise<Route | undefined>;
}

export interface DynamicRoutesOptions {
  readonly maxEntries: number;
  readonly ttlMs: number;
  readonly negativeTtlMs: number;
}

interface Resolution {
  readonly route: Route | undefined;
  readonly expiresAt: number;
}

/**
 * Issuers decided at run time (a user pool per tenant, Entra tenants): the app's resolver is
 * asked once per `iss`, its answer (trusted or not) cached in a bounded LRU, concurrent
 * misses share one call, and a resolver failure is an outage (503), never a bad token.
 */
export function createDynamicRoutes(
  resolve: IssuerResolver,
  defaults: VerifierOptions,
  env: RouteEnvironment,
  options: DynamicRoutesOptions,
): DynamicRoutes {
  const resolutions = new LRUCache<string, Resolution>({ max: options.maxEntries });
  const inflight = new Map<string, Promise<Route | undefined>>();

  async function ask(issuer: string): Promise<Route | undefined> {
    let route: Route | undefined;
    try {
      const trusted = await resolve(issuer);
      // The resolver vouches for this `iss` only: the issuer it returns must name it exactly.
      route =
        trusted === undefined
          ? undefined
          : routesOf(trusted, defaults, env).find((r) => r.issuer === issuer);
    } catch (cause) {
      throw new IdpUnavailableError({
        description: 'The issuer could not be resolved; retry later',
        cause,
      });
    }
    resolutions.set(issuer, {
      route,
      expiresAt: Date.now() + (route === undefined ? options.negativeTtlMs : options.ttlMs),
    });
    return route;
  }

  return {
    get(issuer) {
      const known = resolutions.get(issuer);
      if (known !== undefined && Date.now() < known.expiresAt) return known.route;
      let pending = inflight.get(issuer);
      if (pending === undefined) {
        pending = ask(issuer).finally(() => inflight.delete(issuer));
        inflight.set(issuer, pending);
      }
      return pending;
    },
  };
}
