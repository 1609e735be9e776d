// The DPoP replay store against a real `redis-server` (a child process on a free loopback port):
// SET NX PX semantics, the key layout, a fleet sharing one Redis, and failing closed when Redis
// is down, refuses, or hangs (a loopback proxy that stops forwarding stands for a hung server or
// a half-open TCP connection).
import { createHash } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { inspect } from 'node:util';
import { createClient, RESP_TYPES } from '@redis/client';
import {
  createRedisDpopReplayStore,
  type RedisDpopReplayEvent,
  type RedisDpopReplayStore,
  type RedisDpopReplayStoreOptions,
} from '@tokengate/redis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';

let redis: RedisServer;
let namespace = 0;
const stores: RedisDpopReplayStore[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});
afterAll(async () => {
  await redis?.dispose();
});

function newStore(options: Partial<RedisDpopReplayStoreOptions> = {}): RedisDpopReplayStore {
  const store = createRedisDpopReplayStore({
    ...(options.client === undefined && { url: redis.url }),
    keyPrefix: `test${(namespace += 1)}:dpop:`,
    ...options,
  });
  stores.push(store);
  return store;
}

async function rawClient() {
  const client = createClient({ url: redis.url });
  client.on('error', () => {});
  await client.connect();
  return client;
}

const jkt = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
const inAMinute = (): number => Date.now() + 60_000;

describe('options', () => {
  it.each([
    ['neither client nor url', {}, /exactly one of client and url/],
    ['both client and url', { url: 'redis://x', client: createClient() }, /exactly one/],
    ['a url of another scheme', { url: 'http://cache:6379' }, /^url must/],
    ['a client that is not one', { client: { on() {} } }, /^client must/],
    ['an empty keyPrefix', { url: 'redis://x', keyPrefix: '' }, /^keyPrefix must/],
    ['a zero commandTimeoutMs', { url: 'redis://x', commandTimeoutMs: 0 }, /^commandTimeoutMs/],
    [
      'a fractional commandTimeoutMs',
      { url: 'redis://x', commandTimeoutMs: 1.5 },
      /^commandTimeoutMs/,
    ],
    [
      'a huge commandTimeoutMs',
      { url: 'redis://x', commandTimeoutMs: 2 ** 31 },
      /^commandTimeoutMs/,
    ],
    ['a zero maxPending', { url: 'redis://x', maxPending: 0 }, /^maxPending must/],
    ['a non-function onEvent', { url: 'redis://x', onEvent: 'log' }, /^onEvent must/],
    ['a misspelt option', { url: 'redis://x', keyprefix: 'a:' }, /did you mean `keyPrefix`/],
  ])('refuses %s with a TypeError naming it, connecting nowhere', (_name, options, message) => {
    const create = () =>
      createRedisDpopReplayStore(options as unknown as RedisDpopReplayStoreOptions);
    expect(create).toThrow(TypeError);
    expect(create).toThrow(message);
  });

  it('refuses a malformed url without carrying its password', () => {
    let error: unknown;
    try {
      createRedisDpopReplayStore({ url: 'redis://:hunter2-pass@cache host:6379' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect(inspect(error, { depth: 5 })).not.toContain('hunter2');
  });

  it('rejects a key or an expiry of the wrong type with a TypeError', async () => {
    const store = newStore();
    await expect(store.remember(42 as unknown as string, inAMinute())).rejects.toThrow(TypeError);
    await expect(store.remember('k', Number.NaN)).rejects.toThrow(TypeError);
    await expect(store.remember('k', '1' as unknown as number)).rejects.toThrow(TypeError);
  });
});

describe('SET NX PX', () => {
  it('answers true for a new proof id, false for every replay', async () => {
    const store = newStore();
    expect(await store.remember(`${jkt}:proof-1`, inAMinute())).toBe(true);
    expect(await store.remember(`${jkt}:proof-1`, inAMinute())).toBe(false);
    expect(await store.remember(`${jkt}:proof-1`, inAMinute())).toBe(false);
    expect(await store.remember(`${jkt}:proof-2`, inAMinute())).toBe(true);
    expect(store.pending).toBe(0);
  });

  it('stores <prefix><base64url SHA-256 of the key> = 1 with the remaining lifetime', async () => {
    const store = newStore({ keyPrefix: 'layout:dpop:' });
    const key = `${jkt}:layout`;
    expect(await store.remember(key, Date.now() + 30_000)).toBe(true);
    const hash = createHash('sha256').update(key, 'utf16le').digest('base64url');
    const client = await rawClient();
    try {
      expect(await client.keys('layout:dpop:*')).toEqual([`layout:dpop:${hash}`]);
      expect(await client.get(`layout:dpop:${hash}`)).toBe('1');
      const pttl = await client.pTTL(`layout:dpop:${hash}`);
      expect(pttl).toBeGreaterThan(29_000);
      expect(pttl).toBeLessThanOrEqual(30_000);
    } finally {
      client.destroy();
    }
  });

  it('forgets a proof id when its window ends, not before', async () => {
    const store = newStore();
    // A window a loaded machine cannot outlast between two calls, then its end.
    expect(await store.remember('short', Date.now() + 1000)).toBe(true);
    expect(await store.remember('short', Date.now() + 1000)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await store.remember('short', Date.now() + 1000)).toBe(true);
  });

  it('answers false for an expiry already past, writing nothing: it cannot vouch the id is new', async () => {
    const store = newStore({ keyPrefix: 'past:dpop:' });
    expect(await store.remember('late', Date.now() - 1)).toBe(false);
    // A seconds-for-milliseconds mistake refuses every proof instead of disabling detection.
    expect(await store.remember('units', Math.floor(Date.now() / 1000) + 60)).toBe(false);
    const client = await rawClient();
    try {
      expect(await client.keys('past:dpop:*')).toEqual([]);
    } finally {
      client.destroy();
    }
  });

  it('works with a client it was given, which it connects but never closes', async () => {
    const client = createClient({ url: redis.url });
    client.on('error', () => {});
    const store = newStore({ client });
    expect(await store.remember('given', inAMinute())).toBe(true);
    expect(await store.remember('given', inAMinute())).toBe(false);
    await store.close();
    expect(client.isReady).toBe(true);
    client.destroy();
  });

  it('reads OK as a Buffer under a client type mapping', async () => {
    const client = createClient({ url: redis.url }).withTypeMapping({
      [RESP_TYPES.SIMPLE_STRING]: Buffer,
    });
    client.on('error', () => {});
    const store = newStore({ client });
    expect(await store.remember('buffer', inAMinute())).toBe(true);
    expect(await store.remember('buffer', inAMinute())).toBe(false);
    client.destroy();
  });
});

describe('keys an attacker chooses (the jti)', () => {
  it('never confuses two different keys', async () => {
    const store = newStore();
    // Lone surrogates are legal in a JSON string; UTF-8 would turn all three into U+FFFD.
    const keys = [
      `${jkt}:\ud800`,
      `${jkt}:\udfff`,
      `${jkt}:\ufffd`,
      `${jkt}:a:b`,
      `${jkt}:a`,
      `${jkt}:a:`,
      `${jkt}::a`,
      `${jkt}:*`,
      `${jkt}:a\r\nFLUSHALL`,
      `${jkt}:A`,
      `${jkt.slice(0, -1)}:${jkt.slice(-1)}a`,
    ];
    for (const key of keys) expect(await store.remember(key, inAMinute())).toBe(true);
    for (const key of keys) expect(await store.remember(key, inAMinute())).toBe(false);
  });

  it('keeps every Redis key to the prefix plus 43 characters, whatever the key length', async () => {
    const store = newStore({ keyPrefix: 'long:dpop:' });
    expect(await store.remember(`${jkt}:${'x'.repeat(256)}`, inAMinute())).toBe(true);
    expect(await store.remember(`${jkt}:${'y'.repeat(100_000)}`, inAMinute())).toBe(true);
    const client = await rawClient();
    try {
      const keys = await client.keys('long:dpop:*');
      expect(keys).toHaveLength(2);
      for (const key of keys) expect(key).toMatch(/^long:dpop:[\w-]{43}$/);
    } finally {
      client.destroy();
    }
  });
});

describe('a fleet sharing one Redis', () => {
  it('sees the proofs another instance recorded', async () => {
    const keyPrefix = `fleet${(namespace += 1)}:dpop:`;
    const [a, b] = [newStore({ keyPrefix }), newStore({ keyPrefix })];
    expect(await a!.remember(`${jkt}:seen-by-a`, inAMinute())).toBe(true);
    expect(await b!.remember(`${jkt}:seen-by-a`, inAMinute())).toBe(false);
    expect(await b!.remember(`${jkt}:seen-by-b`, inAMinute())).toBe(true);
    expect(await a!.remember(`${jkt}:seen-by-b`, inAMinute())).toBe(false);
  });

  it('lets exactly one of many instances accept a proof presented to all at once', async () => {
    const keyPrefix = `fleet${(namespace += 1)}:dpop:`;
    const fleet = Array.from({ length: 8 }, () => newStore({ keyPrefix }));
    for (let round = 0; round < 20; round += 1) {
      const answers = await Promise.all(
        fleet.map((store) => store.remember(`${jkt}:race-${round}`, inAMinute())),
      );
      expect(answers.filter(Boolean)).toHaveLength(1);
    }
  });

  it('keeps fleets with different prefixes apart', async () => {
    const [a, b] = [newStore(), newStore()];
    expect(await a.remember('same', inAMinute())).toBe(true);
    expect(await b.remember('same', inAMinute())).toBe(true);
  });
});

describe('when Redis fails, it rejects and never answers true', () => {
  it('rejects within its deadline while nothing listens, then recovers when Redis starts', async () => {
    const server = await startRedisServer();
    const events: RedisDpopReplayEvent[] = [];
    try {
      await server.stop();
      const store = newStore({
        url: server.url,
        commandTimeoutMs: 200,
        onEvent: (event) => events.push(event),
      });
      for (let i = 0; i < 3; i += 1) {
        const started = performance.now();
        await expect(store.remember(`down-${i}`, inAMinute())).rejects.toThrow(
          /no answer within 200 ms/,
        );
        expect(performance.now() - started).toBeLessThan(700);
      }
      // Commands still waiting to be written were dropped at their deadline.
      await vi.waitFor(() => expect(store.pending).toBe(0));
      expect(events.filter((e) => e.type === 'dpop-replay-store-degraded')).toEqual([
        { type: 'dpop-replay-store-degraded', reason: 'timeout' },
      ]);
      expect(events.some((e) => e.type === 'dpop-replay-store-error')).toBe(true);

      await server.start();
      await vi.waitFor(async () => expect(await store.remember('up', inAMinute())).toBe(true), {
        timeout: 5000,
        interval: 100,
      });
      expect(events.at(-1)).toMatchObject({ type: 'dpop-replay-store-recovered' });
    } finally {
      await server.dispose();
    }
  });

  it('rejects when Redis stops mid-life', async () => {
    const server = await startRedisServer();
    try {
      const store = newStore({ url: server.url, commandTimeoutMs: 300 });
      expect(await store.remember('before', inAMinute())).toBe(true);
      await server.stop();
      await expect(store.remember('before', inAMinute())).rejects.toThrow();
      await expect(store.remember('during', inAMinute())).rejects.toThrow();
    } finally {
      await server.dispose();
    }
  });

  it('rejects an error reply (OOM under noeviction) and reports it as refused', async () => {
    const server = await startRedisServer();
    const events: RedisDpopReplayEvent[] = [];
    try {
      await server.command('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
      await server.command('CONFIG', 'SET', 'maxmemory', '1');
      const store = newStore({ url: server.url, onEvent: (event) => events.push(event) });
      await expect(store.remember('oom', inAMinute())).rejects.toThrow(/could not record/);
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'dpop-replay-store-degraded', reason: 'refused' }),
      );
    } finally {
      await server.dispose();
    }
  });
});

/**
 * A loopback TCP proxy to Redis whose `freeze()` makes every connection open so far swallow
 * what it carries: a hung server, or a half-open connection, as the client sees it. Connections
 * opened later forward normally.
 */
async function startStallingProxy(target: RedisServer) {
  const frozen = new WeakSet<Socket>();
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    const upstream = connect(target.port, '127.0.0.1');
    for (const [from, to] of [
      [socket, upstream],
      [upstream, socket],
    ] as const) {
      sockets.add(from);
      from.on('data', (chunk) => {
        if (!frozen.has(socket)) to.write(chunk);
      });
      from.on('error', () => {});
      from.on('close', () => {
        sockets.delete(from);
        to.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    /** Sockets still open, both sides of each connection. */
    get open() {
      return sockets.size;
    },
    freeze() {
      for (const socket of sockets) frozen.add(socket);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('when Redis hangs', () => {
  it('rejects within its deadline, bounds what is pending, and replaces its stalled connection', async () => {
    const proxy = await startStallingProxy(redis);
    const events: RedisDpopReplayEvent[] = [];
    try {
      const store = newStore({
        url: proxy.url,
        commandTimeoutMs: 200,
        maxPending: 3,
        onEvent: (event) => events.push(event),
      });
      expect(await store.remember('warm', inAMinute())).toBe(true);
      expect(proxy.connections).toBe(1);
      proxy.freeze();

      const started = performance.now();
      const hung = [1, 2, 3].map((i) => store.remember(`hung-${i}`, inAMinute()));
      hung.forEach((promise) => promise.catch(() => {}));
      await vi.waitFor(() => expect(store.pending).toBe(3));
      // Full: refused at once, not queued behind the hung ones.
      await expect(store.remember('one-too-many', inAMinute())).rejects.toThrow(/unanswered/);
      expect(performance.now() - started).toBeLessThan(150);
      // The first to miss its deadline drops the connection, failing the others with it.
      await expect(hung[0]).rejects.toThrow(/no answer within 200 ms/);
      for (const promise of hung) await expect(promise).rejects.toThrow();
      expect(performance.now() - started).toBeLessThan(700);

      // The stalled connection was dropped (its commands with it) for a new one that works.
      expect(store.pending).toBe(0);
      expect(events.map((e) => e.type)).toEqual([
        'dpop-replay-store-degraded',
        'dpop-replay-store-connection-reset',
      ]);
      expect(events[0]).toEqual({ type: 'dpop-replay-store-degraded', reason: 'overloaded' });
      await vi.waitFor(async () => expect(await store.remember('after', inAMinute())).toBe(true), {
        timeout: 3000,
        interval: 50,
      });
      expect(proxy.connections).toBe(2);
      expect(events.at(-1)).toMatchObject({ type: 'dpop-replay-store-recovered' });
    } finally {
      await proxy.close();
    }
  });

  it('rejects within its deadline on a client it was given, which it leaves alone', async () => {
    const proxy = await startStallingProxy(redis);
    const client = createClient({ url: proxy.url });
    client.on('error', () => {});
    try {
      const store = newStore({ client, commandTimeoutMs: 200 });
      expect(await store.remember('warm', inAMinute())).toBe(true);
      proxy.freeze();
      const started = performance.now();
      await expect(store.remember('hung', inAMinute())).rejects.toThrow(/no answer within 200 ms/);
      expect(performance.now() - started).toBeLessThan(700);
      // Sent and unanswered: counted until the connection drops, and never reset by the store.
      expect(store.pending).toBe(1);
      expect(proxy.connections).toBe(1);
    } finally {
      client.destroy();
      await proxy.close();
    }
  });

  it('answers every waiting call with a rejection on close, once, and closes its connection', async () => {
    const proxy = await startStallingProxy(redis);
    try {
      const store = newStore({ url: proxy.url, commandTimeoutMs: 10_000 });
      expect(await store.remember('warm', inAMinute())).toBe(true);
      proxy.freeze();
      const waiting = store.remember('hung', inAMinute());
      waiting.catch(() => {});
      await vi.waitFor(() => expect(store.pending).toBe(1));
      const started = performance.now();
      await Promise.all([store.close(), store.close()]);
      await expect(waiting).rejects.toThrow(/closed/);
      expect(performance.now() - started).toBeLessThan(500);
      await expect(store.remember('later', inAMinute())).rejects.toThrow(/closed/);
      await vi.waitFor(() => expect(proxy.open).toBe(0));
      await store.close();
    } finally {
      await proxy.close();
    }
  });
});
