import { LRUCache } from 'lru-cache';
import type { ErrorDetail } from '../errors/error-detail.js';
import type { InvalidTokenError } from '../errors/errors.js';
import type { JwtClaims, JwtHeader, NormalizedIdentity, TokenBinding } from '../lib/types.js';

/** An active answer that passed every check, without the token itself. */
export interface ActiveVerdict {
  readonly claims: JwtClaims;
  readonly header: JwtHeader;
  readonly identity: NormalizedIdentity;
  readonly binding: TokenBinding;
  /** The answer's length in characters: what its decoded members roughly cost in heap. */
  readonly size: number;
}

/** Why a token was refused (inactive, wrong audience…), to refuse it again the same way. */
export interface Refusal {
  readonly code: InvalidTokenError['code'];
  readonly description: string;
  readonly detail: ErrorDetail;
}

export interface IntrospectionCacheOptions {
  readonly maxTtlMs: number;
  readonly inactiveTtlMs: number;
  readonly maxEntries: number;
  readonly maxBytes: number;
}

export interface IntrospectionCache {
  active(key: string): ActiveVerdict | undefined;
  refusal(key: string): Refusal | undefined;
  /** Keeps an active verdict until the token's `exp` (epoch ms) or `maxTtlMs`, whichever is first. */
  keepActive(key: string, verdict: ActiveVerdict, expiresAtMs: number | undefined): void;
  keepRefusal(key: string, refusal: Refusal): void;
}

/**
 * Answers by token digest (never the token: the cache holds no credential a heap dump could
 * replay), bounded by entries and bytes, entries expiring on their own (lru-cache `ttl`, read
 * lazily, no timers). Refusals live in a second, smaller cache: a stream of random tokens then
 * evicts only other refusals, never the active answers the working set depends on, so it
 * cannot turn every legitimate request into an introspection call.
 */
export function createIntrospectionCache(options: IntrospectionCacheOptions): IntrospectionCache {
  const { maxTtlMs, inactiveTtlMs } = options;
  const actives = new LRUCache<string, ActiveVerdict>({
    max: options.maxEntries,
    maxSize: options.maxBytes,
    // Two bytes a character for the digest and the members' strings, plus bookkeeping.
    sizeCalculation: (verdict, key) => 2 * (key.length + verdict.size) + 512,
  });
  const refusals =
    inactiveTtlMs === 0
      ? undefined
      : new LRUCache<string, Refusal>({
          max: options.maxEntries,
          maxSize: Math.max(1, Math.floor(options.maxBytes / 4)),
          sizeCalculation: (_refusal, key) => 2 * key.length + 256,
        });
  return {
    active: (key) => actives.get(key),
    refusal: (key) => refusals?.get(key),
    keepActive(key, verdict, expiresAtMs) {
      const ttl = Math.min(maxTtlMs, (expiresAtMs ?? Infinity) - Date.now());
      if (ttl >= 1) actives.set(key, verdict, { ttl: Math.floor(ttl) });
    },
    keepRefusal(key, refusal) {
      refusals?.set(key, refusal, { ttl: inactiveTtlMs });
    },
  };
}
