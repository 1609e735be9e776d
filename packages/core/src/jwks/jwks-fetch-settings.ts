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
 * The fetch settings a cache carries, or `undefined` for a cache built some other way (a
 * hand-written `JwksCache`) or whose settings do not have the expected shape.
 */
export function fetchSettingsOf(cache: object): JwksFetchSettings | undefined {
  const settings: unknown = (cache as Record<symbol, unknown>)[FETCH_SETTINGS];
  if (typeof settings !== 'object' || settings === null) return undefined;
  const { fetch, timeoutMs, fetchTimeoutMs, cooldownMs } = settings as Record<string, unknown>;
  const positive = (value: unknown): value is number =>
    typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
  if (typeof fetch !== 'function') return undefined;
  if (!positive(timeoutMs) || !positive(fetchTimeoutMs) || !positive(cooldownMs)) return undefined;
  return { fetch: fetch as typeof globalThis.fetch, timeoutMs, fetchTimeoutMs, cooldownMs };
}
