// The client is node-redis (`@redis/client`, the official client that the `redis` package
// re-exports, without the Stack module command sets): maintained by Redis itself, written in
// TypeScript, `engines.node >= 20` like us, zero runtime dependencies, and it resubscribes and
// reconnects with exponential backoff on its own. ioredis was the alternative; it now lives
// under the same organisation, and node-redis is the one recommended for new code.
import { createClient } from '@redis/client';
import type {
  ClientRevocation,
  RevocationCheckContext,
  RevocationKind,
  SubjectRevocation,
  TokenRevocation,
  VerifiedToken,
} from '@tokengate/core';
import { assertKnownKeys, entryLifetimeOption, prepareRevocation } from '@tokengate/core';
import { createNearCache } from './near-cache.js';
import { notifyListener } from './notify-listener.js';
import { integerAtLeast, isErrorReply, nonEmptyString, oneOf, timerMs } from './options.js';
import { createRedisLink } from './redis-link.js';
import type {
  RedisRevocationClient,
  RedisRevocationEvent,
  RedisRevocationStore,
  RedisRevocationStoreOptions,
  RedisRevocationStoreState,
} from './types.js';

/**
 * A revocation registry for a fleet: writes go to Redis and are published on a channel; every
 * instance mirrors all live entries in a bounded near-cache, so `isRevoked` answers from memory
 * with no round trip. On start and on every reconnect a full resync (SCAN) reloads what was
 * published meanwhile and writes back what Redis lost (a restart without persistence, a
 * failover), so no revocation is lost while one instance still remembers it.
 *
 * @example
 * ```ts
 * const revocations = createRedisRevocationStore({ url: 'redis://cache:6379' });
 * await revocations.ready();
 * app.use(authenticate({ issuers, revocation: revocations }));
 * // after Cognito's AdminUserGlobalSignOut:
 * await revocations.revokeSubject({ issuer, subject });
 * ```
 */
export function createRedisRevocationStore(
  options: RedisRevocationStoreOptions,
): RedisRevocationStore {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options must be an object');
  }
  assertKnownKeys(options, REDIS_STORE_OPTION_KEYS, 'createRedisRevocationStore');
  const keyPrefix = nonEmptyString(options.keyPrefix, 'keyPrefix', 'tokengate:revoked:');
  const channel = nonEmptyString(options.channel, 'channel', 'tokengate:revocations');
  const failurePolicy = oneOf(options.failurePolicy, 'failurePolicy', ['closed', 'open'], 'closed');
  const graceMs = timerMs(options.graceMs, 'graceMs', 0, 1000);
  const maxEntries = integerAtLeast(options.maxEntries, 'maxEntries', 1, 100_000);
  const entryLifetimeSeconds = entryLifetimeOption(options.entryLifetimeSeconds);
  const onEvent = options.onEvent;
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    throw new TypeError('onEvent must be a function');
  }
  const client = clientFrom(options);

  const cache = createNearCache(maxEntries);
  let state: RedisRevocationStoreState = 'starting';
  // Whether `isRevoked` may answer: in sync, or within the grace of a lost connection.
  let trusted = false;
  let unavailableSince = Date.now();
  let graceTimer: NodeJS.Timeout | undefined;

  function emit(event: RedisRevocationEvent): void {
    notifyListener(onEvent, event);
  }

  function degrade(reason: 'unreachable' | 'overflow'): void {
    if (state === 'closed' || state === 'degraded') return;
    clearTimeout(graceTimer);
    if (trusted) unavailableSince = Date.now();
    state = 'degraded';
    trusted = false;
    emit({ type: 'revocation-store-degraded', reason, failurePolicy });
  }

  const link = createRedisLink({
    client,
    ownsClient: options.client === undefined,
    keyPrefix,
    channel,
    cache,
    emit,
    onLost() {
      if (state !== 'ready') return;
      // Updates may be missed from now on: keep answering for `graceMs`, then stop trusting.
      state = 'interrupted';
      unavailableSince = Date.now();
      graceTimer = setTimeout(() => degrade('unreachable'), graceMs);
      graceTimer.unref();
    },
    onSynced(overflowed) {
      if (state === 'closed') return;
      if (overflowed) return degrade('overflow');
      clearTimeout(graceTimer);
      if (state === 'degraded') {
        emit({ type: 'revocation-store-recovered', unavailableMs: Date.now() - unavailableSince });
      }
      state = 'ready';
      trusted = true;
    },
    onOverflow: () => degrade('overflow'),
  });
  // Not in sync within the grace after start-up: say so once.
  graceTimer = setTimeout(() => degrade('unreachable'), graceMs);
  graceTimer.unref();

  function unavailable(): Error {
    return new Error(
      state === 'closed'
        ? 'the Redis revocation store is closed'
        : `Redis revocations are unavailable (${state} for ${Date.now() - unavailableSince} ms)`,
    );
  }

  /**
   * Validates the entry (TypeError, nothing stored), writes it to Redis, then to the near-cache.
   * A write Redis refuses (an error reply) never enters the near-cache: the caller hears of it
   * and nothing is left that a resync would fail to write back. A write whose fate is unknown
   * (the connection is down) is honoured here at once and written back at the next resync.
   */
  async function revoke(kind: RevocationKind, entry: unknown): Promise<void> {
    const { keys, value, until } = prepareRevocation(kind, entry, entryLifetimeSeconds);
    if (state === 'closed') throw unavailable();
    const ttlMs = Math.ceil(until * 1000 - Date.now());
    if (ttlMs <= 0) return; // Everything it covers has expired already.
    if (!keys.every((key) => cache.hasRoomFor(key))) {
      throw new RangeError('revocation store is full of live entries; raise maxEntries');
    }
    const results = await Promise.allSettled(keys.map((key) => link.publish(key, value, ttlMs)));
    let lost: unknown;
    let refused: unknown;
    results.forEach((result, index) => {
      if (result.status === 'fulfilled' || !isErrorReply(result.reason)) {
        cache.merge(keys[index] as string, value, ttlMs);
      }
      if (result.status === 'rejected') {
        if (isErrorReply(result.reason)) refused ??= result.reason;
        else lost ??= result.reason;
      }
    });
    if (refused !== undefined) {
      throw new Error('Redis refused the revocation; it was not recorded', { cause: refused });
    }
    if (lost !== undefined) {
      throw new Error(
        'the revocation was not written to Redis; this instance honours it and writes it back after reconnecting',
        { cause: lost },
      );
    }
  }

  return {
    get size() {
      return cache.size;
    },
    get state() {
      return state;
    },
    entryLifetimeSeconds,
    isRevoked(token: VerifiedToken, context?: RevocationCheckContext): boolean {
      // The hot path: one flag, then three map lookups. No Redis round trip.
      if (!trusted && (failurePolicy === 'closed' || state === 'closed')) throw unavailable();
      return cache.isRevoked(token, context);
    },
    revokeToken: (entry: TokenRevocation) => revoke('token', entry),
    revokeSubject: (entry: SubjectRevocation) => revoke('subject', entry),
    revokeClient: (entry: ClientRevocation) => revoke('client', entry),
    ready: () => link.firstSync,
    async close() {
      if (state === 'closed') return;
      state = 'closed';
      trusted = false;
      clearTimeout(graceTimer);
      await link.close();
    },
  };
}

function clientFrom(options: RedisRevocationStoreOptions): RedisRevocationClient {
  const { client, url } = options;
  if ((client === undefined) === (url === undefined)) {
    throw new TypeError('pass exactly one of client and url');
  }
  if (client !== undefined) {
    if (typeof client !== 'object' || client === null || typeof client.duplicate !== 'function') {
      throw new TypeError('client must be a node-redis client (createClient())');
    }
    if (client.options?.keyPrefix !== undefined) {
      throw new TypeError('client must not have a keyPrefix; use the store keyPrefix option');
    }
    return client;
  }
  // Parsed here because node-redis would throw Node's ERR_INVALID_URL, whose `input` property
  // carries the whole URL, password included, into whatever logs the error. Never echoed.
  if (typeof url !== 'string' || !/^rediss?:\/\//.test(url) || !URL.canParse(url)) {
    throw new TypeError('url must be a redis:// or rediss:// URL');
  }
  // Fail fast while disconnected rather than queue: a revocation must not hang an admin
  // request, and the resync writes back whatever this instance recorded meanwhile. The
  // default reconnect strategy backs off exponentially (50 ms doubling, capped at 2 s).
  return createClient({ url, disableOfflineQueue: true });
}

const REDIS_STORE_OPTION_KEYS = new Set(
  Object.keys({
    client: true,
    url: true,
    keyPrefix: true,
    channel: true,
    failurePolicy: true,
    graceMs: true,
    maxEntries: true,
    entryLifetimeSeconds: true,
    onEvent: true,
  } satisfies { readonly [K in keyof Required<RedisRevocationStoreOptions>]: true }),
);
