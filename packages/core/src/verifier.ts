import { SUPPORTED_ALGORITHMS, isSupportedAlgorithm } from './internal/algorithms.js';
import { checkClaims, invalid } from './internal/claims-check.js';
import { decodeCompactJws } from './internal/compact-jws.js';
import { assertTokenCharset } from './internal/token-charset.js';
import {
  assertKnownKeys,
  optionKeys,
  positiveInteger,
  optionalFunction,
} from './internal/options.js';
import { detailList, seen } from './internal/error-detail.js';
import { createDynamicRoutes } from './internal/dynamic-routes.js';
import { markVerified } from './verified-token.js';
import { MAX_ISSUER_LENGTH, buildRoutes, type Route } from './internal/routes.js';
import type { IssuerResolver } from './issuer-resolver.js';
import type { RevocationStore } from './revocation.js';
import { observed } from './internal/observe.js';
import { createPrewarm } from './internal/prewarm.js';
import { createHydrate } from './internal/hydrate.js';
import { staticKey } from './internal/static-keys.js';
import { signatureIsValid, signatureIsValidOffThread } from './internal/signature.js';
import { checkRevocable, checkRevocation, revocationGuard } from './internal/revocation-check.js';
import { createTokenCache, validityWindow, type CachedVerdict } from './internal/token-cache.js';
import {
  createJwksCache,
  fetchDeadlines,
  type JwksCache,
  type JwksCacheOptions,
  type JwksKey,
} from './jwks-cache.js';
import type {
  Algorithm,
  ClaimPolicy,
  JsonWebKeySet,
  JwtClaims,
  RequestSource,
  TokengateClaims,
  TrustedIssuer,
  VerifiedToken,
  VerifierEventListener,
} from './types.js';

export interface VerifierOptions extends ClaimPolicy {
  /** The issuers whose tokens are trusted; each token is routed to one by its `iss`. */
  readonly issuers?: readonly TrustedIssuer[];
  /**
   * Issuers known only at run time (multi-tenant): asked for an `iss` that `issuers` does not
   * list; see `matchIssuer()`. Its answers are cached per `resolverCache`.
   */
  readonly resolveIssuer?: IssuerResolver;
  /**
   * Bounds of the resolver's cache. Defaults: 10000 issuers, about 8 MiB (`iss` strings
   * included), 10 min, 1 min for refusals. A cached token of a resolved issuer is accepted only
   * while the resolver's answer that verified it is still cached, unexpired.
   */
  readonly resolverCache?: {
    readonly maxEntries?: number;
    readonly maxBytes?: number;
    readonly ttlMs?: number;
    readonly negativeTtlMs?: number;
  };
  /**
   * A shared `JwksCache`, or options for the verifier's own. Its `timeoutMs` (request wait),
   * `fetchTimeoutMs` (fetch deadline) and `cooldownMs` apply to discovery as well.
   */
  readonly jwks?: JwksCache | JwksCacheOptions;
  /** Tokens longer than this are refused before any parsing. Default 16384 characters. */
  readonly maxTokenBytes?: number;
  /** Observability hook: verified, rejected (with `code`), JWKS and discovery fetches. */
  readonly onEvent?: VerifierEventListener;
  /**
   * Remember successful verifications so a token seen again skips the signature check. A hit
   * still checks `exp`/`nbf` (and max age) against now, and is dropped when the IdP retires the
   * key that verified it, or when its issuer's route changed (a resolver's answer expired).
   * Default `{ maxEntries: 10000, maxBytes: 32 MiB, maxTtlMs: 600000 }` (`maxBytes` is an
   * estimate: about twice the token's length per entry); `false` turns it off.
   */
  readonly cache?:
    | false
    | {
        readonly maxEntries?: number;
        readonly maxBytes?: number;
        readonly maxTtlMs?: number;
      };
  /**
   * Revocations to honour (`createMemoryRevocationStore()`, `@tokengate/redis`): asked on
   * every request, cache hits included; a revoked token answers 401 `TOKEN_REVOKED`, a store
   * that cannot answer 503 `REVOCATION_UNAVAILABLE`. Tokens that could outlive the store's
   * entries (`exp − iat` past its `entryLifetimeSeconds`, or no `iat`/`auth_time`) answer 401
   * `TOKEN_LIFETIME_EXCEEDED`: a revoked token must never work again once its entry expires.
   */
  readonly revocation?: RevocationStore;
  /**
   * How long a request waits for the revocation store's answer; past it, 503
   * `REVOCATION_UNAVAILABLE`, so a hung store never holds a request. Default 1000 ms.
   */
  readonly revocationTimeoutMs?: number;
  /**
   * Check signatures on libuv's thread pool instead of the event loop. Default `false`: on
   * small machines the hand-off costs more than it frees (see docs/benchmarks.md).
   */
  readonly threadPool?: boolean;
}

export interface Verifier {
  /**
   * Verifies a compact JWS access or ID token. Resolves to the normalized result or rejects
   * with a `TokengateError` (`InvalidTokenError` 401, `IdpUnavailableError` 503).
   */
  verify<C extends JwtClaims = JwtClaims & TokengateClaims>(
    token: string,
    /** The request the token came with: only read to describe a rejection in `onEvent`. */
    source?: RequestSource,
  ): Promise<VerifiedToken<C>>;
  /**
   * Fetches every configured endpoint's discovery document and JWKS now, reporting each as a
   * `prewarm` event. Rejects with `IdpUnavailableError` when a primary endpoint's keys cannot be
   * loaded; a `secondary` one (a Cognito issuer form or replica region the pool may not use)
   * is only reported.
   */
  prewarm(): Promise<void>;
  /**
   * Seeds the JWKS cache with a key set bundled at build time, so the first request after a
   * cold start (AWS Lambda) fetches nothing. `jwksUri` must be a configured issuer's JWKS
   * location. The set is fresh for the cache's `minTtlMs`, then refreshed as usual; if that
   * refresh fails, the seeded keys keep serving (stale-if-error). A set already held is kept.
   * Throws `TypeError` for an unknown `jwksUri` or a body that is not a JWK Set.
   */
  hydrate(jwksUri: string, jwks: JsonWebKeySet): void;
  /**
   * Graceful shutdown: aborts discovery fetches in flight and closes the verifier's own JWKS
   * cache (its refresh-ahead timers and fetches). A `JwksCache` passed in `jwks` is shared,
   * so it is left open: close it yourself. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Creates a verifier for one or many issuers. Build it once at startup: it owns the JWKS
 * cache, and every option mistake throws a `TypeError` here rather than on a request.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({
 *   issuers: [cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789' })],
 * });
 * const { subject, scopes, groups } = await verifier.verify(token);
 * ```
 */
export function createVerifier(options: VerifierOptions): Verifier {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  assertKnownKeys(options, VERIFIER_OPTION_KEYS, 'createVerifier');
  const maxTokenBytes = positiveInteger(options.maxTokenBytes, 'maxTokenBytes', 16_384);
  const onEvent = optionalFunction(options.onEvent, 'onEvent');
  const ownsJwks = !isJwksCache(options.jwks);
  const jwks = isJwksCache(options.jwks)
    ? options.jwks
    : createJwksCache(onEvent === undefined ? { ...options.jwks } : { ...options.jwks, onEvent });
  const cache =
    options.cache === false
      ? undefined
      : createTokenCache({
          maxEntries: positiveInteger(options.cache?.maxEntries, 'cache.maxEntries', 10_000),
          maxBytes: positiveInteger(options.cache?.maxBytes, 'cache.maxBytes', 32 * 1024 * 1024),
          maxTtlMs: positiveInteger(options.cache?.maxTtlMs, 'cache.maxTtlMs', 600_000),
        });
  if (options.threadPool !== undefined && typeof options.threadPool !== 'boolean') {
    throw new TypeError('threadPool must be a boolean');
  }
  const threadPool = options.threadPool === true;
  const revocation = revocationGuard(
    options.revocation,
    positiveInteger(options.revocationTimeoutMs, 'revocationTimeoutMs', 1000),
  );
  // Discovery follows the JWKS cache's deadline and cooldown when they are given as options.
  const jwksOptions = isJwksCache(options.jwks) ? undefined : options.jwks;
  // Aborted by close(): ends discovery fetches still in flight.
  const lifetime = new AbortController();
  const routeEnvironment = {
    fetch: jwksOptions?.fetch ?? globalThis.fetch,
    ...fetchDeadlines(jwksOptions ?? {}),
    signal: lifetime.signal,
    cooldownMs: jwksOptions?.cooldownMs ?? 5000,
    onEvent,
  };
  const routes = buildRoutes(options, routeEnvironment);
  const resolveIssuer = optionalFunction(options.resolveIssuer, 'resolveIssuer');
  const dynamicRoutes =
    resolveIssuer === undefined
      ? undefined
      : createDynamicRoutes(resolveIssuer, options, routeEnvironment, {
          maxEntries: positiveInteger(
            options.resolverCache?.maxEntries,
            'resolverCache.maxEntries',
            10_000,
          ),
          maxBytes: positiveInteger(
            options.resolverCache?.maxBytes,
            'resolverCache.maxBytes',
            8 * 1024 * 1024,
          ),
          ttlMs: positiveInteger(options.resolverCache?.ttlMs, 'resolverCache.ttlMs', 600_000),
          negativeTtlMs: positiveInteger(
            options.resolverCache?.negativeTtlMs,
            'resolverCache.negativeTtlMs',
            60_000,
          ),
        });

  async function verifyToken(token: string): Promise<VerifiedToken> {
    if (typeof token !== 'string' || token.length === 0) {
      throw invalid('TOKEN_MALFORMED', 'Token must be a non-empty string');
    }
    // RFC 8725 §3.11-style resource bound: refuse oversized input before decoding anything.
    if (token.length > maxTokenBytes) {
      throw invalid('TOKEN_TOO_LARGE', 'Token is too large', {
        length: token.length,
        maxTokenBytes,
      });
    }
    // Before hashing or decoding: a non-ASCII look-alike must not reach either.
    assertTokenCharset(token, false);
    const digest = cache?.digest(token);
    if (cache !== undefined && digest !== undefined) {
      const hit = cache.get(digest, Date.now());
      if (hit !== undefined && routeStillHolds(hit.route)) {
        // Synchronous while the key set is fresh: a hit costs no extra turn of the event loop.
        const published = stillPublished(hit);
        if (published === true || (published !== false && (await published))) {
          return revocation === undefined
            ? hit.result
            : checkRevocation(revocation, hit.result, hit.route.policy);
        }
      }
    }
    const { header, claims, signingInput, signature } = decodeCompactJws(token);
    const alg = header.alg;
    // RFC 8725 §3.1–3.2: never `none`, never HMAC; only the asymmetric algorithms we implement.
    if (!isSupportedAlgorithm(alg)) {
      throw invalid('ALG_NOT_ALLOWED', 'Token algorithm is not allowed', {
        alg: seen(alg),
        supported: SUPPORTED_ALGORITHMS,
      });
    }
    // RFC 7515 §4.1.11: we understand no extension, so any `crit` must be refused.
    if (header.crit !== undefined) {
      throw invalid(
        'CRIT_UNSUPPORTED',
        'Token has critical header parameters that are not understood',
        { crit: Array.isArray(header.crit) ? detailList(header.crit) : seen(header.crit) },
      );
    }
    const kid = header.kid;
    if (kid !== undefined && (typeof kid !== 'string' || kid.length > 1024)) {
      throw invalid('TOKEN_MALFORMED', 'Token kid header is not a valid string', {
        kid: seen(kid),
      });
    }
    // Route by `iss` in O(1); an unknown issuer costs no network call (RFC 8725 §3.8).
    const iss = claims.iss;
    // No issuer we trust is that long (buildRoutes refuses one), so this is an unknown issuer:
    // refused before the resolver, or any cache, has to hold an attacker's kilobytes.
    if (typeof iss === 'string' && iss.length > MAX_ISSUER_LENGTH) throw unknownIssuer(iss);
    let route = typeof iss === 'string' ? routes.get(iss) : undefined;
    if (route === undefined && dynamicRoutes !== undefined && typeof iss === 'string') {
      const resolved = dynamicRoutes.get(iss);
      route = resolved instanceof Promise ? await resolved : resolved;
    }
    if (route === undefined) throw unknownIssuer(iss);
    if (!route.policy.algorithms.has(alg)) {
      throw invalid('ALG_NOT_ALLOWED', 'Token algorithm is not allowed', {
        alg,
        issuer: seen(route.issuer),
        allowed: [...route.policy.algorithms],
      });
    }

    let jwksUri = '';
    let key: JwksKey;
    if (route.keys !== undefined) {
      key = staticKey(route.keys, kid, alg);
    } else {
      const resolved = route.resolveJwksUri();
      jwksUri = typeof resolved === 'string' ? resolved : await resolved;
      const found = jwks.getKey(jwksUri, kid, alg);
      key = found instanceof Promise ? await found : found;
    }
    const valid = threadPool
      ? await signatureIsValidOffThread(
          alg,
          key,
          signingInput,
          signature,
          routeEnvironment.timeoutMs,
        )
      : signatureIsValid(alg, key, signingInput, signature);
    if (!valid) {
      throw invalid('SIGNATURE_INVALID', 'Token signature is invalid', {
        alg,
        kid: seen(kid),
        issuer: seen(route.issuer),
      });
    }

    const policy = route.policy;
    checkClaims(claims, header, policy, Date.now() / 1000);
    route.trusted.validate?.(claims, header);
    if (revocation !== undefined) checkRevocable(revocation, claims, policy);
    const identity = route.trusted.normalize(claims, header);
    // Marked once here: guards accept only marked results (see verified-token.ts).
    const result = markVerified<VerifiedToken>({
      token,
      header,
      claims,
      issuer: route.issuer,
      subject: identity.subject,
      clientId: identity.clientId,
      tokenUse: identity.tokenUse,
      scopes: identity.scopes,
      groups: identity.groups,
      expiresAt: claims.exp,
    });
    if (cache !== undefined && digest !== undefined) {
      cache.admit(digest, { result, route, jwksUri, key, ...validityWindow(claims, policy) });
    }
    return revocation === undefined ? result : checkRevocation(revocation, result, policy);
  }

  /** Built on failure only: the token's `iss` and the first few trusted ones, for logs. */
  function unknownIssuer(iss: unknown): ReturnType<typeof invalid> {
    return invalid('ISSUER_UNKNOWN', 'Token issuer is not trusted', {
      iss: seen(iss),
      trusted: detailList(routes.keys()),
      resolver: dynamicRoutes !== undefined,
    });
  }

  /**
   * A cached verdict holds only while the route that verified it is still the route for its
   * `iss`. Static routes never change (one map lookup); a resolved route holds while the
   * resolver's answer is cached and unexpired, so after it expires the full path asks again.
   */
  function routeStillHolds(route: Route): boolean {
    const current = routes.get(route.issuer);
    if (current !== undefined) return current === route;
    return dynamicRoutes !== undefined && dynamicRoutes.current(route.issuer) === route;
  }

  /**
   * A cached verdict holds only while its key is still published: this asks the JWKS cache,
   * which refreshes on its schedule, so a key the IdP removed stops working for cached tokens
   * too. Synchronous while the key set is fresh.
   */
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

  const verify = observed(verifyToken, onEvent);

  const prewarm = createPrewarm(routes, jwks, onEvent);

  const hydrate = createHydrate(routes, jwks);

  async function close(): Promise<void> {
    lifetime.abort();
    if (ownsJwks) await jwks.close();
  }

  return { verify: verify as Verifier['verify'], prewarm, hydrate, close };
}

/** Every `VerifierOptions` name; a misspelt one is a TypeError, not a silent default. */
export const VERIFIER_OPTION_KEYS = optionKeys<VerifierOptions>({
  issuers: true,
  resolveIssuer: true,
  resolverCache: true,
  jwks: true,
  maxTokenBytes: true,
  onEvent: true,
  cache: true,
  revocation: true,
  revocationTimeoutMs: true,
  threadPool: true,
  audience: true,
  algorithms: true,
  clockToleranceSeconds: true,
  maxTokenAgeSeconds: true,
  typ: true,
  requiredClaims: true,
});

function isJwksCache(value: JwksCache | JwksCacheOptions | undefined): value is JwksCache {
  return (
    typeof value === 'object' && value !== null && typeof (value as JwksCache).getKey === 'function'
  );
}
