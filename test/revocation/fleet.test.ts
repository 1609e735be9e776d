// Logout that takes effect across a fleet: Express instances (real processes importing the
// built packages) share one real `redis-server`. A revocation through instance A's admin
// route must be refused by instance B within a second; a Redis outage must answer 503 under
// the closed policy and keep serving under the open one; a Redis restart without persistence
// must lose no revocation (the instances write back their near-caches).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startInstance, stopAllInstances, type FleetInstance } from './fleet-process.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SYNCED = /event \{"type":"revocation-store-synced"/;
const PROPAGATION_BUDGET_MS = 1000;

let redis: RedisServer;
let idp: TestIssuer;
let a: FleetInstance;
let b: FleetInstance;
let open: FleetInstance;
let adminToken: string;

function instance(failurePolicy: 'closed' | 'open'): Promise<FleetInstance> {
  return startInstance({
    PORT: '0',
    REDIS_URL: redis.url,
    ISSUER: idp.issuer,
    JWKS_URI: idp.jwksUri,
    CLIENT_ID: `${idp.clientId},rotated-client`,
    FAILURE_POLICY: failurePolicy,
  });
}

async function call(
  server: FleetInstance,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; code: string | null }> {
  const response = await fetch(server.url + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  await response.arrayBuffer();
  return { status: response.status, code: response.headers.get('x-tokengate-code') };
}

const me = (server: FleetInstance, token: string) => call(server, '/me', token);
const revoke = (server: FleetInstance, body: unknown) =>
  call(server, '/admin/revocations', adminToken, body);

/** Milliseconds from `since` until B refuses `token` as revoked; fails past the budget. */
async function refusedWithin(server: FleetInstance, token: string, since: number): Promise<number> {
  for (;;) {
    const { status, code } = await me(server, token);
    const elapsed = performance.now() - since;
    if (status === 401 && code === 'TOKEN_REVOKED') return elapsed;
    expect(status, 'still accepted').toBe(200);
    if (elapsed > PROPAGATION_BUDGET_MS) return elapsed;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

beforeAll(async () => {
  // The servers import `dist`, as users do. `pnpm install` builds it; build it if it is missing.
  if (!existsSync(`${ROOT}packages/redis/dist/index.mjs`)) {
    execFileSync('pnpm', ['--filter', '@tokengate/redis', 'build'], { cwd: ROOT, stdio: 'ignore' });
  }
  [redis, idp] = await Promise.all([startRedisServer(), createTestIssuer({ kind: 'cognito' })]);
  [a, b, open] = await Promise.all([instance('closed'), instance('closed'), instance('open')]);
  await Promise.all([a, b, open].map((server) => server.waitForOutput(SYNCED)));
  adminToken = await idp.accessToken({ sub: 'admin-1', groups: ['admin'] });
}, 60_000);

afterAll(async () => {
  await stopAllInstances();
  await Promise.all([redis?.dispose(), idp?.close()]);
});

describe('the recipe', () => {
  it('is the code the fleet server runs (docs/recipes/logout-and-revocation.md)', () => {
    const server = readFileSync(new URL('./fleet-server.mjs', import.meta.url), 'utf8');
    const region = /\/\/ #region revocation-routes\n([\s\S]*?)\/\/ #endregion/.exec(server)?.[1];
    const recipe = readFileSync(`${ROOT}docs/recipes/logout-and-revocation.md`, 'utf8');
    expect(region).toBeDefined();
    expect(recipe).toContain(region!.trim());
  });
});

describe('a fleet sharing one Redis', () => {
  it('refuses on B, within 1 s, a subject revoked through A', async () => {
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const token = await idp.accessToken({ sub: `user-${i}` });
      expect((await me(b, token)).status).toBe(200); // B has it in its verified-token cache
      const started = performance.now();
      expect((await revoke(a, { subject: `user-${i}` })).status).toBe(204);
      delays.push(await refusedWithin(b, token, started));
    }
    expect(Math.max(...delays)).toBeLessThan(PROPAGATION_BUDGET_MS);
  });

  it('refuses on B the whole family signed out through /logout on A, and no other session', async () => {
    const session = { sub: 'user-logout', claims: { origin_jti: 'family-logout' } };
    const [access, id, otherSession] = await Promise.all([
      idp.accessToken(session),
      idp.idToken(session),
      idp.accessToken({ sub: 'user-logout' }),
    ]);
    const started = performance.now();
    expect((await call(a, '/logout', access, {})).status).toBe(204);
    expect(await refusedWithin(b, access, started)).toBeLessThan(PROPAGATION_BUDGET_MS);
    expect(await me(b, id)).toEqual({ status: 401, code: 'TOKEN_REVOKED' });
    expect((await me(b, otherSession)).status).toBe(200);
  });

  it('revokes a rotated client and a single token id through the admin route', async () => {
    const [clientToken, jtiToken, bystander] = await Promise.all([
      idp.accessToken({ clientId: 'rotated-client' }),
      idp.accessToken({ claims: { jti: 'one-jti' } }),
      idp.accessToken(),
    ]);
    const started = performance.now();
    expect((await revoke(a, { clientId: 'rotated-client' })).status).toBe(204);
    expect((await revoke(a, { tokenId: 'one-jti' })).status).toBe(204);
    expect(await refusedWithin(b, clientToken, started)).toBeLessThan(PROPAGATION_BUDGET_MS);
    expect(await refusedWithin(b, jtiToken, started)).toBeLessThan(PROPAGATION_BUDGET_MS);
    expect((await me(b, bystander)).status).toBe(200);
  });

  it('keeps the admin route to admins and well-formed requests', async () => {
    const user = await idp.accessToken({ sub: 'not-admin' });
    expect((await call(a, '/admin/revocations', user, { subject: 'x' })).status).toBe(403);
    expect((await revoke(a, { subject: 42 })).status).toBe(400);
  });
});

describe('when Redis stops and comes back empty', () => {
  let fine: string;
  let revokedBefore: string;
  let revokedDuring: string;

  beforeAll(async () => {
    [fine, revokedBefore, revokedDuring] = await Promise.all([
      idp.accessToken({ sub: 'user-fine' }),
      idp.accessToken({ sub: 'user-before' }),
      idp.accessToken({ sub: 'user-during' }),
    ]);
    expect((await revoke(a, { subject: 'user-before' })).status).toBe(204);
    await vi.waitFor(async () => expect((await me(open, revokedBefore)).status).toBe(401));
  });

  it('answers 503 on a closed-policy instance; an open-policy one keeps serving and warns', async () => {
    await redis.stop();
    await vi.waitFor(
      async () =>
        expect(await me(b, fine)).toEqual({ status: 503, code: 'REVOCATION_UNAVAILABLE' }),
      {
        timeout: 5000,
        interval: 50,
      },
    );
    await open.waitForOutput(
      /event \{"type":"revocation-store-degraded","reason":"unreachable","failurePolicy":"open"\}/,
    );
    expect((await me(open, fine)).status).toBe(200);
    expect(await me(open, revokedBefore)).toEqual({ status: 401, code: 'TOKEN_REVOKED' });
    // The closed-policy instance cannot even authenticate the admin now.
    expect(await revoke(a, { subject: 'user-during' })).toEqual({
      status: 503,
      code: 'REVOCATION_UNAVAILABLE',
    });
    // The open one can, but Redis does not take the write: it says so, and honours it itself.
    expect(await revoke(open, { subject: 'user-during' })).toEqual({ status: 503, code: null });
    expect(await me(open, revokedDuring)).toEqual({ status: 401, code: 'TOKEN_REVOKED' });
  });

  it('recovers after a restart with no persistence, with no revocation lost', async () => {
    await redis.start(); // same port, empty: `--save '' --appendonly no`
    const state = async (server: FleetInstance) =>
      ((await (await fetch(`${server.url}/health/revocations`)).json()) as { state: string }).state;
    await vi.waitFor(
      async () =>
        expect(await Promise.all([a, b, open].map(state))).toEqual(['ready', 'ready', 'ready']),
      { timeout: 10_000, interval: 50 },
    );
    for (const server of [a, b, open]) {
      expect((await me(server, fine)).status).toBe(200);
      expect(await me(server, revokedBefore)).toEqual({ status: 401, code: 'TOKEN_REVOKED' });
      // Taken by the open instance while Redis was down, written back on reconnect, published.
      await vi.waitFor(
        async () =>
          expect(await me(server, revokedDuring)).toEqual({ status: 401, code: 'TOKEN_REVOKED' }),
        { timeout: 2000, interval: 20 },
      );
    }
    await b.waitForOutput(/event \{"type":"revocation-store-recovered"/);
    // A newcomer loads everything from Redis, which holds every entry again.
    const late = await instance('closed');
    await late.waitForOutput(SYNCED);
    expect(await me(late, revokedBefore)).toEqual({ status: 401, code: 'TOKEN_REVOKED' });
    expect(await me(late, revokedDuring)).toEqual({ status: 401, code: 'TOKEN_REVOKED' });
    expect((await me(late, fine)).status).toBe(200);
    const key = `tokengate:revoked:s\u0000${idp.issuer}\u0000user-during`;
    expect(await redis.command('EXISTS', key)).toBe(':1\r\n');
  });
});
