// The Redis store against a real `redis-server` (a child process on a free loopback port):
// the shared store contract, then what only a shared store has: the key layout, propagation
// between instances, resync, failure policies, write-back after Redis loses its data.
import { inspect } from 'node:util';
import { createClient } from '@redis/client';
import { revocationKeys, type VerifiedToken } from '@tokengate/core';
import {
  createRedisRevocationStore,
  type RedisRevocationEvent,
  type RedisRevocationStore,
  type RedisRevocationStoreOptions,
} from '@tokengate/redis';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import {
  outcome,
  revocationStoreContract,
  verifierFor,
} from '../../../test/revocation/store-contract.js';

let redis: RedisServer;
let namespace = 0;
const stores: RedisRevocationStore[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});
afterAll(async () => {
  await redis?.dispose();
});

/** A store in a keyspace and channel of its own unless told otherwise. */
function newStore(options: Partial<RedisRevocationStoreOptions> = {}, server = redis) {
  namespace += 1;
  const store = createRedisRevocationStore({
    url: server.url,
    keyPrefix: `test${namespace}:revoked:`,
    channel: `test${namespace}:revocations`,
    ...options,
  });
  stores.push(store);
  return store;
}

/** Two stores sharing a keyspace: two instances of one service. */
function fleetOf<N extends number>(
  count: N,
  options: Partial<RedisRevocationStoreOptions> = {},
  server = redis,
) {
  namespace += 1;
  const shared = {
    keyPrefix: `fleet${namespace}:revoked:`,
    channel: `fleet${namespace}:revocations`,
  };
  return Array.from({ length: count }, () => {
    const store = createRedisRevocationStore({ url: server.url, ...shared, ...options });
    stores.push(store);
    return store;
  });
}

async function rawClient(server = redis) {
  const client = createClient({ url: server.url });
  client.on('error', () => {});
  await client.connect();
  return client;
}

function token(claims: Record<string, unknown>, issuer = 'https://issuer.example'): VerifiedToken {
  return {
    token: 'x',
    header: { alg: 'RS256' },
    claims: { iss: issuer, ...claims },
    issuer,
    subject: claims.sub as string | undefined,
    clientId: claims.client_id as string | undefined,
    tokenUse: 'access',
    scopes: [],
    groups: [],
    expiresAt: undefined,
  } as unknown as VerifiedToken;
}

describe('the store contract', () => {
  revocationStoreContract(async (options) => {
    const store = newStore(options);
    await store.ready();
    return store;
  });
});

describe('options', () => {
  it.each([
    ['neither client nor url', {}],
    ['both client and url', { url: 'redis://x', client: {} }],
    ['a url of another scheme', { url: 'http://cache:6379' }],
    ['a client that is not one', { client: { sendCommand() {} } }],
    ['a client with a keyPrefix', { client: createClient({ keyPrefix: 'app:' }) }],
    ['an empty keyPrefix', { url: 'redis://x', keyPrefix: '' }],
    ['an empty channel', { url: 'redis://x', channel: '' }],
    ['an unknown failurePolicy', { url: 'redis://x', failurePolicy: 'lenient' }],
    ['a negative graceMs', { url: 'redis://x', graceMs: -1 }],
    ['a zero maxEntries', { url: 'redis://x', maxEntries: 0 }],
    ['a non-function onEvent', { url: 'redis://x', onEvent: 'log' }],
  ])('refuses %s with a TypeError, connecting nowhere', (_name, options) => {
    expect(() =>
      createRedisRevocationStore(options as unknown as RedisRevocationStoreOptions),
    ).toThrow(TypeError);
  });

  it('refuses a misspelt option, suggesting the right one', () => {
    expect(() =>
      createRedisRevocationStore({
        url: 'redis://x',
        failurepolicy: 'open',
      } as unknown as RedisRevocationStoreOptions),
    ).toThrow('did you mean `failurePolicy`?');
  });

  it('refuses a malformed url without carrying its password', () => {
    let error: unknown;
    try {
      createRedisRevocationStore({ url: 'redis://:hunter2-pass@cache host:6379' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect(inspect(error, { depth: 5 })).not.toContain('hunter2');
  });

  it('refuses malformed entries by rejecting with a TypeError', async () => {
    const store = newStore();
    const issuer = 'https://issuer.example';
    await expect(store.revokeToken({ issuer, tokenId: '', expiresAt: 1 })).rejects.toThrow(
      TypeError,
    );
    await expect(store.revokeSubject({ issuer, subject: 's', before: Number.NaN })).rejects.toThrow(
      TypeError,
    );
    await expect(
      store.revokeClient({ issuer: 42 as unknown as string, clientId: 'c' }),
    ).rejects.toThrow(TypeError);
  });
});

describe('in Redis', () => {
  it('stores each entry under the shared key layout, with the later cut-off and the longer life', async () => {
    const store = newStore({ keyPrefix: 'layout:revoked:', channel: 'layout:revocations' });
    await store.ready();
    const issuer = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool';
    const now = Math.floor(Date.now() / 1000);
    await store.revokeSubject({
      issuer,
      subject: 'u1',
      before: now - 10,
      maxTokenLifetimeSeconds: 3600,
    });
    await store.revokeSubject({
      issuer,
      subject: 'u1',
      before: now - 20,
      maxTokenLifetimeSeconds: 60,
    });
    await store.revokeToken({ issuer, tokenId: 'jti-1', expiresAt: now + 600 });
    const client = await rawClient();
    try {
      const subjectKey = `layout:revoked:${revocationKeys.subject(issuer, 'u1')}`;
      expect(await client.get(subjectKey)).toBe(String(now - 10));
      expect(await client.pTTL(subjectKey)).toBeGreaterThan(3_500_000);
      const tokenKey = `layout:revoked:${revocationKeys.token(issuer, 'jti-1')}`;
      expect(await client.get(tokenKey)).toBe('0');
      expect(await client.pTTL(tokenKey)).toBeGreaterThan(590_000);
    } finally {
      client.destroy();
    }
  });

  it('answers isRevoked synchronously from memory, sending Redis nothing', async () => {
    const store = newStore();
    await store.ready();
    const issuer = 'https://issuer.example';
    await store.revokeSubject({ issuer, subject: 'gone' });
    const client = await rawClient();
    try {
      const processed = async () =>
        Number(/total_commands_processed:(\d+)/.exec(await client.info('stats'))?.[1]);
      const before = await processed();
      let revoked = 0;
      for (let i = 0; i < 10_000; i++) {
        const answer = store.isRevoked(token({ sub: i % 2 === 0 ? 'gone' : 'here', iat: 1 }));
        expect(typeof answer).toBe('boolean');
        if (answer) revoked += 1;
      }
      expect(revoked).toBe(5_000);
      // Only the first INFO itself: no check reached Redis.
      expect((await processed()) - before).toBe(1);
    } finally {
      client.destroy();
    }
  });

  it('works with a client it was given, which it connects but never closes', async () => {
    const client = createClient({ url: redis.url });
    client.on('error', () => {});
    const store = createRedisRevocationStore({ client, keyPrefix: 'given:', channel: 'given' });
    await store.ready();
    expect(client.isReady).toBe(true);
    await store.close();
    expect(client.isReady).toBe(true);
    client.destroy();
  });
});

describe('entries that could poison the store (issue 11 item 3)', () => {
  const issuer = 'https://issuer.example';

  it('rejects a write Redis refuses, and keeps nothing of it in the near-cache', async () => {
    const store = newStore();
    await store.ready();
    const client = await rawClient();
    try {
      // A key of another type where the entry goes: Redis answers WRONGTYPE to the merge.
      await client.sendCommand([
        'RPUSH',
        `test${namespace}:revoked:${revocationKeys.subject(issuer, 'blocked')}`,
        'x',
      ]);
      await expect(store.revokeSubject({ issuer, subject: 'blocked' })).rejects.toThrow(/refused/);
      expect(store.size).toBe(0);
      expect(store.isRevoked(token({ sub: 'blocked', iat: 1 }, issuer))).toBe(false);
      expect(store.state).toBe('ready');
    } finally {
      client.destroy();
    }
  });

  it('skips and reports invalid entries in Redis at every resync, and stays healthy', async () => {
    const events: RedisRevocationEvent[] = [];
    namespace += 1;
    const prefix = `poison${namespace}:revoked:`;
    const client = await rawClient();
    const year = 366 * 86_400;
    const now = Math.floor(Date.now() / 1000);
    try {
      const poison: [string, string, string][] = [
        [revocationKeys.subject(issuer, 'far-future'), String(now + 10 * year), '60000'],
        [revocationKeys.subject(issuer, 'nan'), 'abc', '60000'],
        [revocationKeys.token(issuer, 'not-zero'), '12', '60000'],
        [revocationKeys.subject(issuer, 'forever'), String(now), String(50 * year * 1000)],
        ['no-separators', '0', '60000'],
      ];
      for (const [key, value, ttl] of poison) {
        await client.sendCommand(['SET', prefix + key, value, 'PX', ttl]);
      }
      await client.sendCommand(['RPUSH', prefix + revocationKeys.subject(issuer, 'a-list'), 'x']);
      await client.sendCommand([
        'SET',
        prefix + revocationKeys.subject(issuer, 'fine'),
        String(now),
        'PX',
        '60000',
      ]);
      const store = createRedisRevocationStore({
        url: redis.url,
        keyPrefix: prefix,
        channel: `poison${namespace}:revocations`,
        onEvent: (event) => events.push(event),
      });
      stores.push(store);
      await vi.waitFor(() => expect(store.state).toBe('ready'), { timeout: 3000 });
      expect(store.size).toBe(1);
      expect(store.isRevoked(token({ sub: 'fine', iat: now - 1 }, issuer))).toBe(true);
      expect(store.isRevoked(token({ sub: 'far-future', iat: now }, issuer))).toBe(false);
      // Each poisoned key reported (a reconnect of both connections may resync twice).
      const skipped = () =>
        new Set(
          events.flatMap((e) => (e.type === 'revocation-store-entry-skipped' ? [e.key] : [])),
        );
      expect(skipped().size).toBe(6);

      // A reconnect resyncs again: the same entries are skipped, the store stays ready.
      events.length = 0;
      await client.sendCommand(['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes']);
      await client.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
      await vi.waitFor(
        () => expect(events.map((e) => e.type)).toContain('revocation-store-synced'),
        { timeout: 5000 },
      );
      expect(store.state).toBe('ready');
      expect(skipped().size).toBe(6);
      expect(store.isRevoked(token({ sub: 'fine', iat: now - 1 }, issuer))).toBe(true);
    } finally {
      client.destroy();
    }
  });

  it('ignores an out-of-range entry announced on the channel', async () => {
    const [store] = fleetOf(1);
    await store!.ready();
    const client = await rawClient();
    try {
      const key = `fleet${namespace}:revoked:${revocationKeys.subject(issuer, 'announced')}`;
      const far = Math.floor(Date.now() / 1000) + 10 * 366 * 86_400;
      await client.publish(`fleet${namespace}:revocations`, `${far} 60000 ${key}`);
      await client.publish(`fleet${namespace}:revocations`, `0 1e30 ${key}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(store!.size).toBe(0);
    } finally {
      client.destroy();
    }
  });
});

describe('across instances', () => {
  it('propagates a revocation to another instance through pub/sub', async () => {
    const [a, b] = fleetOf(2);
    await Promise.all([a!.ready(), b!.ready()]);
    const issuer = 'https://issuer.example';
    const started = performance.now();
    await a!.revokeSubject({ issuer, subject: 'u-fleet' });
    await vi.waitFor(
      () => expect(b!.isRevoked(token({ sub: 'u-fleet', iat: 1 }, issuer))).toBe(true),
      {
        timeout: 1000,
        interval: 2,
      },
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(b!.isRevoked(token({ sub: 'other', iat: 1 }, issuer))).toBe(false);
  });

  it('loads every live entry when it starts (resync)', async () => {
    const [writer] = fleetOf(1);
    await writer!.ready();
    const issuer = 'https://issuer.example';
    const expiresAt = Math.floor(Date.now() / 1000) + 3600;
    await Promise.all(
      Array.from({ length: 2500 }, (_, i) =>
        writer!.revokeToken({ issuer, tokenId: `t${i}`, expiresAt }),
      ),
    );
    const latecomer = createRedisRevocationStore({
      url: redis.url,
      keyPrefix: `fleet${namespace}:revoked:`,
      channel: `fleet${namespace}:revocations`,
    });
    stores.push(latecomer);
    await latecomer.ready();
    expect(latecomer.size).toBe(2500);
    expect(latecomer.isRevoked(token({ jti: 't2499' }, issuer))).toBe(true);
  });

  it('degrades, never drops, when another instance publishes more than its near-cache holds', async () => {
    const events: RedisRevocationEvent[] = [];
    const [big, small] = [
      ...fleetOf(1),
      createRedisRevocationStore({
        url: redis.url,
        keyPrefix: `fleet${namespace}:revoked:`,
        channel: `fleet${namespace}:revocations`,
        maxEntries: 2,
        onEvent: (event) => events.push(event),
      }),
    ];
    stores.push(small!);
    await Promise.all([big!.ready(), small!.ready()]);
    const issuer = 'https://issuer.example';
    const expiresAt = Math.floor(Date.now() / 1000) + 3600;
    for (const jti of ['o1', 'o2', 'o3'])
      await big!.revokeToken({ issuer, tokenId: jti, expiresAt });
    await vi.waitFor(() => expect(small!.state).toBe('degraded'));
    expect(events).toContainEqual({
      type: 'revocation-store-degraded',
      reason: 'overflow',
      failurePolicy: 'closed',
    });
    expect(() => small!.isRevoked(token({ jti: 'o1' }, issuer))).toThrow(/unavailable/);
  });
});

describe('when Redis fails', () => {
  let server: RedisServer;
  let idp: TestIssuer;

  beforeAll(async () => {
    [server, idp] = await Promise.all([startRedisServer(), createTestIssuer({ kind: 'cognito' })]);
  });
  afterAll(async () => {
    await Promise.all([server?.dispose(), idp?.close()]);
  });

  it('closed refuses (503), open answers from the near-cache, and both recover with nothing lost', async () => {
    const closedEvents: RedisRevocationEvent[] = [];
    const openEvents: RedisRevocationEvent[] = [];
    const [closed] = fleetOf(1, { graceMs: 300, onEvent: (e) => closedEvents.push(e) }, server);
    const shared = {
      keyPrefix: `fleet${namespace}:revoked:`,
      channel: `fleet${namespace}:revocations`,
    };
    const open = createRedisRevocationStore({
      url: server.url,
      ...shared,
      graceMs: 300,
      failurePolicy: 'open',
      onEvent: (e) => openEvents.push(e),
    });
    stores.push(open);
    await Promise.all([closed!.ready(), open.ready()]);
    const closedVerifier = verifierFor([idp], closed!);
    const openVerifier = verifierFor([idp], open);
    const [revokedEarlier, fine, revokedWhileDown] = await Promise.all([
      idp.accessToken({ sub: 'early' }),
      idp.accessToken({ sub: 'fine' }),
      idp.accessToken({ sub: 'down' }),
    ]);
    await closed!.revokeSubject({ issuer: idp.issuer, subject: 'early' });
    await vi.waitFor(async () =>
      expect(await outcome(openVerifier, revokedEarlier)).toBe('TOKEN_REVOKED'),
    );

    await server.stop();
    // Within the grace both still answer; beyond it the closed store refuses.
    expect(await outcome(closedVerifier, fine)).toBe('passed');
    await vi.waitFor(() => expect(closed!.state).toBe('degraded'), { timeout: 3000 });
    expect(await outcome(closedVerifier, fine)).toBe('REVOCATION_UNAVAILABLE');
    await vi.waitFor(() => expect(open.state).toBe('degraded'), { timeout: 3000 });
    expect(await outcome(openVerifier, fine)).toBe('passed');
    expect(await outcome(openVerifier, revokedEarlier)).toBe('TOKEN_REVOKED');
    expect(openEvents).toContainEqual({
      type: 'revocation-store-degraded',
      reason: 'unreachable',
      failurePolicy: 'open',
    });
    // A revocation while Redis is down: refused to the caller, honoured by this instance.
    await expect(open.revokeSubject({ issuer: idp.issuer, subject: 'down' })).rejects.toThrow(
      /not written to Redis/,
    );
    expect(await outcome(openVerifier, revokedWhileDown)).toBe('TOKEN_REVOKED');

    // Restarted with no persistence: empty. The instances write back what they hold.
    await server.start();
    await vi.waitFor(() => expect([closed!.state, open.state]).toEqual(['ready', 'ready']), {
      timeout: 8000,
      interval: 20,
    });
    expect(await outcome(closedVerifier, fine)).toBe('passed');
    expect(await outcome(closedVerifier, revokedEarlier)).toBe('TOKEN_REVOKED');
    await vi.waitFor(async () =>
      expect(await outcome(closedVerifier, revokedWhileDown)).toBe('TOKEN_REVOKED'),
    );
    expect(closedEvents.map((e) => e.type)).toContain('revocation-store-recovered');
    const synced = [...closedEvents, ...openEvents].filter(
      (e) => e.type === 'revocation-store-synced',
    );
    expect(synced.some((e) => e.type === 'revocation-store-synced' && e.republished > 0)).toBe(
      true,
    );
    const client = await rawClient(server);
    try {
      const keys = await client.keys(`${shared.keyPrefix}*`);
      expect(keys).toHaveLength(2);
    } finally {
      client.destroy();
    }
  });

  it('before its first sync: closed refuses, open answers with a warning; ready() waits', async () => {
    const port = server.port;
    await server.stop();
    try {
      const events: RedisRevocationEvent[] = [];
      const closed = newStore({ url: `redis://127.0.0.1:${port}`, graceMs: 100 });
      const open = newStore({
        url: `redis://127.0.0.1:${port}`,
        graceMs: 100,
        failurePolicy: 'open',
        onEvent: (e) => events.push(e),
      });
      const anyone = token({ sub: 'anyone', iat: 1 });
      expect(closed.state).toBe('starting');
      expect(() => closed.isRevoked(anyone)).toThrow(/unavailable/);
      expect(open.isRevoked(anyone)).toBe(false);
      await vi.waitFor(() =>
        expect(events.map((e) => e.type)).toContain('revocation-store-degraded'),
      );
      let ready = false;
      void open.ready().then(() => (ready = true));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(ready).toBe(false);
      await server.start();
      await Promise.all([closed.ready(), open.ready()]);
      expect(closed.isRevoked(anyone)).toBe(false);
    } finally {
      if (server.port === port) await server.start().catch(() => {});
    }
  });

  it('rejects ready() when closed first, and refuses everything once closed', async () => {
    const store = createRedisRevocationStore({ url: 'redis://127.0.0.1:1' });
    const ready = store.ready();
    await store.close();
    await expect(ready).rejects.toThrow(/closed/);
    expect(store.state).toBe('closed');
    expect(() => store.isRevoked(token({ sub: 'x' }))).toThrow(/closed/);
    await expect(
      store.revokeSubject({ issuer: 'https://issuer.example', subject: 'x' }),
    ).rejects.toThrow(/closed/);
  });
});
