// The two caches a verifier keeps, as its options describe them: verified tokens (`cache`)
// and issuers a resolver answered for (`resolverCache`). Each bounded by entries and bytes.
import type { DynamicRoutesOptions } from '../issuers/dynamic-routes.js';
import { durationMs, nestedOptions, positiveInteger } from '../lib/options.js';
import type { TokenCacheOptions } from './token-cache.js';
import {
  CACHE_OPTION_KEYS,
  RESOLVER_CACHE_OPTION_KEYS,
  type VerifierOptions,
} from './verifier-options.js';

/** The verified-token cache's bounds, or `undefined` with `cache: false`. */
export function tokenCacheSettings(options: VerifierOptions): TokenCacheOptions | undefined {
  if (options.cache === false) return undefined;
  const given = nestedOptions(options.cache, 'cache', CACHE_OPTION_KEYS, 'false or an object');
  return {
    maxEntries: positiveInteger(given.maxEntries, 'cache.maxEntries', 10_000),
    maxBytes: positiveInteger(given.maxBytes, 'cache.maxBytes', 32 * 1024 * 1024),
    maxTtlMs: durationMs(given.maxTtlMs, 'cache.maxTtlMs', 600_000),
  };
}

/** The resolver cache's bounds and lifetimes (checked even without `resolveIssuer`). */
export function resolverCacheSettings(options: VerifierOptions): DynamicRoutesOptions {
  const given = nestedOptions(options.resolverCache, 'resolverCache', RESOLVER_CACHE_OPTION_KEYS);
  return {
    maxEntries: positiveInteger(given.maxEntries, 'resolverCache.maxEntries', 10_000),
    maxBytes: positiveInteger(given.maxBytes, 'resolverCache.maxBytes', 8 * 1024 * 1024),
    ttlMs: durationMs(given.ttlMs, 'resolverCache.ttlMs', 600_000),
    negativeTtlMs: durationMs(given.negativeTtlMs, 'resolverCache.negativeTtlMs', 60_000),
  };
}
