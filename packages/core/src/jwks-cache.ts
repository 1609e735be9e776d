import { LRUCache } from 'lru-cache';
import { IdpUnavailableError, InvalidTokenError } from './errors.js';
import { fetchJson } from './internal/bounded-fetch.js';
import { notify } from './internal/observe.js';
import { freshnessSeconds } from './internal/cache-control.js';
import { importKeySet, selectKey, type JwksKey, type KeySet } from './internal/jwk-import.js';
import { positiveInteger, optionalFunction } from './internal/options.js';
import type { Algorithm, VerifierEventListener } from './types.js';

export type { JwksKey } from './internal/jwk-import.js';

export interface JwksCacheOptions {
  /** Key sets kept at once (one per JWKS URI), least recently used evicted. Default 1000. */
  readonly maxEntries?: number;
  /** Deadline for one JWKS request, headers and body together. Default 3000 ms. */
  readonly timeoutMs?: number;
  /** Largest JWKS body accepted. Default 256 KiB. */
  readonly maxBytes?: number;
  /** Freshness when the response's `Cache-Control` says nothing. Default 10 minutes. */
  readonly defaultTtlMs?: number;
  /** `Cache-Control` freshness is clamped to [minTtlMs, maxTtlMs]. Defaults 1 minute and 1 hour. */
  readonly minTtlMs?: number;
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
  readonly onEvent?: VerifierEventListener;
}

/** A shared, bounded cache of imported JWKS keys. */
export interface JwksCache {
  /**
   * The key for `kid` and `alg` from the key set at `jwksUri`. Synchronous when the set is
   * fresh and holds the key; otherwise fetches (once for all concurrent callers).
   * Rejects with `InvalidTokenError` (`KEY_NOT_FOUND`) or `IdpUnavailableError`.
   */
  getKey(jwksUri: string, kid: string | undefined, alg: Algorithm): JwksKey | Promise<JwksKey>;
  /** Fetches the key set now (e.g. at startup). Rejects with `IdpUnavailableError`. */
  refresh(jwksUri: string): Promise<void>;
}

interface Entry {
  readonly uri: string;
  keys: KeySet | undefined;
  freshUntil: number;
  staleUntil: number;
  lastAttemptAt: number;
  lastError: Error | undefined;
  inflight: Promise<void> | undefined;
}

/**
 * Creates a JWKS cache. Freshness follows `Cache-Control` within bounds; unknown `kid`s
 * refetch at most once per cooldown; when the IdP is down, cached keys keep serving for
 * `staleIfErrorMs` (stale-if-error, RFC 5861 §4) and unknown keys answer 503.
 *
 * @example
 * ```ts
 * const jwks = createJwksCache({ timeoutMs: 2000, cooldownMs: 10_000 });
 * const verifier = createVerifier({ issuers: [cognitoIssuer({ userPoolId, clientId })], jwks });
 * ```
 */
export function createJwksCache(options: JwksCacheOptions = {}): JwksCache {
  const maxEntries = positiveInteger(options.maxEntries, 'maxEntries', 1000);
  const timeoutMs = positiveInteger(options.timeoutMs, 'timeoutMs', 3000);
  const maxBytes = positiveInteger(options.maxBytes, 'maxBytes', 256 * 1024);
  const defaultTtlMs = positiveInteger(options.defaultTtlMs, 'defaultTtlMs', 600_000);
  const minTtlMs = positiveInteger(options.minTtlMs, 'minTtlMs', 60_000);
  const maxTtlMs = positiveInteger(options.maxTtlMs, 'maxTtlMs', 3_600_000);
  const cooldownMs = positiveInteger(options.cooldownMs, 'cooldownMs', 5000);
  const staleIfErrorMs = positiveInteger(options.staleIfErrorMs, 'staleIfErrorMs', 6 * 3_600_000);
  if (minTtlMs > maxTtlMs) throw new TypeError('minTtlMs must not exceed maxTtlMs');
  const fetchImpl = optionalFunction(options.fetch, 'fetch') ?? globalThis.fetch;
  const onEvent = optionalFunction(options.onEvent, 'onEvent');
  const retryAfterSeconds = Math.ceil(cooldownMs / 1000);
  const entries = new LRUCache<string, Entry>({ max: maxEntries });

  function entryFor(uri: string): Entry {
    let entry = entries.get(uri);
    if (entry === undefined) {
      entry = {
        uri,
        keys: undefined,
        freshUntil: 0,
        staleUntil: 0,
        lastAttemptAt: -Infinity,
        lastError: undefined,
        inflight: undefined,
      };
      entries.set(uri, entry);
    }
    return entry;
  }

  function fetchOnce(entry: Entry): Promise<void> {
    entry.inflight ??= load(entry).finally(() => {
      entry.inflight = undefined;
    });
    return entry.inflight;
  }

  async function load(entry: Entry): Promise<void> {
    const startedAt = Date.now();
    entry.lastAttemptAt = startedAt;
    try {
      const { body, cacheControl } = await fetchJson(entry.uri, {
        timeoutMs,
        maxBytes,
        fetch: fetchImpl,
      });
      const keys = importKeySet(body, entry.keys);
      if (keys === undefined) throw new Error('body is not a JWKS');
      const advertised = freshnessSeconds(cacheControl);
      const ttl = clamp(
        advertised === undefined ? defaultTtlMs : advertised * 1000,
        minTtlMs,
        maxTtlMs,
      );
      const now = Date.now();
      entry.keys = keys;
      entry.freshUntil = now + ttl;
      entry.staleUntil = now + ttl + staleIfErrorMs;
      entry.lastError = undefined;
      emit({ ok: true, startedAt, keys: keys.all.length });
    } catch (error) {
      entry.lastError = error instanceof Error ? error : new Error(String(error));
      emit({ ok: false, startedAt, error: entry.lastError.message });
    } finally {
      // The cooldown runs from the end of an attempt: a fetch that used its whole deadline
      // must not be followed at once by another, or one request could wait for two.
      entry.lastAttemptAt = Date.now();
    }

    function emit(outcome: {
      ok: boolean;
      startedAt: number;
      keys?: number;
      error?: string;
    }): void {
      notify(onEvent, {
        type: 'jwks-fetch',
        uri: entry.uri,
        durationMs: Date.now() - outcome.startedAt,
        ...outcome,
      });
    }
  }

  function unavailable(entry: Entry): IdpUnavailableError {
    return new IdpUnavailableError({
      description: 'The identity provider keys are unavailable; retry later',
      cause: entry.lastError,
      retryAfterSeconds,
    });
  }

  function pick(entry: Entry, keys: KeySet, kid: string | undefined, alg: Algorithm): JwksKey {
    const key = selectKey(keys, kid, alg);
    if (key !== undefined) return key;
    // The key may exist but we could not learn of it: that is an outage, not a bad token.
    if (entry.lastError !== undefined) throw unavailable(entry);
    throw new InvalidTokenError('KEY_NOT_FOUND', {
      description:
        kid === undefined
          ? 'Token has no kid and no single key fits its algorithm'
          : 'No key of the issuer matches the token kid and algorithm',
    });
  }

  /** After a fetch attempt: fresh keys, else stale keys within the window, else 503. */
  function settle(entry: Entry, kid: string | undefined, alg: Algorithm): JwksKey {
    const now = Date.now();
    if (entry.keys === undefined || now >= entry.staleUntil) throw unavailable(entry);
    return pick(entry, entry.keys, kid, alg);
  }

  function getKey(
    uri: string,
    kid: string | undefined,
    alg: Algorithm,
  ): JwksKey | Promise<JwksKey> {
    const entry = entryFor(uri);
    const now = Date.now();
    const coolingDown = now - entry.lastAttemptAt < cooldownMs;
    if (entry.keys !== undefined && now < entry.freshUntil) {
      const key = selectKey(entry.keys, kid, alg);
      if (key !== undefined) return key;
      // Unknown kid: the IdP may have rotated. Refetch, at most once per cooldown.
      if (coolingDown && entry.inflight === undefined) return pick(entry, entry.keys, kid, alg);
    } else if (entry.lastError !== undefined) {
      // Expired during an outage. Within the stale window, answer from the cached keys at once
      // (stale-if-error, RFC 5861 §4) and retry in the background, at most once per cooldown,
      // so no request waits on a failing IdP. Past it, 503 until a retry succeeds.
      const stale =
        entry.keys !== undefined && now < entry.staleUntil
          ? selectKey(entry.keys, kid, alg)
          : undefined;
      if (coolingDown || entry.inflight !== undefined) {
        return (
          stale ?? entry.inflight?.then(() => settle(entry, kid, alg)) ?? settle(entry, kid, alg)
        );
      }
      // A key we do not hold must be fetched anyway: that request waits for the attempt.
      if (stale === undefined) return fetchOnce(entry).then(() => settle(entry, kid, alg));
      void fetchOnce(entry);
      return stale;
    }
    // Expired after a healthy fetch: refresh before answering, so a key the IdP removed stops
    // working now rather than one request later.
    return fetchOnce(entry).then(() => settle(entry, kid, alg));
  }

  async function refresh(uri: string): Promise<void> {
    const entry = entryFor(uri);
    await fetchOnce(entry);
    if (entry.lastError !== undefined) throw unavailable(entry);
  }

  return { getKey, refresh };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
