import { LRUCache } from 'lru-cache';
import { IdpUnavailableError } from '../errors/errors.js';
import type { IssuerResolver } from './issuer-resolver.js';
import type { ClaimPolicy } from '../lib/types.js';
import { withinDeadline } from '../lib/deadline.js';
import { routesOf, type Route, type RouteEnvironment } from './routes.js';

export interface DynamicRoutes {
  /** The route for `iss`, asking the app's resolver on a miss; `undefined` when untrusted. */
  get(issuer: string): Route | undefined | Promise<Route | undefined>;
  /**
   * The route of the resolver's current, unexpired answer for `iss`, without asking it. A
   * cached verdict holds only while this is still the route that verified it.
   */
  current(issuer: string): Route | undefined;
}

export interface DynamicRoutesOptions {
  readonly maxEntries: number;
  /** Approximate heap the cached answers may hold, their `iss` strings included. */
  readonly maxBytes: number;
  readonly ttlMs: number;
  readonly negativeTtlMs: number;
}

/** A refusal, cached like an answer (lru-cache cannot hold `undefined`). */
const UNTRUSTED = false;

/**
 * Rough heap cost of one answer: the `iss` key (two bytes a character at worst in V8) plus
 * the entry's bookkeeping. A positive answer's route is the app's own configuration, so only
 * the attacker-chosen part, the key, is what must be counted.
 */
function answerSize(_route: Route | false, issuer: string): number {
  return 2 * issuer.length + 128;
}

/**
 * Issuers decided at run time (a user pool per tenant, Entra tenants): the app's resolver is
 * asked once per `iss`, its answer (trusted or not) cached in an LRU bounded by entries and
 * bytes whose entries expire (lru-cache `ttl`), concurrent misses share one call, and a
 * resolver failure or a resolver slower than the deadline is an outage (503), never a bad token.
 * So is a malformed answer (no `normalize`, an endpoint without a string `issuer`): `routesOf`
 * refuses it with a TypeError, which becomes that 503. `defaults` is the verifier's checked
 * snapshot of its claim settings, never its live options.
 */
export function createDynamicRoutes(
  resolve: IssuerResolver,
  defaults: ClaimPolicy,
  env: RouteEnvironment,
  options: DynamicRoutesOptions,
): DynamicRoutes {
  const resolutions = new LRUCache<string, Route | typeof UNTRUSTED>({
    max: options.maxEntries,
    maxSize: options.maxBytes,
    sizeCalculation: answerSize,
  });
  // Each entry is removed when its call settles or its deadline passes, whichever is first,
  // so a resolver that never answers cannot pin an entry per `iss`.
  const inflight = new Map<string, Promise<Route | undefined>>();

  async function ask(issuer: string): Promise<Route | undefined> {
    let route: Route | undefined;
    try {
      const trusted = await withinDeadline(resolve(issuer), env.timeoutMs, 'issuer resolver');
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
    resolutions.set(issuer, route ?? UNTRUSTED, {
      ttl: route === undefined ? options.negativeTtlMs : options.ttlMs,
    });
    return route;
  }

  return {
    get(issuer) {
      // lru-cache drops an expired answer on read, so an expired answer asks the resolver again.
      const known = resolutions.get(issuer);
      if (known !== undefined) return known === UNTRUSTED ? undefined : known;
      let pending = inflight.get(issuer);
      if (pending === undefined) {
        pending = ask(issuer).finally(() => inflight.delete(issuer));
        inflight.set(issuer, pending);
      }
      return pending;
    },
    current(issuer) {
      const known = resolutions.get(issuer);
      return known === undefined || known === UNTRUSTED ? undefined : known;
    },
  };
}
