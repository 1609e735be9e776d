// The adversarial catalogue against Express, Koa and Fastify over real HTTP on 127.0.0.1.
// Apps are built as in conformance.test.ts (same routes, realm and Cognito pool setup) plus the
// issuers an attacker plays against: a second pool sharing a kid, an ES256 OIDC issuer, an
// unconfigured pool, and a trap server that header URLs (jku, x5u) must never reach.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cognitoIssuer, oidcIssuer, type GateOptions } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppName, AttackContext, KeyFacts } from './adversarial-kit.js';
import { ADVERSARIAL_FAMILIES } from './adversarial-scenarios.js';
import { M2M_CLIENT, startApp, type AdapterName, type RunningApp } from './apps.js';
import { selfSignedCertificate } from './attack-x509.js';
import { sendRaw } from '../support/raw-http-client.js';
import { REALM } from './scenarios.js';

const ADAPTERS: readonly AdapterName[] = [
  'express',
  'koa',
  'fastify',
  'hono',
  'nestjs',
  'nestjs-fastify',
];

const issuers: TestIssuer[] = [];
const apps = new Map<`${AdapterName}:${AppName}`, RunningApp>();
let trap: Server | undefined;
let trapHits = 0;
let ctx: AttackContext;

function keyOf(issuer: TestIssuer, kid: string): KeyFacts {
  const key = issuer.keys().find((candidate) => candidate.kid === kid);
  if (key === undefined) throw new Error(`no key ${kid}`);
  return { kid, privateKey: key.privateKey, publicKey: key.publicKey, jwk: key.publicJwk };
}

function attackerKey(kid: string, pair: { privateKey: KeyObject; publicKey: KeyObject }): KeyFacts {
  const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid, use: 'sig' };
  return { kid, ...pair, jwk };
}

async function startTrap(serve: (path: string) => string): Promise<string> {
  trap = createServer((req, res) => {
    trapHits += 1;
    res.end(serve(req.url ?? '/'));
  });
  await new Promise<void>((resolve) => trap?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const pool = await createTestIssuer({ kind: 'cognito' });
  const poolB = await createTestIssuer({
    kind: 'cognito',
    userPoolId: 'us-east-1_PoolBee',
    clientId: 'pool-b-client',
  });
  const ec = await createTestIssuer({ alg: 'ES256' });
  const stranger = await createTestIssuer({ kind: 'cognito', userPoolId: 'eu-west-1_Stranger' });
  const down = await createTestIssuer({ kind: 'cognito', userPoolId: 'us-east-1_Unreachable' });
  issuers.push(pool, poolB, ec, stranger, down);
  // Published before any app starts, so every JWKS the verifiers fetch is already complete.
  const secondKid = await pool.addKey({ kid: 'second-key' });
  const weakKid = await pool.addKey({ kid: 'weak-1024', rsaModulusLength: 1024 });
  const encKid = await pool.addKey({ kid: 'enc-key', use: 'enc' });
  const sharedKid = await poolB.addKey({ kid: pool.currentKid });
  const ecRsaKid = await ec.addKey({ alg: 'RS256', kid: 'oidc-rsa-key' });

  const attackerRsa = attackerKey(
    'attacker-key',
    generateKeyPairSync('rsa', { modulusLength: 2048 }),
  );
  const attackerEc = attackerKey(
    'attacker-ec-key',
    generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  );
  const certificate = selfSignedCertificate(
    attackerRsa.privateKey,
    attackerRsa.publicKey,
    'attacker',
  );
  const trapOrigin = await startTrap((path) =>
    path === '/cert.pem'
      ? `-----BEGIN CERTIFICATE-----\n${certificate.toString('base64')}\n-----END CERTIFICATE-----\n`
      : JSON.stringify({ keys: [attackerRsa.jwk, attackerEc.jwk] }),
  );

  ctx = {
    pool: {
      issuer: pool.issuer,
      clientId: pool.clientId,
      key: keyOf(pool, pool.currentKid),
      second: keyOf(pool, secondKid),
      weak: keyOf(pool, weakKid),
      enc: keyOf(pool, encKid),
    },
    poolB: {
      issuer: poolB.issuer,
      clientId: poolB.clientId,
      key: keyOf(poolB, poolB.currentKid),
      sharedKid: keyOf(poolB, sharedKid),
    },
    ec: {
      issuer: ec.issuer,
      clientId: ec.clientId,
      audience: ec.audience,
      key: keyOf(ec, ec.currentKid),
      rsa: keyOf(ec, ecRsaKid),
    },
    down: { issuer: down.issuer, clientId: down.clientId, key: keyOf(down, down.currentKid) },
    stranger: {
      issuer: stranger.issuer,
      clientId: stranger.clientId,
      key: keyOf(stranger, stranger.currentKid),
    },
    attacker: { rsa: attackerRsa, ec: attackerEc, certificate },
    trap: { jwksUrl: `${trapOrigin}/jwks.json`, certificateUrl: `${trapOrigin}/cert.pem` },
  };

  // As in conformance.test.ts: the pool with its app, M2M and service clients, realm, 8 KiB cap.
  const poolIssuer = cognitoIssuer({
    userPoolId: pool.userPoolId ?? '',
    clientId: [pool.clientId, M2M_CLIENT, 'other-service'],
    issuerOverride: pool.issuer,
  });
  const main: GateOptions = {
    realm: REALM,
    maxTokenBytes: 8192,
    issuers: [
      poolIssuer,
      cognitoIssuer({
        userPoolId: poolB.userPoolId ?? '',
        clientId: poolB.clientId,
        issuerOverride: poolB.issuer,
      }),
      oidcIssuer({ issuer: ec.issuer, audience: ec.audience, jwksUri: ec.jwksUri }),
      cognitoIssuer({
        userPoolId: down.userPoolId ?? '',
        clientId: down.clientId,
        issuerOverride: down.issuer,
      }),
    ],
  };
  await down.outage('refuse');
  // The same pool for an API that takes ID tokens; the default 16 KiB cap.
  const id: GateOptions = {
    realm: REALM,
    maxTokenBytes: 16_384,
    issuers: [
      cognitoIssuer({
        userPoolId: pool.userPoolId ?? '',
        clientId: pool.clientId,
        issuerOverride: pool.issuer,
        tokenUse: 'id',
      }),
    ],
  };
  for (const adapter of ADAPTERS) {
    apps.set(`${adapter}:main`, await startApp(adapter, main));
    apps.set(`${adapter}:id`, await startApp(adapter, id));
  }
});

afterAll(async () => {
  await Promise.all([...apps.values()].map((app) => app.close()));
  await Promise.all(issuers.map((issuer) => issuer.close()));
  await new Promise<void>((resolve) =>
    trap === undefined ? resolve() : trap.close(() => resolve()),
  );
});

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

describe.each(ADAPTERS)('%s', (adapter) => {
  describe.each(Object.entries(ADVERSARIAL_FAMILIES))('%s', (_family, scenarios) => {
    it.each(scenarios)('$name', async ({ app = 'main', request, expected }) => {
      const running = apps.get(`${adapter}:${app}`);
      if (running === undefined) throw new Error(`${adapter}:${app} did not start`);
      // A hang fails here: sendRaw destroys the socket after 10 s.
      const response = await sendRaw(running.port, request(ctx));
      const seen = {
        status: response.status,
        challenge: response.headers['www-authenticate'] ?? null,
        body: parseBody(response.body),
      };
      // Never a crash (5xx only where the IdP is down), and never let a hostile request through.
      if (expected.status < 500) {
        expect(response.status, `5xx: ${JSON.stringify(seen)}`).toBeLessThan(500);
      }
      if (expected.status >= 300) {
        expect(
          response.status >= 200 && response.status < 300,
          `let through: ${JSON.stringify(seen)}`,
        ).toBe(false);
      }
      expect(seen).toEqual({
        status: expected.status,
        challenge: expected.challenge,
        body: expected.body,
      });
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      for (const [name, value] of Object.entries(expected.headers ?? {})) {
        expect(response.headers[name]).toBe(value);
      }
    });
  });
});

describe('side channels', () => {
  it('never fetched a URL named by a token header (jku, x5u)', () => {
    expect(trapHits).toBe(0);
  });

  it('lists unique scenario names', () => {
    const names = Object.values(ADVERSARIAL_FAMILIES).flatMap((family) =>
      family.map((s) => s.name),
    );
    expect(names.length - new Set(names).size).toBe(0);
  });
});
