import type { IssuerResolver } from '../issuers/issuer-resolver.js';
import type { JwksCache, JwksCacheOptions } from '../jwks/jwks-cache-options.js';
import { optionKeys } from '../lib/options.js';
import type {
  ClaimPolicy,
  JsonWebKeySet,
  JwtClaims,
  RequestSource,
  TokengateClaims,
  TrustedIssuer,
  VerifiedToken,
  VerifierEventListener,
} from '../lib/types.js';
import type { RevocationStore } from '../revocation/revocation.js';

/**
 * Options of {@link createVerifier} (and of every adapter, which builds one): the trusted
 * issuers, verifier-wide claim rules, caches, revocation and observability. Checked once, at
 * creation, with `TypeError` naming the option.
 *
 * @example
 * ```ts
 * const options: VerifierOptions = {
 *   issuers: [cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789' })],
 *   clockToleranceSeconds: 10,
 *   cache: { maxEntries: 50_000 },
 *   onEvent: (event) => log.debug(event),
 * };
 * const verifier = createVerifier(options);
 * ```
 */
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
   * while the resolver's answer that verified it is still cached, unexpired. Only with
   * `resolveIssuer` (a TypeError without it).
   */
  readonly resolverCache?: {
    /** Issuers kept at once. Default 10000. */
    readonly maxEntries?: number;
    /** Approximate heap, `iss` strings included. Default 8 MiB. */
    readonly maxBytes?: number;
    /** How long a resolved issuer is kept. Default 10 minutes. */
    readonly ttlMs?: number;
    /** How long a refusal (an `iss` the resolver does not trust) is kept. Default 1 minute. */
    readonly negativeTtlMs?: number;
  };
  /**
   * A shared `JwksCache`, or options for the verifier's own. Given as options, their `fetch`,
   * `timeoutMs` (request wait), `fetchTimeoutMs` (fetch deadline) and `cooldownMs` apply to
   * discovery as well; a shared `createJwksCache()` lends discovery its own the same way.
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
        /** Verified tokens kept at once. Default 10000. */
        readonly maxEntries?: number;
        /** Approximate heap the entries may hold. Default 32 MiB. */
        readonly maxBytes?: number;
        /** Longest time a verification is remembered. Default 600000 ms. */
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
   * `REVOCATION_UNAVAILABLE`, so a hung store never holds a request. Default 1000 ms. Only
   * with `revocation` (a TypeError without it).
   */
  readonly revocationTimeoutMs?: number;
  /**
   * Check signatures on libuv's thread pool instead of the event loop. Default `false`: on
   * small machines the hand-off costs more than it frees (see docs/benchmarks.md).
   */
  readonly threadPool?: boolean;
}

/**
 * How one `verify()` call treats sender-constrained tokens.
 *
 * @example
 * ```ts
 * // Your own transport checks the DPoP proof or client certificate against `auth.binding`:
 * const auth = await verifier.verify(token, req, { allowBoundTokens: true });
 * ```
 */
export interface VerifyCallOptions {
  /**
   * Accept a token bound to a DPoP key or a client certificate (its `cnf` claim), because the
   * caller checks the request's proof against `result.binding` itself, as the gate does on
   * every request. Default `false`: such a token answers 401 `TOKEN_BINDING_UNCHECKED`.
   */
  readonly allowBoundTokens?: boolean;
}

/**
 * A verifier built by {@link createVerifier}: build it once at startup (it owns the JWKS cache)
 * and share it across requests.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({ issuers: [oidcIssuer({ issuer: 'https://auth.example.com/', audience: 'api' })] });
 * await verifier.prewarm(); // optional: fetch the keys before the first request
 * const auth = await verifier.verify(token);
 * process.once('SIGTERM', () => void verifier.close());
 * ```
 */
export interface Verifier {
  /**
   * Verifies a compact JWS access or ID token, or asks an `introspectionIssuer()` about an
   * opaque one (RFC 7662). Resolves to the normalized result or rejects with a
   * `TokengateError` (`InvalidTokenError` 401, `IdpUnavailableError` 503).
   */
  verify<C extends JwtClaims = JwtClaims & TokengateClaims>(
    token: string,
    /** The request the token came with: only read to describe a rejection in `onEvent`. */
    source?: RequestSource,
    options?: VerifyCallOptions,
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

/** The keys of `cache: { … }`. */
export const CACHE_OPTION_KEYS = optionKeys<Exclude<NonNullable<VerifierOptions['cache']>, false>>({
  maxEntries: true,
  maxBytes: true,
  maxTtlMs: true,
});

/** The keys of `resolverCache: { … }`. */
export const RESOLVER_CACHE_OPTION_KEYS = optionKeys<NonNullable<VerifierOptions['resolverCache']>>(
  {
    maxEntries: true,
    maxBytes: true,
    ttlMs: true,
    negativeTtlMs: true,
  },
);

/**
 * Where a verifier keeps its synchronous entry for the gate: `verify()`'s verdict, or a
 * promise only when something must be waited for (a cache miss, a key-set refresh, an
 * asynchronous revocation store). `Symbol.for`, so two copies of the core (ESM and CJS) agree;
 * a verifier without it is called through `verify()`.
 */
export const VERIFY_NOW = Symbol.for('tokengate.verifyNow');

/** The shape of a verifier's `VERIFY_NOW` entry's `now`. */
export type VerifyNow = (
  token: string,
  source?: RequestSource,
  options?: VerifyCallOptions,
) => VerifiedToken | Promise<VerifiedToken>;

/** A verifier's `VERIFY_NOW` entry: used only while `verify` is still the one it was built with. */
export interface VerifyNowEntry {
  readonly verify: Verifier['verify'];
  readonly now: VerifyNow;
}

/**
 * `option` means something only together with `needs` (`revocationTimeoutMs` without a
 * `revocation` store waits for nothing): given alone, it is a TypeError rather than ignored.
 */
export function requiresOption(
  options: VerifierOptions,
  option: keyof VerifierOptions,
  needs: keyof VerifierOptions,
): void {
  if (options[option] !== undefined && options[needs] === undefined) {
    throw new TypeError(`${option} applies only with ${needs}: set ${needs}, or remove ${option}`);
  }
}
