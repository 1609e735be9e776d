import { withFetchSettings } from './jwks-fetch-settings.js';
import { LRUCache } from 'lru-cache';
import { IdpUnavailableError } from '../errors/errors.js';
import { fetchJson } from '../lib/bounded-fetch.js';
import { notify } from '../lib/observe.js';
import { freshnessSeconds } from './cache-control.js';
import {
  importKeySet,
  privateMaterialRefused,
  selectKey,
  type JwksKey,
  type KeySet,
} from '../jws/jwk-import.js';
import {
  resolveJwksCacheOptions,
  type JwksCache,
  type JwksCacheOptions,
} from './jwks-cache-options.js';
import { keyNotFound } from './static-keys.js';
import { waitWithin } from '../lib/request-wait.js';
import type { Algorithm } from '../lib/types.js';

interface Entry {
  readonly uri: string;
  keys: KeySet | undefined;
  freshUntil: number;
  staleUntil: number;
  /** When the last successful fetch completed. */
  loadedAt: number;
  /** Last request answered from this set: refresh-ahead only keeps used sets fresh. */
  lastUsedAt: number;
  /** Start of the attempt in flight, else end of the last one. */
  lastAttemptAt: number;
  lastError: Error | undefined;
  inflight: Promise<void> | undefined;
  refreshTimer: ReturnType<typeof setTimeout> | undefined;
}

const WAIT_ENDED = Symbol('wait ended');
/** Node's timers overflow past 2^31 − 1 ms (and would then fire at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Creates a JWKS cache. Freshness follows `Cache-Control` within bounds, and a set in use is
 * refetched in the background shortly before it expires (refresh-ahead); unknown `kid`s
 * refetch at most once per cooldown; a slow fetch completes in the background while requests
 * answer 503 at their own deadline; when the IdP is down, cached keys keep serving for
 * `staleIfErrorMs` (stale-if-error, RFC 5861 §4) and unknown keys answer 503.
 *
 * @example
 * ```ts
 * const jwks = createJwksCache({ timeoutMs: 2000, cooldownMs: 10_000 });
 * const verifier = createVerifier({ issuers: [cognitoIssuer({ userPoolId, clientId })], jwks });
 * process.once('SIGTERM', () => void jwks.close());
 * ```
 */
export function createJwksCache(options: JwksCacheOptions = {}): JwksCache {
  const {
    maxEntries,
    timeoutMs,
    fetchTimeoutMs,
    maxBytes,
    defaultTtlMs,
    minTtlMs,
    maxTtlMs,
    cooldownMs,
    staleIfErrorMs,
    fetch: fetchImpl,
    onEvent,
  } = resolveJwksCacheOptions(options);
  const retryAfterSeconds = Math.ceil(cooldownMs / 1000);
  // Aborted by close(): ends every fetch in flight, and any later one at once.
  const lifetime = new AbortController();
  const fetchOptions = {
    timeoutMs: fetchTimeoutMs,
    maxBytes,
    fetch: fetchImpl,
    signal: lifetime.signal,
  };
  const entries = new LRUCache<string, Entry>({ max: maxEntries, dispose: stopRefreshAhead });

  function entryFor(uri: string): Entry {
    let entry = entries.get(uri);
    if (entry === undefined) {
      entry = {
        uri,
        keys: undefined,
        freshUntil: 0,
        staleUntil: 0,
        loadedAt: 0,
        lastUsedAt: -Infinity,
        lastAttemptAt: -Infinity,
        lastError: undefined,
        inflight: undefined,
        refreshTimer: undefined,
      };
      entries.set(uri, entry);
    }
    return entry;
  }

  /** Starts a fetch unless one is in flight (single flight per JWKS URI). Never rejects. */
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
      const { body, cacheControl } = await fetchJson(entry.uri, fetchOptions);
      const keys = importKeySet(body, entry.keys);
      if (keys === undefined) throw new Error('body is not a JWKS');
      const advertised = freshnessSeconds(cacheControl);
      store(entry, keys, advertised === undefined ? defaultTtlMs : advertised * 1000);
      emit({ ok: true, startedAt, keys: keys.all.length });
    } catch (error) {
      entry.lastError = error instanceof Error ? error : new Error(String(error));
      emit({ ok: false, startedAt, error: entry.lastError.message });
    } finally {
      // The cooldown runs from the end of an attempt: a fetch that used its whole deadline
      // must not be followed at once by another.
      entry.lastAttemptAt = Date.now();
    }

    function emit({
      startedAt: started,
      ...outcome
    }: {
      ok: boolean;
      startedAt: number;
      keys?: number;
      error?: string;
    }): void {
      notify(onEvent, {
        type: 'jwks-fetch',
        uri: entry.uri,
        durationMs: Date.now() - started,
        ...outcome,
      });
    }
  }

  /** Installs a key set, fresh for `ttlMs` (clamped), and schedules its refresh-ahead. */
  function store(entry: Entry, keys: KeySet, ttlMs: number): void {
    const ttl = clamp(ttlMs, minTtlMs, maxTtlMs);
    const now = Date.now();
    entry.keys = keys;
    entry.loadedAt = now;
    entry.freshUntil = now + ttl;
    entry.staleUntil = now + ttl + staleIfErrorMs;
    entry.lastError = undefined;
    stopRefreshAhead(entry);
    // At 80–90% of the freshness, jittered so that many instances do not refetch together.
    const delay = ttl * (0.8 + 0.1 * Math.random());
    // An entry the LRU evicted while its fetch ran gets no timer: it must not outlive eviction.
    if (lifetime.signal.aborted || delay > MAX_TIMER_MS || entries.peek(entry.uri) !== entry)
      return;
    // Unref'd: a pending refresh must never hold a process open that has nothing else to do.
    entry.refreshTimer = setTimeout(refreshAhead, delay, entry).unref();
  }

  function refreshAhead(entry: Entry): void {
    entry.refreshTimer = undefined;
    // Only a set used since its last fetch, and still cached: an idle one simply expires.
    if (entry.lastUsedAt < entry.loadedAt || entries.peek(entry.uri) !== entry) return;
    void fetchOnce(entry);
  }

  function stopRefreshAhead(entry: Entry): void {
    clearTimeout(entry.refreshTimer);
    entry.refreshTimer = undefined;
  }

  function unavailable(entry: Entry): IdpUnavailableError {
    return new IdpUnavailableError({
      description: 'The identity provider keys are unavailable; retry later',
      cause: entry.lastError,
      retryAfterSeconds,
    });
  }

  /** `unlearnt`: the request stopped waiting for a fetch, so a missing key may yet exist. */
  function pick(
    entry: Entry,
    keys: KeySet,
    kid: string | undefined,
    alg: Algorithm,
    unlearnt: boolean,
  ): JwksKey {
    const key = selectKey(keys, kid, alg);
    if (key !== undefined) return key;
    // The key may exist but we could not learn of it: that is an outage, not a bad token.
    if (unlearnt || entry.lastError !== undefined) throw unavailable(entry);
    throw keyNotFound(keys, kid, alg, entry.uri);
  }

  /** After a fetch attempt (or the wait for it): cached keys within the stale window, else 503. */
  function settle(
    entry: Entry,
    kid: string | undefined,
    alg: Algorithm,
    unlearnt: boolean,
  ): JwksKey {
    const now = Date.now();
    if (entry.keys === undefined || now >= entry.staleUntil) throw unavailable(entry);
    const key = pick(entry, entry.keys, kid, alg, unlearnt);
    entry.lastUsedAt = now;
    return key;
  }

  /** Joins the fetch (starting it if needed) and answers within this request's own wait. */
  function join(entry: Entry, kid: string | undefined, alg: Algorithm): Promise<JwksKey> {
    return waitWithin(fetchOnce(entry), timeoutMs, WAIT_ENDED).then((outcome) =>
      settle(entry, kid, alg, outcome === WAIT_ENDED),
    );
  }

  function getKey(
    uri: string,
    kid: string | undefined,
    alg: Algorithm,
  ): JwksKey | Promise<JwksKey> {
    const entry = entryFor(uri);
    const now = Date.now();
    if (entry.keys !== undefined && now < entry.freshUntil) {
      const key = selectKey(entry.keys, kid, alg);
      if (key !== undefined) {
        // All that refresh-ahead costs the hot path: one number written.
        entry.lastUsedAt = now;
        return key;
      }
      // Unknown kid: the IdP may have rotated. Refetch, at most once per cooldown.
      if (entry.inflight === undefined && now - entry.lastAttemptAt < cooldownMs) {
        return pick(entry, entry.keys, kid, alg, false);
      }
      return join(entry, kid, alg);
    }
    // Past freshness while the IdP fails, or while a refetch has outlived one request's wait:
    // within the stale window, answer from the cached keys at once (stale-if-error, RFC 5861
    // §4) and retry in the background, at most once per cooldown, so no request waits on a
    // failing or slow IdP. A key we do not hold must be fetched: that request joins the fetch.
    const slow = entry.inflight !== undefined && now - entry.lastAttemptAt >= timeoutMs;
    if (entry.lastError !== undefined || slow) {
      const stale =
        entry.keys !== undefined && now < entry.staleUntil
          ? selectKey(entry.keys, kid, alg)
          : undefined;
      const mayFetch = entry.inflight === undefined && now - entry.lastAttemptAt >= cooldownMs;
      if (stale !== undefined) {
        if (mayFetch) void fetchOnce(entry);
        return stale;
      }
      if (mayFetch || entry.inflight !== undefined) return join(entry, kid, alg);
      return settle(entry, kid, alg, false);
    }
    // Expired after a healthy fetch (a refresh-ahead was not due, or is still in flight):
    // refresh before answering, so a key the IdP removed stops working now.
    return join(entry, kid, alg);
  }

  async function refresh(uri: string): Promise<void> {
    const entry = entryFor(uri);
    await fetchOnce(entry);
    if (entry.lastError !== undefined) throw unavailable(entry);
  }

  async function close(): Promise<void> {
    lifetime.abort();
    const flights: Promise<void>[] = [];
    for (const entry of entries.values()) {
      stopRefreshAhead(entry);
      if (entry.inflight !== undefined) flights.push(entry.inflight);
    }
    await Promise.all(flights);
  }

  function seed(uri: string, jwks: unknown): void {
    const keys = importKeySet(jwks);
    if (keys !== undefined) privateMaterialRefused(keys, 'seed');
    if (keys === undefined || keys.all.length === 0) {
      throw new TypeError('jwks must be a JWK Set with at least one usable signature key');
    }
    const entry = entryFor(uri);
    if (entry.keys !== undefined) return; // what the IdP served is never replaced by a bundle
    // Fresh for minTtlMs, and refreshed ahead like a fetched set once it is used.
    store(entry, keys, minTtlMs);
  }

  // Lent to a verifier sharing this cache, for its discovery fetches (jwks-fetch-settings.ts).
  const settings = { fetch: fetchImpl, timeoutMs, fetchTimeoutMs, cooldownMs };
  return withFetchSettings({ getKey, refresh, seed, close }, settings);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
