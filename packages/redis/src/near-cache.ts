import { isRevokedBy, type RevocationCheckContext, type VerifiedToken } from '@tokengate/core';
import { LRUCache } from 'lru-cache';

/**
 * The in-memory mirror of every live revocation, answering `isRevoked` with no Redis round
 * trip. Keys are `revocationKeys` (without the Redis prefix); values are `0` for token entries
 * and the `before` cut-off (seconds) for subject and client entries.
 */
export interface NearCache {
  readonly size: number;
  /**
   * Merges an entry: the later cut-off wins and the entry never gets shorter, so updates can
   * arrive in any order (write, pub/sub echo, resync) and still converge. `false` when the
   * mirror is full of live entries and this key is new: nothing was stored.
   */
  merge(key: string, value: number, ttlMs: number): boolean;
  /** Whether a new `key` would fit, evicting nothing live. */
  hasRoomFor(key: string): boolean;
  isRevoked(token: VerifiedToken, context?: RevocationCheckContext): boolean;
  /** Live entries with their remaining lifetime in ms, for republishing after a Redis loss. */
  entries(): IterableIterator<[key: string, value: number, remainingMs: number]>;
}

export function createNearCache(maxEntries: number): NearCache {
  // `max` only bounds memory: a live entry is never evicted (`merge` refuses instead), so the
  // LRU order never decides anything. Stale entries are skipped by `get`/`has` on their own.
  const cache = new LRUCache<string, number>({ max: maxEntries, ttlAutopurge: false });
  const lookup = (key: string): number | undefined => cache.get(key);

  function hasRoomFor(key: string): boolean {
    if (cache.size < maxEntries || cache.has(key)) return true;
    cache.purgeStale();
    return cache.size < maxEntries;
  }

  return {
    get size() {
      return cache.size;
    },
    hasRoomFor,
    merge(key, value, ttlMs) {
      if (!(ttlMs > 0)) return true; // Everything it covers has expired already.
      if (!hasRoomFor(key)) return false;
      const current = cache.get(key);
      if (current === undefined) {
        cache.set(key, value, { ttl: Math.ceil(ttlMs) });
        return true;
      }
      const remaining = cache.getRemainingTTL(key);
      cache.set(key, Math.max(value, current), { ttl: Math.ceil(Math.max(ttlMs, remaining)) });
      return true;
    },
    isRevoked(token, context) {
      return isRevokedBy(token, lookup, context);
    },
    *entries() {
      for (const [key, value] of cache.entries()) {
        const remaining = cache.getRemainingTTL(key);
        if (remaining > 0) yield [key, value, remaining];
      }
    },
  };
}
