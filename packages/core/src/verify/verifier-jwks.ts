import { fetchSettingsOf } from '../jwks/jwks-fetch-settings.js';
import { createJwksCache } from '../jwks/jwks-cache.js';
import {
  resolveJwksCacheOptions,
  type JwksCache,
  type JwksCacheOptions,
} from '../jwks/jwks-cache-options.js';
import { describe } from '../lib/options.js';
import type { VerifierOptions } from './verifier-options.js';

/** A shared `JwksCache` rather than options for the verifier's own. */
export function isJwksCache(value: JwksCache | JwksCacheOptions | undefined): value is JwksCache {
  return (
    typeof value === 'object' && value !== null && typeof (value as JwksCache).getKey === 'function'
  );
}

/** The verifier's JWKS cache, and the fetch settings its discovery shares with it. */
export interface VerifierJwks {
  readonly jwks: JwksCache;
  /** Built from options, so `close()` closes it; a shared cache is left to its owner. */
  readonly owned: boolean;
  readonly fetch: typeof globalThis.fetch;
  readonly timeoutMs: number;
  readonly fetchTimeoutMs: number;
  readonly cooldownMs: number;
}

/**
 * `jwks` of the verifier: a shared cache (checked to have the methods the verifier calls), or
 * options for its own (checked here, named `jwks.<option>`, and read once: the cache is built
 * from the checked copy). Anything else (`null`, `42`, `true`, an array) is a TypeError, not the
 * defaults. The verifier's `onEvent` already receives the cache's `jwks-fetch` events, so a
 * second listener in `jwks.onEvent` is refused rather than silently replaced.
 */
export function verifierJwks(
  value: JwksCache | JwksCacheOptions | undefined,
  onEvent: VerifierOptions['onEvent'],
): VerifierJwks {
  if (isJwksCache(value)) {
    for (const method of ['refresh', 'close'] as const) {
      if (typeof value[method] !== 'function') {
        throw new TypeError(
          `jwks.${method} must be a function: pass a JwksCache (createJwksCache()) or an object of options`,
        );
      }
    }
    if (value.seed !== undefined && typeof value.seed !== 'function') {
      throw new TypeError(`jwks.seed must be a function, got ${describe(value.seed)}`);
    }
    // A shared cache lends its fetch settings to discovery, checked here like options (a cache
    // of another copy of the core, or a forged one, may carry anything); a hand-written cache,
    // or a wrapper that dropped them, has none, and discovery then uses the defaults.
    const lent = fetchSettingsOf(value) as JwksCacheOptions | undefined;
    const { fetch, timeoutMs, fetchTimeoutMs, cooldownMs } = resolveJwksCacheOptions(lent, 'jwks');
    return { jwks: value, owned: false, fetch, timeoutMs, fetchTimeoutMs, cooldownMs };
  }
  const { onEvent: ownListener, ...own } = resolveJwksCacheOptions(value, 'jwks');
  if (ownListener !== undefined && onEvent !== undefined) {
    throw new TypeError(
      "jwks.onEvent and onEvent are both set: the verifier's onEvent already receives jwks-fetch events; pass one",
    );
  }
  const listener = ownListener ?? onEvent;
  const jwks = createJwksCache({
    ...own,
    ...(listener === undefined ? {} : { onEvent: listener }),
  });
  const { fetch, timeoutMs, fetchTimeoutMs, cooldownMs } = own;
  return { jwks, owned: true, fetch, timeoutMs, fetchTimeoutMs, cooldownMs };
}
