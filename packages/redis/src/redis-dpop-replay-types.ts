import type { DpopReplayStore } from '@tokengate/core';

/**
 * The part of a node-redis client (`createClient()` from `redis` or `@redis/client`, v5 or v6)
 * the DPoP replay store uses. Pass one to share its connection; the store connects it if it is
 * not open yet, and never closes it.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const client: RedisDpopReplayClient = createClient({ url: 'redis://cache:6379' });
 * ```
 */
export interface RedisDpopReplayClient {
  /** Whether the socket is open (connected or reconnecting). */
  readonly isOpen: boolean;
  /** Whether the client is connected and can send commands. */
  readonly isReady: boolean;
  /** Opens the connection; called only when `isOpen` is false. */
  connect(): Promise<unknown>;
  /** `abortSignal` drops a command that is still waiting to be written when its deadline passes. */
  sendCommand(
    args: readonly string[],
    options?: { readonly abortSignal?: AbortSignal },
  ): Promise<unknown>;
  /** Adds a listener for a client event (`error`, `ready`, `end`). */
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  /** Removes a listener added with `on`. */
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

/**
 * Options of {@link createRedisDpopReplayStore}. Mistakes throw `TypeError` at creation.
 *
 * @example
 * ```ts
 * const options: RedisDpopReplayStoreOptions = { url: 'redis://cache:6379', commandTimeoutMs: 500 };
 * ```
 */
export interface RedisDpopReplayStoreOptions {
  /** A node-redis client; exactly one of `client` and `url`. The store never closes a client it was given. */
  readonly client?: RedisDpopReplayClient;
  /** `redis[s]://[[user][:password]@]host[:port][/db]`: the store creates and owns its client. */
  readonly url?: string;
  /** Prefix of the proof ids' keys. Default `'tokengate:dpop:'`. Give every instance of a fleet the same one. */
  readonly keyPrefix?: string;
  /**
   * How long one `remember()` may wait for Redis (connecting included), in ms, 1 to 60000.
   * Default 1000, the core's `dpop.replayTimeoutMs` default.
   */
  readonly commandTimeoutMs?: number;
  /**
   * Commands sent and not answered yet (a slow or hung Redis) beyond which `remember()` rejects
   * at once instead of queueing more. Default 10000.
   */
  readonly maxPending?: number;
  /** Observability hook: connection errors, degradation and recovery. A listener that throws, or returns a promise that rejects, is ignored. */
  readonly onEvent?: (event: RedisDpopReplayEvent) => void;
}

/**
 * What the store reports through `onEvent`. `degraded` and `recovered` are sent once per
 * outage, not once per failed proof.
 *
 * @example
 * ```ts
 * const onEvent = (event: RedisDpopReplayEvent) => {
 *   if (event.type === 'dpop-replay-store-degraded') console.warn('DPoP requests answer 503', event.reason);
 * };
 * ```
 */
export type RedisDpopReplayEvent =
  /** A connection error reported by the client; it reconnects by itself. */
  | {
      /** The event's kind. */
      readonly type: 'dpop-replay-store-error';
      /** The error the client reported. */
      readonly error: unknown;
    }
  /**
   * The first `remember()` to fail after a success: `timeout` (no answer within
   * `commandTimeoutMs`), `overloaded` (`maxPending` commands unanswered), `unreachable` (the
   * connection failed) or `refused` (an error reply, e.g. `OOM`). DPoP requests answer 503.
   */
  | {
      /** The event's kind. */
      readonly type: 'dpop-replay-store-degraded';
      /** Why `remember()` failed (see above). */
      readonly reason: 'timeout' | 'overloaded' | 'unreachable' | 'refused';
      /** The underlying error, when there is one. */
      readonly error?: unknown;
    }
  /** Redis answered again after a degradation that lasted `unavailableMs`. */
  | {
      /** The event's kind. */
      readonly type: 'dpop-replay-store-recovered';
      /** How long `remember()` failed. */
      readonly unavailableMs: number;
    }
  /**
   * The store's own connection stopped answering (a command missed its deadline while
   * connected: a hung server, a half-open TCP connection), so it was dropped for a new one.
   */
  | {
      /** The event's kind. */
      readonly type: 'dpop-replay-store-connection-reset';
    };

/**
 * A DPoP replay store shared by a fleet through Redis (RFC 9449 §11.1).
 *
 * @example
 * ```ts
 * const replayStore: RedisDpopReplayStore = createRedisDpopReplayStore({ url });
 * ```
 */
export interface RedisDpopReplayStore extends DpopReplayStore {
  /** `true` for a new proof id, `false` for a replay; rejects when Redis cannot answer in time. */
  remember(key: string, expiresAtMs: number): Promise<boolean>;
  /** Commands sent to Redis and not answered yet (at most `maxPending`). */
  readonly pending: number;
  /** Answers every waiting `remember()` with a rejection and closes the client the store opened. Idempotent. */
  close(): Promise<void>;
}
