import { LRUCache } from 'lru-cache';
import {
  assertKnownKeys,
  describe,
  isPlainObject,
  optionKeys,
  positiveInteger,
} from '../lib/options.js';
import type { DpopReplayStore } from './dpop-replay-store.js';

/**
 * Options of {@link createMemoryDpopReplayStore}: its bounds, in entries and in bytes. Checked
 * at creation, with `TypeError`.
 *
 * @example
 * ```ts
 * const replayStore = createMemoryDpopReplayStore({ maxEntries: 200_000, maxBytes: 64 * 1024 * 1024 });
 * ```
 */
export interface MemoryDpopReplayStoreOptions {
  /**
   * Proof ids remembered at once. Default 100000. Size it for your peak rate of DPoP requests
   * times the proof window (`proofMaxAgeSeconds` + 2 × `clockToleranceSeconds`, 70 s by
   * default): 100000 holds about 1400 requests a second.
   */
  readonly maxEntries?: number;
  /** Approximate heap the remembered ids may hold. Default 32 MiB (about 250 bytes an id). */
  readonly maxBytes?: number;
}

/** A full store looks for expired entries to drop at most this often; otherwise it refuses. */
const PURGE_INTERVAL_MS = 1000;

/** Heap cost of one id: its key string (two bytes a character) and the cache's bookkeeping. */
function entrySize(_value: true, key: string): number {
  return 2 * key.length + 96;
}

/**
 * Remembers DPoP proof ids for one process (RFC 9449 §11.1), each until its proof could no
 * longer be accepted, bounded by entries and by bytes. For a fleet behind a load balancer use a
 * shared store (`createRedisDpopReplayStore()` from `@tokengate/redis`): a proof replayed to
 * another server would not be recognised here.
 *
 * When full of ids that are still live, a new proof is **refused** (the request answers 503
 * `DPOP_REPLAY_UNAVAILABLE`) rather than an old id forgotten: an LRU that evicted a live id
 * would accept that proof again, the replay RFC 9449 §11.1 asks a server to prevent. Filling
 * the store takes a valid DPoP-bound token and its key (ids are recorded only after every
 * other check passed), so only a client already holding both can cause these 503s.
 *
 * @example
 * ```ts
 * import { createMemoryDpopReplayStore } from '@tokengate/core';
 *
 * const replayStore = createMemoryDpopReplayStore({ maxEntries: 500_000, maxBytes: 128 * 1024 * 1024 });
 * ```
 */
export function createMemoryDpopReplayStore(
  options: MemoryDpopReplayStoreOptions = {},
): DpopReplayStore & {
  /** Proof ids remembered now. */
  readonly size: number;
} {
  // A plain object only: an array or a Map has no option a reader would see, and the default
  // bounds would silently apply.
  if (!isPlainObject(options)) {
    throw new TypeError(
      `createMemoryDpopReplayStore options must be an object, got ${describe(options)}`,
    );
  }
  assertKnownKeys(options, OPTION_KEYS, 'createMemoryDpopReplayStore');
  const maxEntries = positiveInteger(options.maxEntries, 'maxEntries', 100_000);
  const maxBytes = positiveInteger(options.maxBytes, 'maxBytes', 32 * 1024 * 1024);
  // Built on first use: lru-cache allocates its arrays for `max` entries up front (megabytes at
  // the default), which a policy that never sees a DPoP request should not pay for.
  let ids: LRUCache<string, true> | undefined;
  let lastPurgeMs = -Infinity;

  function full(cache: LRUCache<string, true>, size: number): boolean {
    return cache.size >= maxEntries || cache.calculatedSize + size > maxBytes;
  }

  /** Whether one more id of `size` bytes fits, after dropping expired ids when full. */
  function fits(cache: LRUCache<string, true>, size: number, nowMs: number): boolean {
    if (!full(cache, size)) return true;
    // lru-cache only drops an expired entry when it is read; a full scan is O(entries), so at
    // most once a second: meanwhile a store full of live ids refuses at once.
    if (nowMs - lastPurgeMs < PURGE_INTERVAL_MS) return false;
    lastPurgeMs = nowMs;
    cache.purgeStale();
    return !full(cache, size);
  }

  return {
    get size() {
      return ids?.size ?? 0;
    },
    remember(key: string, expiresAtMs: number): boolean {
      if (typeof key !== 'string' || !Number.isFinite(expiresAtMs)) {
        throw new TypeError('remember(key, expiresAtMs) needs a string and a finite time');
      }
      // `max` and `maxSize` stay above what `fits` admits, so lru-cache itself never evicts.
      ids ??= new LRUCache<string, true>({
        max: maxEntries,
        maxSize: maxBytes,
        sizeCalculation: entrySize,
        // Expiry on the wall clock the ids' `expiresAtMs` are given in (not performance.now(),
        // which drifts from it while a machine sleeps).
        perf: Date,
        // No cached clock: lru-cache's cache of `now` arms a timer per refresh.
        ttlResolution: 0,
      });
      // `has` answers false for an expired id (which `set` then replaces) and, unlike `get`,
      // leaves the order alone: the cache's order stays the order ids were first seen.
      if (ids.has(key)) return false;
      const nowMs = Date.now();
      if (!fits(ids, entrySize(true, key), nowMs)) {
        throw new RangeError('DPoP replay store is full of live proof ids; raise maxEntries');
      }
      // At least a millisecond, so an id is never recorded as expired already.
      ids.set(key, true, { ttl: Math.max(1, Math.ceil(expiresAtMs - nowMs)) });
      return true;
    },
    close: () => Promise.resolve(),
  };
}

const OPTION_KEYS = optionKeys<MemoryDpopReplayStoreOptions>({ maxEntries: true, maxBytes: true });
