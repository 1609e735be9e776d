// Every scenario runs against Express, Koa and Fastify over real HTTP on 127.0.0.1 with the
// local issuer: a behaviour difference between adapters is a failing test.
import { cognitoIssuer, type GateOptions } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { M2M_CLIENT, startApp, type AdapterName, type RunningApp } from './apps.js';
import { sendRaw } from '../support/raw-http-client.js';
import { ADMIN_SUB, REALM, SCENARIOS, USER_SUB, type Tokens } from './scenarios.js';

const ADAPTERS: readonly AdapterName[] = [
  'express',
  'koa',
  'fastify',
  'hono',
  'nestjs',
  'nestjs-fastify',
];

let pool: TestIssuer;
let downPool: TestIssuer;
let tokens: Tokens;
const apps = new Map<AdapterName, RunningApp>();

beforeAll(async () => {
  pool = await createTestIssuer({ kind: 'cognito' });
  downPool = await createTestIssuer({ kind: 'cognito', userPoolId: 'us-east-1_Unreachable' });
  const stranger = await createTestIssuer({ kind: 'cognito' });
  const user = { sub: USER_SUB, groups: ['users'], scopes: ['orders:read'] };
  tokens = {
    user: await pool.accessToken(user),
    admin: await pool.accessToken({
      sub: ADMIN_SUB,
      groups: ['admin'],
      scopes: ['orders:read', 'orders:write'],
    }),
    expired: await pool.accessToken({ ...user, expiresIn: -600 }),
    idToken: await pool.idToken({ sub: USER_SUB, groups: ['users'] }),
    otherClient: await pool.accessToken({ ...user, clientId: 'someone-else' }),
    forged: await stranger.accessToken({
      ...user,
      claims: { iss: pool.issuer },
      header: { kid: pool.currentKid },
    }),
    tenantAcme: await pool.accessToken({ ...user, claims: { 'custom:tenant': 'acme' } }),
    tenantAcmeSuspended: await pool.accessToken({
      ...user,
      groups: ['suspended'],
      claims: { 'custom:tenant': 'acme' },
    }),
    tenantNumeric: await pool.accessToken({ ...user, claims: { 'custom:tenant': 1 } }),
    reportsScope: await pool.accessToken({ ...user, scopes: ['reports:read'] }),
    m2m: await pool.m2mToken({ clientId: M2M_CLIENT, scopes: ['orders-api/orders.read'] }),
    m2mOtherClient: await pool.m2mToken({
      clientId: 'other-service',
      scopes: ['orders-api/orders.read'],
    }),
    freshSignIn: await pool.accessToken({
      ...user,
      claims: { auth_time: Math.floor(Date.now() / 1000) },
    }),
    staleSignIn: await pool.accessToken({
      ...user,
      claims: { auth_time: Math.floor(Date.now() / 1000) - 3600 },
    }),
    // An undefined claim is left out of the payload (JSON).
    noSignInTime: await pool.accessToken({ ...user, claims: { auth_time: undefined } }),
    unreachableIssuer: await downPool.accessToken(user),
  };
  await stranger.close();
  await downPool.outage('refuse');

  const options: GateOptions = {
    realm: REALM,
    maxTokenBytes: 8192,
    issuers: [
      cognitoIssuer({
        userPoolId: pool.userPoolId ?? '',
        clientId: [pool.clientId, M2M_CLIENT, 'other-service'],
        issuerOverride: pool.issuer,
      }),
      cognitoIssuer({
        userPoolId: downPool.userPoolId ?? '',
        clientId: downPool.clientId,
        issuerOverride: downPool.issuer,
      }),
    ],
  };
  for (const adapter of ADAPTERS) apps.set(adapter, await startApp(adapter, options));
});

afterAll(async () => {
  await Promise.all([...apps.values()].map((app) => app.close()));
  await Promise.all([pool?.close(), downPool?.close()]);
});

describe.each(ADAPTERS)('%s', (adapter) => {
  it.each(SCENARIOS)('$name', async ({ request, expected }) => {
    const app = apps.get(adapter);
    if (app === undefined) throw new Error(`${adapter} did not start`);
    const response = await sendRaw(app.port, request(tokens));
    expect({
      status: response.status,
      challenge: response.headers['www-authenticate'] ?? null,
      body: JSON.parse(response.body) as unknown,
    }).toEqual({ status: expected.status, challenge: expected.challenge, body: expected.body });
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    for (const [name, value] of Object.entries(expected.headers ?? {}))
      expect(response.headers[name]).toBe(value);
  });
});
