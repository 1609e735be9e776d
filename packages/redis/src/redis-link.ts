import type { RedisRevocationClient, RedisRevocationEvent } from './types.js';
import { parseStoredRevocation } from '@tokengate/core';
import type { NearCache } from './near-cache.js';
import { isErrorReply } from './options.js';
import { MERGE_SCRIPT, parseEntryMessage, prefixPattern } from './redis-protocol.js';

export interface RedisLinkOptions {
  readonly client: RedisRevocationClient;
  readonly ownsClient: boolean;
  readonly keyPrefix: string;
  readonly channel: string;
  readonly cache: NearCache;
  readonly emit: (event: RedisRevocationEvent) => void;
  /** A connection dropped after a sync: updates may be missed from now on. */
  readonly onLost: () => void;
  /** A full resync finished on connections that stayed up throughout it. */
  readonly onSynced: (overflowed: boolean) => void;
  /** A published entry did not fit in the near-cache. */
  readonly onOverflow: () => void;
}

export interface RedisLink {
  /** Resolves after the first full sync; rejects if closed first. */
  readonly firstSync: Promise<void>;
  /** Merges an entry into Redis and announces the merged result on the channel. */
  publish(key: string, value: number, ttlMs: number): Promise<void>;
  close(): Promise<void>;
}

const SCAN_COUNT = '1000';
const WRITE_BATCH = 1000;
/** An entry Redis holds for this much less than we do is written back (propagation jitter aside). */
const REPUBLISH_SLACK_MS = 1000;
/** After a failed resync, or an overflow, try again this long after. */
const RETRY_MS = 1000;

/**
 * The store's two connections (commands, and a duplicate for the subscription) and the resync
 * that runs on start and after every reconnect. Subscribing comes first: node-redis
 * resubscribes before it reports `ready`, so nothing published during a SCAN can slip between
 * the SCAN and the subscription.
 */
export function createRedisLink(options: RedisLinkOptions): RedisLink {
  const { client, keyPrefix, channel, cache, emit } = options;
  const subscriber = client.duplicate();
  const pattern = prefixPattern(keyPrefix);
  let closed = false;
  let subscribed = false;
  let up = false;
  // Bumped whenever a connection drops: a resync that saw one cannot vouch for the near-cache.
  let epoch = 0;
  let syncing: Promise<void> = Promise.resolve();
  let retryTimer: NodeJS.Timeout | undefined;
  let scriptSha: string | undefined;

  let resolveFirst!: () => void;
  let rejectFirst!: (error: Error) => void;
  const firstSync = new Promise<void>((resolve, reject) => {
    resolveFirst = resolve;
    rejectFirst = reject;
  });
  firstSync.catch(() => {}); // Only a caller of ready() needs to hear about it.

  function onMessage(message: string): void {
    const entry = parseEntryMessage(message, keyPrefix);
    if (entry !== undefined && !cache.merge(entry.key, entry.value, entry.ttlMs)) {
      options.onOverflow();
      scheduleRetry();
    }
  }

  const onChange = (): void => {
    if (closed) return;
    const nowUp = subscribed && client.isReady && subscriber.isReady;
    if (up && !nowUp) {
      up = false;
      epoch += 1;
      options.onLost();
    } else if (!up && nowUp) {
      up = true;
      requestResync();
    }
  };
  const onError = (error: unknown): void => {
    if (!closed) emit({ type: 'revocation-store-error', error });
    onChange();
  };
  for (const connection of [client, subscriber]) {
    connection.on('error', onError);
    for (const event of ['ready', 'end', 'reconnecting']) connection.on(event, onChange);
  }

  void (async () => {
    try {
      if (!client.isOpen) await client.connect();
      await subscriber.connect();
      await subscriber.subscribe(channel, onMessage);
      subscribed = true;
      onChange();
    } catch (error) {
      if (!closed) emit({ type: 'revocation-store-error', error });
    }
  })();

  function requestResync(): void {
    syncing = syncing.then(resync);
  }

  function scheduleRetry(): void {
    if (closed || retryTimer !== undefined) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (up) requestResync();
    }, RETRY_MS);
    retryTimer.unref();
  }

  async function resync(): Promise<void> {
    if (closed || !up) return;
    const started = epoch;
    const t0 = performance.now();
    try {
      scriptSha = String(await client.sendCommand(['SCRIPT', 'LOAD', MERGE_SCRIPT]));
      const { seen, overflowed } = await loadAll();
      const republished = await writeBack(seen);
      if (closed || epoch !== started) return; // The next `ready` resyncs again.
      options.onSynced(overflowed);
      if (overflowed) return scheduleRetry();
      emit({
        type: 'revocation-store-synced',
        entries: cache.size,
        republished,
        durationMs: Math.round(performance.now() - t0),
      });
      resolveFirst();
    } catch (error) {
      if (closed) return;
      emit({ type: 'revocation-store-error', error });
      scheduleRetry();
    }
  }

  /** Reports an entry the resync skipped; the key is cut short, it may be anything. */
  function skipped(redisKey: string, reason: 'invalid' | 'refused', error?: unknown): void {
    emit({
      type: 'revocation-store-entry-skipped',
      key: redisKey.length > 256 ? `${redisKey.slice(0, 256)}…` : redisKey,
      reason,
      ...(error === undefined ? {} : { error }),
    });
  }

  /**
   * SCANs the prefix and merges every valid entry with its remaining lifetime into the
   * near-cache. An entry that is out of range, malformed or of another Redis type is skipped
   * and reported: one bad key must not fail the whole resync (and so keep the store degraded).
   */
  async function loadAll(): Promise<{ seen: Map<string, number>; overflowed: boolean }> {
    // Per key: the merged value Redis holds, and when (local clock) it expires there.
    const seen = new Map<string, number>();
    let overflowed = false;
    let cursor = '0';
    do {
      const [next, keys] = (await client.sendCommand([
        'SCAN',
        cursor,
        'MATCH',
        pattern,
        'COUNT',
        SCAN_COUNT,
      ])) as [string, string[]];
      cursor = String(next);
      // Auto-pipelined by the client: one round trip per SCAN page. An error reply (a key of
      // another type: WRONGTYPE) is that key's answer, not the page's.
      const replies = await Promise.all(
        keys.flatMap((key) => [
          client.sendCommand(['GET', key]).catch(replyOrThrow),
          client.sendCommand(['PTTL', key]).catch(replyOrThrow),
        ]),
      );
      const now = Date.now();
      keys.forEach((redisKey, index) => {
        const raw = replies[2 * index];
        const pttl = replies[2 * index + 1];
        // Gone since the SCAN (GET nil, PTTL -2).
        if (raw === null || raw === undefined || pttl === -2) return;
        const entry =
          typeof raw === 'string' && typeof pttl === 'number'
            ? parseStoredRevocation(redisKey.slice(keyPrefix.length), Number(raw), pttl, now / 1000)
            : undefined;
        if (entry === undefined) return skipped(redisKey, 'invalid');
        seen.set(entry.key, now + entry.ttlMs);
        if (!cache.merge(entry.key, entry.value, entry.ttlMs)) overflowed = true;
      });
    } while (cursor !== '0');
    return { seen, overflowed };
  }

  /**
   * Writes back every live entry Redis lacks or holds for less long: it restarted without
   * persistence, failed over before replicating, or evicted under `maxmemory`. Merging is
   * idempotent, so every instance doing this at once is harmless.
   */
  async function writeBack(seen: Map<string, number>): Promise<number> {
    const now = Date.now();
    const missing: [string, number, number][] = [];
    for (const [key, value, remainingMs] of cache.entries()) {
      const expiresThere = seen.get(key);
      if (expiresThere === undefined || expiresThere + REPUBLISH_SLACK_MS < now + remainingMs) {
        missing.push([key, value, remainingMs]);
      }
    }
    let written = 0;
    for (let i = 0; i < missing.length; i += WRITE_BATCH) {
      await Promise.all(
        missing.slice(i, i + WRITE_BATCH).map(async ([key, value, ttl]) => {
          try {
            await publish(key, value, ttl);
            written += 1;
          } catch (error) {
            // Refused by Redis (a key of another type in the way): reported, still honoured
            // here, and the resync goes on. A lost connection fails the resync, to be retried.
            if (!isErrorReply(error)) throw error;
            skipped(keyPrefix + key, 'refused', error);
          }
        }),
      );
    }
    return written;
  }

  async function publish(key: string, value: number, ttlMs: number): Promise<void> {
    const args = ['1', keyPrefix + key, String(value), String(Math.ceil(ttlMs)), channel];
    if (scriptSha !== undefined) {
      try {
        await client.sendCommand(['EVALSHA', scriptSha, ...args]);
        return;
      } catch (error) {
        // A restarted Redis forgot the script; EVAL below loads it again.
        if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
      }
    }
    await client.sendCommand(['EVAL', MERGE_SCRIPT, ...args]);
  }

  async function close(): Promise<void> {
    closed = true;
    clearTimeout(retryTimer);
    rejectFirst(new Error('the Redis revocation store was closed before its first sync'));
    for (const connection of [client, subscriber]) {
      connection.off('error', onError);
      for (const event of ['ready', 'end', 'reconnecting']) connection.off(event, onChange);
    }
    // Closing a connection still reconnecting would wait for it: destroy those instead.
    const shut = (connection: RedisRevocationClient): Promise<unknown> | unknown =>
      connection.isReady ? connection.close() : connection.isOpen && connection.destroy();
    // Errors while closing are of no interest any more; keep one listener so none is fatal.
    subscriber.on('error', () => {});
    await Promise.allSettled([
      shut(subscriber),
      options.ownsClient ? (client.on('error', () => {}), shut(client)) : undefined,
    ]);
  }

  return { firstSync, publish, close };
}

/** An error reply stands for that key's answer; anything else (a lost connection) is thrown. */
function replyOrThrow(error: unknown): unknown {
  if (isErrorReply(error)) return error;
  throw error;
}
