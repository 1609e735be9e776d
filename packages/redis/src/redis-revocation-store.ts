// The client is node-redis (`@redis/client`, the official client that the `redis` package
// re-exports, without the Stack module command sets): maintained by Redis itself, written in
// TypeScript, `engines.node >= 20` like us, zero runtime dependencies, and it resubscribes and
// reconnects with exponential backoff on its own. ioredis was the alternative; it now lives
// under the same organisation, and node-redis is the one recommended for new code.
import { createClient } from '@redis/client';
import type {
  ClientRevocation,
  SubjectRevocation,
  TokenRevocation,
  VerifiedToken,
} from '@tokengate/core';
import { revocationKeys } from '@tokengate/core';
import { createNearCache } from './internal/near-cache.js';
import { checkEntry, integerAtLeast, nonEmptyString, oneOf } from './internal/options.js';
import { createRedisLink } from './internal/redis-link.js';
import type {
  RedisRevocationClient,
  RedisRevocationEvent,
  RedisRevocationStore,
  RedisRevocationStoreOptions,
  RedisRevocationStoreState,
} from './types.js';

const DAY_SECONDS = 86_400;

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
  const keyPrefix = nonEmptyString(options.keyPrefix, 'keyPrefix', 'tokengate:revoked:');
  const channel = nonEmptyString(options.channel, 'channel', 'tokengate:revocations');
  const failurePolicy = oneOf(options.failurePolicy, 'failurePolicy', ['closed', 'open'], 'closed');
  const graceMs = integerAtLeast(options.graceMs, 'graceMs', 0, 1000);
  const maxEntries = integerAtLeast(options.maxEntries, 'maxEntries', 1, 100_000);
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
    try {
      onEvent?.(event);
    } catch {
      // An observer's failure must never change the store's behaviour.
    }
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

  async function write(key: string, value: number, untilSeconds: number): Promise<void> {
    if (state === 'closed') throw unavailable();
    const ttlMs = Math.ceil(untilSeconds * 1000 - Date.now());
    if (ttlMs <= 0) return; // Everything it covers has expired already.
    if (!cache.hasRoomFor(key)) {
      throw new RangeError('revocation store is full of live entries; raise maxEntries');
    }
    // This instance honours it at once, and republishes it at its next resync if Redis fails now.
    cache.merge(key, value, ttlMs);
    try {
      await link.publish(key, value, ttlMs);
    } catch (cause) {
      throw new Error(
        'the revocation was not written to Redis; this instance honours it and writes it back after reconnecting',
        { cause },
      );
    }
  }

  function cutOff(entry: SubjectRevocation | ClientRevocation): [number, number] {
    const before = entry.before ?? Math.floor(Date.now() / 1000);
    return [before, before + (entry.maxTokenLifetimeSeconds ?? DAY_SECONDS)];
  }

  return {
    get size() {
      return cache.size;
    },
    get state() {
      return state;
    },
    isRevoked(token: VerifiedToken): boolean {
      // The hot path: one flag, then three map lookups. No Redis round trip.
      if (!trusted && (failurePolicy === 'closed' || state === 'closed')) throw unavailable();
      return cache.isRevoked(token);
    },
    async revokeToken(entry: TokenRevocation) {
      checkEntry(entry, 'tokenId');
      await write(revocationKeys.token(entry.issuer, entry.tokenId), 0, entry.expiresAt);
    },
    async revokeSubject(entry: SubjectRevocation) {
      checkEntry(entry, 'subject');
      const [before, until] = cutOff(entry);
      await write(revocationKeys.subject(entry.issuer, entry.subject), before, until);
    },
    async revokeClient(entry: ClientRevocation) {
      checkEntry(entry, 'clientId');
      const [before, until] = cutOff(entry);
      await write(revocationKeys.client(entry.issuer, entry.clientId), before, until);
    },
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
