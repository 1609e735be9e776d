import type { JwksKey } from '../jws/jwk-import.js';
import {
  assertKnownKeys,
  describe,
  durationMs,
  optionKeys,
  optionalFunction,
  positiveInteger,
} from '../lib/options.js';
import type { Algorithm, VerifierEventListener } from '../lib/types.js';

/**
 * Options of {@link createJwksCache} (and `jwks` of {@link VerifierOptions}): bounds, deadlines
 * and freshness of the key cache. Checked at creation, with `TypeError` naming the option.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({
 *   issuers,
 *   jwks: { timeoutMs: 1500, maxBytes: 64 * 1024, staleIfErrorMs: 12 * 3_600_000 },
 * });
 * ```
 */
export interface JwksCacheOptions {
  /** Key sets kept at once (one per JWKS URI), least recently used evicted. Default 1000. */
  readonly maxEntries?: number;
  /**
   * How long one request waits for a JWKS (or discovery) fetch before answering 503 with
   * `Retry-After`. The fetch itself is not cut short: it goes on in the background, up to
   * `fetchTimeoutMs`, and fills the cache for later requests. Default 3000 ms.
   */
  readonly timeoutMs?: number;
  /**
   * Deadline of one JWKS (or discovery) fetch, headers and body together, whoever waits for
   * it. Only a fetch that fails (or passes this deadline) starts the cooldown; one still
   * running is joined. At least `timeoutMs`. Default 30000 ms (or `timeoutMs` if larger).
   */
  readonly fetchTimeoutMs?: number;
  /** Largest JWKS body accepted. Default 256 KiB. */
  readonly maxBytes?: number;
  /** Freshness when the response's `Cache-Control` says nothing. Default 10 minutes. */
  readonly defaultTtlMs?: number;
  /** `Cache-Control` freshness is clamped to [minTtlMs, maxTtlMs]. Defaults 1 minute and 1 hour. */
  readonly minTtlMs?: number;
  /** Upper clamp of `Cache-Control` freshness (see `minTtlMs`). Default 1 hour. */
  readonly maxTtlMs?: number;
  /**
   * Least time between two fetches of one JWKS caused by unknown `kid`s or failures, so a
   * flood of random `kid`s costs at most one fetch per cooldown. Default 5000 ms.
   */
  readonly cooldownMs?: number;
  /** How long past freshness cached keys keep serving while the IdP fails. Default 6 hours. */
  readonly staleIfErrorMs?: number;
  /** Replaces the global `fetch` (e.g. to set a proxy agent). */
  readonly fetch?: typeof globalThis.fetch;
  /**
   * Receives `jwks-fetch` events. A listener that throws is ignored. As `jwks` of a verifier
   * that has its own `onEvent` (which receives these events already), a TypeError.
   */
  readonly onEvent?: VerifierEventListener;
}

const JWKS_CACHE_OPTION_KEYS = optionKeys<JwksCacheOptions>({
  maxEntries: true,
  timeoutMs: true,
  fetchTimeoutMs: true,
  maxBytes: true,
  defaultTtlMs: true,
  minTtlMs: true,
  maxTtlMs: true,
  cooldownMs: true,
  staleIfErrorMs: true,
  fetch: true,
  onEvent: true,
});

/**
 * A shared, bounded cache of imported JWKS keys.
 *
 * @example
 * ```ts
 * // One cache shared by two verifiers (e.g. two APIs in one process): keys fetched once.
 * const jwks: JwksCache = createJwksCache();
 * const publicApi = createVerifier({ issuers: [publicPool], jwks });
 * const adminApi = createVerifier({ issuers: [adminPool], jwks });
 * ```
 */
export interface JwksCache {
  /**
   * The key for `kid` and `alg` from the key set at `jwksUri`. Synchronous when the set is
   * fresh and holds the key; otherwise fetches (once for all concurrent callers), waiting at
   * most `timeoutMs`. Rejects with `InvalidTokenError` (`KEY_NOT_FOUND`) or `IdpUnavailableError`.
   */
  getKey(jwksUri: string, kid: string | undefined, alg: Algorithm): JwksKey | Promise<JwksKey>;
  /**
   * Fetches the key set now (e.g. at startup), waiting for the fetch itself (up to
   * `fetchTimeoutMs`). Rejects with `IdpUnavailableError`.
   */
  refresh(jwksUri: string): Promise<void>;
  /**
   * Seeds a key set not yet held (one bundled at build time), fresh for `minTtlMs`, then
   * refreshed as usual. Throws `TypeError` for a body that is not a JWKS with a usable key.
   */
  seed?(jwksUri: string, jwks: unknown): void;
  /**
   * Stops every refresh timer and aborts every fetch in flight, for a graceful shutdown.
   * Resolves once those fetches have settled. Afterwards cached keys still answer, but nothing
   * is fetched again (a request needing a fetch answers 503). Idempotent.
   */
  close(): Promise<void>;
}

/** {@link JwksCacheOptions} with defaults applied, validated once at creation. */
export interface ResolvedJwksCacheOptions {
  readonly maxEntries: number;
  readonly timeoutMs: number;
  readonly fetchTimeoutMs: number;
  readonly maxBytes: number;
  readonly defaultTtlMs: number;
  readonly minTtlMs: number;
  readonly maxTtlMs: number;
  readonly cooldownMs: number;
  readonly staleIfErrorMs: number;
  readonly fetch: typeof globalThis.fetch;
  readonly onEvent: VerifierEventListener | undefined;
}

/**
 * Validates {@link JwksCacheOptions}; a mistake throws `TypeError` naming the option. `path` is
 * where the options sit when they are part of other options (`jwks` of a verifier): names
 * then read `jwks.maxBytes`. `undefined` is no options at all.
 */
export function resolveJwksCacheOptions(
  options: JwksCacheOptions | undefined,
  path?: string,
): ResolvedJwksCacheOptions {
  const at = (name: string): string => (path === undefined ? name : `${path}.${name}`);
  // Only `undefined` is "no options": `null` is a mistake, not a request for the defaults.
  const given: JwksCacheOptions = options === undefined ? {} : options;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new TypeError(
      path === undefined
        ? `createJwksCache options must be an object, got ${describe(given)}`
        : `${path} must be a JwksCache or an object of options, got ${describe(given)}`,
    );
  }
  assertKnownKeys(given, JWKS_CACHE_OPTION_KEYS, path ?? 'createJwksCache');
  const maxEntries = positiveInteger(given.maxEntries, at('maxEntries'), 1000);
  const { timeoutMs, fetchTimeoutMs } = fetchDeadlines(given, path);
  const maxBytes = positiveInteger(given.maxBytes, at('maxBytes'), 256 * 1024);
  const defaultTtlMs = durationMs(given.defaultTtlMs, at('defaultTtlMs'), 600_000);
  const minTtlMs = durationMs(given.minTtlMs, at('minTtlMs'), 60_000);
  const maxTtlMs = durationMs(given.maxTtlMs, at('maxTtlMs'), 3_600_000);
  const cooldownMs = durationMs(given.cooldownMs, at('cooldownMs'), 5000);
  const staleIfErrorMs = durationMs(given.staleIfErrorMs, at('staleIfErrorMs'), 6 * 3_600_000);
  if (minTtlMs > maxTtlMs) {
    throw new TypeError(`${at('minTtlMs')} must not exceed ${at('maxTtlMs')}`);
  }
  return {
    maxEntries,
    timeoutMs,
    fetchTimeoutMs,
    maxBytes,
    defaultTtlMs,
    minTtlMs,
    maxTtlMs,
    cooldownMs,
    staleIfErrorMs,
    fetch: optionalFunction(given.fetch, at('fetch')) ?? globalThis.fetch,
    onEvent: optionalFunction(given.onEvent, at('onEvent')),
  };
}

/** The request wait and the fetch deadline, validated; shared with discovery. */
export function fetchDeadlines(
  options: Pick<JwksCacheOptions, 'timeoutMs' | 'fetchTimeoutMs'>,
  path?: string,
): {
  timeoutMs: number;
  fetchTimeoutMs: number;
} {
  const at = (name: string): string => (path === undefined ? name : `${path}.${name}`);
  const timeoutMs = durationMs(options.timeoutMs, at('timeoutMs'), 3000);
  const fetchTimeoutMs = durationMs(
    options.fetchTimeoutMs,
    at('fetchTimeoutMs'),
    Math.max(30_000, timeoutMs),
  );
  if (fetchTimeoutMs < timeoutMs) {
    throw new TypeError(`${at('fetchTimeoutMs')} must not be less than ${at('timeoutMs')}`);
  }
  return { timeoutMs, fetchTimeoutMs };
}
