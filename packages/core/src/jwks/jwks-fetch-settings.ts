// How a JWKS cache fetches (its `fetch`, request wait, fetch deadline and cooldown), kept on the
// cache so a verifier sharing it can fetch its issuers' discovery documents the same way: an app
// that routes key fetches through a proxy `fetch` needs discovery to go through it too.

/** The fetch settings of a JWKS cache, as `createJwksCache()` resolved them. */
export interface JwksFetchSettings {
  readonly fetch: typeof globalThis.fetch;
  readonly timeoutMs: number;
  readonly fetchTimeoutMs: number;
  readonly cooldownMs: number;
}

/**
 * Non-enumerable, so the cache object's shape is unchanged; `Symbol.for`, so a verifier of
 * another copy of the core (ESM next to CJS) finds it too.
 */
const FETCH_SETTINGS = Symbol.for('tokengate.jwksFetchSettings');

/** Attaches `settings` to `cache` (frozen) and returns the cache. */
export function withFetchSettings<T extends object>(cache: T, settings: JwksFetchSettings): T {
  Object.defineProperty(cache, FETCH_SETTINGS, { value: Object.freeze({ ...settings }) });
  return cache;
}

/**
 * The fetch settings a cache carries, as given (the caller checks them like options: a cache
 * of another copy of the core, or a hand-made one, may carry anything), or `undefined` for a
 * cache built some other way (a hand-written `JwksCache`, a wrapper that did not keep them).
 */
export function fetchSettingsOf(
  cache: object,
): Partial<Record<keyof JwksFetchSettings, unknown>> | undefined {
  const settings: unknown = (cache as Record<symbol, unknown>)[FETCH_SETTINGS];
  if (settings === undefined) return undefined;
  if (typeof settings !== 'object' || settings === null) return {};
  const { fetch, timeoutMs, fetchTimeoutMs, cooldownMs } = settings as Record<string, unknown>;
  return { fetch, timeoutMs, fetchTimeoutMs, cooldownMs };
}
