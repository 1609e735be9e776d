// A failing `onEvent` listener against a real `redis-server`: neither a throw nor an async
// listener's rejection may change what the stores answer, and a rejection must never reach
// Node's unhandled-rejection handling, which ends the process by default (Node ≥ 15).
// Also: the ms options Node's timers cannot honour are refused at creation.
import {
  createRedisDpopReplayStore,
  createRedisRevocationStore,
  type RedisDpopReplayStoreOptions,
  type RedisRevocationStoreOptions,
} from '@tokengate/redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';

let redis: RedisServer;
let namespace = 0;
const closers: (() => Promise<void>)[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeAll(async () => {
  redis = await startRedisServer();
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await redis?.dispose();
});

/** An async listener whose every call rejects, as when a metrics backend is down. */
function rejectingListener() {
  const types: string[] = [];
  const listener = async (event: { type: string }): Promise<void> => {
    types.push(event.type);
    throw new Error(`metrics down (${event.type})`);
  };
  return { types, listener };
}

/** Lets Node report any rejection left unhandled (it does so after the microtask queue drains). */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('an onEvent listener that fails', () => {
  it('changes nothing in the revocation store, and no rejection goes unhandled', async () => {
    const { types, listener } = rejectingListener();
    namespace += 1;
    const store = createRedisRevocationStore({
      url: redis.url,
      keyPrefix: `listener${namespace}:revoked:`,
      channel: `listener${namespace}:revocations`,
      onEvent: listener,
    });
    closers.push(() => store.close());
    await store.ready();
    const issuer = 'https://issuer.example';
    await store.revokeSubject({ issuer, subject: 'alice' });
    const token = {
      token: 'x',
      header: { alg: 'RS256' },
      claims: { iss: issuer, sub: 'alice', iat: Math.floor(Date.now() / 1000) - 5 },
      issuer,
      subject: 'alice',
    };
    expect(store.isRevoked(token as never)).toBe(true);
    expect(store.state).toBe('ready');
    await settle();
    expect(types).toContain('revocation-store-synced');
    expect(unhandled).toEqual([]);
  });

  it('changes nothing in the DPoP replay store, and no rejection goes unhandled', async () => {
    const { types, listener } = rejectingListener();
    namespace += 1;
    const store = createRedisDpopReplayStore({
      url: redis.url,
      keyPrefix: `listener${namespace}:dpop:`,
      maxPending: 1,
      onEvent: listener,
    });
    closers.push(() => store.close());
    const expiresAt = Date.now() + 60_000;
    // One command pending: the second call is refused (degraded), the first answers (recovered).
    const [first, second] = await Promise.allSettled([
      store.remember('proof-1', expiresAt),
      store.remember('proof-2', expiresAt),
    ]);
    expect(first).toEqual({ status: 'fulfilled', value: true });
    expect(second.status).toBe('rejected');
    await expect(store.remember('proof-1', expiresAt)).resolves.toBe(false);
    await settle();
    expect(types).toEqual(['dpop-replay-store-degraded', 'dpop-replay-store-recovered']);
    expect(unhandled).toEqual([]);
  });

  it('is ignored when it throws synchronously, too', async () => {
    let calls = 0;
    namespace += 1;
    const store = createRedisDpopReplayStore({
      url: redis.url,
      keyPrefix: `listener${namespace}:dpop:`,
      maxPending: 1,
      onEvent: () => {
        calls += 1;
        throw new Error('listener bug');
      },
    });
    closers.push(() => store.close());
    const expiresAt = Date.now() + 60_000;
    const results = await Promise.allSettled([
      store.remember('proof-1', expiresAt),
      store.remember('proof-2', expiresAt),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
    expect(calls).toBe(2);
  });
});

describe('ms options beyond what a Node timer can wait', () => {
  // Node turns a delay above 2^31 - 1 ms into 1 ms: a grace of 25 days would become none.
  it.each([2 ** 31, 2 ** 40, Number.MAX_SAFE_INTEGER])(
    'refuses graceMs %d with a TypeError naming it',
    (graceMs) => {
      const create = () =>
        createRedisRevocationStore({ url: 'redis://x', graceMs } as RedisRevocationStoreOptions);
      expect(create).toThrow(TypeError);
      expect(create).toThrow(/^graceMs must be an integer from 0 to 2147483647$/);
    },
  );

  it('accepts graceMs 2^31 - 1, the longest a timer waits', async () => {
    namespace += 1;
    const store = createRedisRevocationStore({
      url: redis.url,
      keyPrefix: `listener${namespace}:revoked:`,
      channel: `listener${namespace}:revocations`,
      graceMs: 2 ** 31 - 1,
    });
    closers.push(() => store.close());
    await store.ready();
    expect(store.state).toBe('ready');
  });

  it('refuses a commandTimeoutMs beyond its own cap, naming it', () => {
    const create = () =>
      createRedisDpopReplayStore({
        url: 'redis://x',
        commandTimeoutMs: 2 ** 31,
      } as RedisDpopReplayStoreOptions);
    expect(create).toThrow(TypeError);
    expect(create).toThrow(/^commandTimeoutMs must be/);
  });
});
