/**
 * Where DPoP proof ids are remembered, so each proof is accepted once within its window
 * (RFC 9449 §11.1). One process: `createMemoryDpopReplayStore()`; a fleet behind a load
 * balancer: `createRedisDpopReplayStore()` from `@tokengate/redis`, or any store with an atomic
 * "set if absent, with expiry".
 *
 * @example
 * ```ts
 * // Any store with an atomic "set if absent, with expiry", e.g. Redis `SET key 1 NX PXAT <ms>`:
 * const replayStore: DpopReplayStore = {
 *   remember: async (key, expiresAtMs) =>
 *     (await redis.set(`dpop:${key}`, '1', { NX: true, PXAT: expiresAtMs })) === 'OK',
 * };
 * const requireAuth = authenticate({ issuers, dpop: { mode: 'required', replayStore } });
 * ```
 */
export interface DpopReplayStore {
  /**
   * Records `key` until `expiresAtMs` (milliseconds since the epoch). Answers `true` when the key
   * was new (the proof may be used) and `false` when it was already recorded (a replay). Throws or
   * rejects only when the store cannot answer; the request then answers 503, never 401.
   */
  remember(key: string, expiresAtMs: number): boolean | Promise<boolean>;
  /** Releases timers or connections the store owns. Idempotent. */
  close?(): Promise<void>;
}
