import type { RevocationCheckContext, RevocationRegistry, VerifiedToken } from '@tokengate/core';

/**
 * The part of a node-redis client (`createClient()` from `redis` or `@redis/client`, v5 or v6)
 * the store uses. Pass one to share its connection settings; the store opens a duplicate of it
 * for its subscription, and connects the client if it is not open yet.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const client: RedisRevocationClient = createClient({ url: 'redis://cache:6379' });
 * ```
 */
export interface RedisRevocationClient {
  /** Whether the socket is open (connected or reconnecting). */
  readonly isOpen: boolean;
  /** Whether the client is connected and can send commands. */
  readonly isReady: boolean;
  /** Read to refuse a client-side `keyPrefix`, which would break the resync's `SCAN`. */
  readonly options?:
    | {
        /** A client-side key prefix (ioredis-style); the store refuses any. */
        readonly keyPrefix?: unknown;
      }
    | undefined;
  /** Opens the connection; called only when `isOpen` is false. */
  connect(): Promise<unknown>;
  /** A new client with the same settings, for the subscription (RESP2 forbids commands on it). */
  duplicate(): RedisRevocationClient;
  /** Sends one raw command, e.g. `['SET', key, value, 'PX', '1000']`. */
  sendCommand(args: readonly string[]): Promise<unknown>;
  /** Subscribes `listener` to a pub/sub channel. */
  subscribe(
    channel: string,
    listener: (message: string, channel: string) => unknown,
  ): Promise<unknown>;
  /** Adds a listener for a client event (`error`, `ready`, `end`). */
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  /** Removes a listener added with `on`. */
  off(event: string, listener: (...args: unknown[]) => void): unknown;
  /** Closes the connection after pending replies arrive. */
  close(): Promise<unknown>;
  /** Closes the connection at once, dropping pending commands. */
  destroy(): unknown;
}

/**
 * `closed` (default): no answer while Redis is unreachable (503). `open`: answer from the near-cache.
 *
 * @example
 * ```ts
 * const failurePolicy: RevocationFailurePolicy = 'open'; // keep answering from the near-cache during an outage
 * const revocations = createRedisRevocationStore({ url, failurePolicy });
 * ```
 */
export type RevocationFailurePolicy = 'closed' | 'open';

/**
 * Options of {@link createRedisRevocationStore}. Mistakes throw `TypeError` at creation.
 *
 * @example
 * ```ts
 * const options: RedisRevocationStoreOptions = { url: 'redis://cache:6379', failurePolicy: 'closed' };
 * ```
 */
export interface RedisRevocationStoreOptions {
  /** A node-redis client; exactly one of `client` and `url`. The store never closes a client it was given. */
  readonly client?: RedisRevocationClient;
  /** `redis[s]://[[user][:password]@]host[:port][/db]`: the store creates and owns its client. */
  readonly url?: string;
  /** Prefix of the entries' keys. Default `'tokengate:revoked:'`. */
  readonly keyPrefix?: string;
  /** Pub/sub channel announcing each write. Default `'tokengate:revocations'`. */
  readonly channel?: string;
  /** What `isRevoked` does while Redis is unreachable beyond `graceMs`, or before the first sync. Default `'closed'`. */
  readonly failurePolicy?: RevocationFailurePolicy;
  /** How long a lost connection may last before the store stops trusting its near-cache. Default 1000 ms, at most 2^31 - 1 (a Node timer's limit). */
  readonly graceMs?: number;
  /** Entries the near-cache holds. Default 100000. Full of live entries, it refuses new revocations and never drops one. */
  readonly maxEntries?: number;
  /**
   * How long an "issued before" entry covers tokens after its cut-off, in whole seconds (at
   * most a year). Default 86400. A verifier using this store refuses tokens that live longer
   * (`TOKEN_LIFETIME_EXCEEDED`): raise it for longer-lived tokens (Entra ID CAE: 28 h; Auth0:
   * up to 30 days). Give every instance of a fleet the same value.
   */
  readonly entryLifetimeSeconds?: number;
  /** Observability hook: syncs, degradation and recovery, client errors. A listener that throws, or returns a promise that rejects, is ignored. */
  readonly onEvent?: (event: RedisRevocationEvent) => void;
}

/**
 * What the store reports through `onEvent`.
 *
 * @example
 * ```ts
 * const onEvent = (event: RedisRevocationEvent) => {
 *   if (event.type === 'revocation-store-degraded') log.warn(event, 'revocations may be stale');
 * };
 * ```
 */
export type RedisRevocationEvent =
  /** A full resync finished (start-up and every reconnect); `republished` entries Redis had lost were written back. */
  | {
      /** The event's kind. */
      readonly type: 'revocation-store-synced';
      /** Entries in the near-cache after the sync. */
      readonly entries: number;
      /** Entries this instance held that Redis had lost, written back. */
      readonly republished: number;
      /** How long the sync took. */
      readonly durationMs: number;
    }
  /** Answers are no longer backed by Redis: `'closed'` now refuses (503), `'open'` answers from the near-cache. */
  | {
      /** The event's kind. */
      readonly type: 'revocation-store-degraded';
      /** Redis cannot be reached, or the near-cache is full (`maxEntries`). */
      readonly reason: 'unreachable' | 'overflow';
      /** What `isRevoked` does meanwhile. */
      readonly failurePolicy: RevocationFailurePolicy;
    }
  /** Back in sync after a degradation that lasted `unavailableMs`. */
  | {
      /** The event's kind. */
      readonly type: 'revocation-store-recovered';
      /** How long answers were not backed by Redis. */
      readonly unavailableMs: number;
    }
  /** A connection or command error; the client reconnects by itself. */
  | {
      /** The event's kind. */
      readonly type: 'revocation-store-error';
      /** The error the client reported. */
      readonly error: unknown;
    }
  /**
   * The resync skipped one Redis key and went on: `invalid` (malformed or out of range, e.g.
   * written by hand or by a faulty tool; never loaded), or `refused` (Redis refused to write an
   * entry back; this instance still honours it). `key` is the Redis key, cut at 256 characters.
   */
  | {
      /** The event's kind. */
      readonly type: 'revocation-store-entry-skipped';
      /** The Redis key, cut at 256 characters. */
      readonly key: string;
      /** Why the key was skipped (see above). */
      readonly reason: 'invalid' | 'refused';
      /** Redis's error reply, for `refused`. */
      readonly error?: unknown;
    };

/**
 * Where a {@link RedisRevocationStore} stands:
 * - `starting`: not synced yet; `ready`: in sync; `interrupted`: a connection is lost, still
 *   within `graceMs`; `degraded`: beyond it (or the near-cache overflowed); `closed`.
 *
 * @example
 * ```ts
 * const state: RedisRevocationStoreState = revocations.state;
 * healthGauge.set(state === 'ready' ? 1 : 0);
 * ```
 */
export type RedisRevocationStoreState =
  'starting' | 'ready' | 'interrupted' | 'degraded' | 'closed';

/**
 * A revocation registry shared through Redis.
 *
 * @example
 * ```ts
 * const store: RedisRevocationStore = createRedisRevocationStore({ url });
 * await store.ready();
 * ```
 */
export interface RedisRevocationStore extends RevocationRegistry {
  /** Whether `token` is revoked, answered synchronously from the near-cache. Throws while unavailable under `'closed'`. */
  isRevoked(token: VerifiedToken, context?: RevocationCheckContext): boolean;
  /** See `entryLifetimeSeconds` in the options. */
  readonly entryLifetimeSeconds: number;
  /** Live entries in the near-cache. */
  readonly size: number;
  /** Where the store stands: syncing, in sync, interrupted, degraded or closed. */
  readonly state: RedisRevocationStoreState;
  /** Resolves after the first full sync; rejects if the store is closed first. */
  ready(): Promise<void>;
  /** Stops syncing and closes the connections the store opened. */
  close(): Promise<void>;
}
