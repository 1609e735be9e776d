// RFC 9728 protected-resource metadata, served by every adapter the same way: one table of
// requests, run against Express, Koa, Fastify, Hono and NestJS (Express and Fastify) over real
// HTTP on 127.0.0.1, with metadata on, on behind a fixed `publicOrigin`, and off.
import { connect } from 'node:net';
import { cognitoIssuer, type GateOptions } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AdapterName, type RunningApp } from './apps.js';
import { sendRaw, type RawRequest, type RawResponse } from '../support/raw-http-client.js';
import { parseResponse } from '../support/http-response.js';
import { REALM, USER_SUB } from './scenarios.js';

const ADAPTERS: readonly AdapterName[] = [
  'express',
  'koa',
  'fastify',
  'hono',
  'nestjs',
  'nestjs-fastify',
];
const WELL_KNOWN = '/.well-known/oauth-protected-resource';
const PUBLIC_ORIGIN = 'https://api.example.com';

type Setup = 'metadata' | 'publicOrigin' | 'off';
const SETUPS: Readonly<Record<Setup, Partial<GateOptions>>> = {
  metadata: { resourceMetadata: true },
  publicOrigin: { resourceMetadata: true, publicOrigin: PUBLIC_ORIGIN },
  off: {},
};

let pool: TestIssuer;
let userToken: string;
let expiredToken: string;
const apps = new Map<string, RunningApp>();

beforeAll(async () => {
  pool = await createTestIssuer({ kind: 'cognito' });
  const user = { sub: USER_SUB, groups: ['users'], scopes: ['orders:read'] };
  userToken = await pool.accessToken(user);
  expiredToken = await pool.accessToken({ ...user, expiresIn: -600 });
  const base = {
    realm: REALM,
    issuers: [
      cognitoIssuer({
        userPoolId: pool.userPoolId ?? '',
        clientId: pool.clientId,
        issuerOverride: pool.issuer,
      }),
    ],
  };
  await Promise.all(
    (Object.keys(SETUPS) as Setup[]).flatMap((setup) =>
      ADAPTERS.map(async (adapter) => {
        const options = { ...base, ...SETUPS[setup] } as GateOptions;
        apps.set(`${setup}:${adapter}`, await startApp(adapter, options));
      }),
    ),
  );
}, 30_000);

afterAll(async () => {
  await Promise.all([...apps.values()].map((app) => app.close()));
  await pool?.close();
});

function appFor(setup: Setup, adapter: AdapterName): RunningApp {
  const app = apps.get(`${setup}:${adapter}`);
  if (app === undefined) throw new Error(`${setup}:${adapter} did not start`);
  return app;
}

const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];

function json(response: RawResponse): Record<string, unknown> {
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  return JSON.parse(response.body) as Record<string, unknown>;
}

/** Every `resource_metadata` of a challenge, and the number of challenges (Bearer, DPoP). */
function challengeParts(challenge: string | undefined) {
  const value = challenge ?? '';
  return {
    schemes: (value.match(/(?:^|, )(?:Bearer|DPoP)(?= |$)/g) ?? []).length,
    urls: [...value.matchAll(/resource_metadata="([^"]*)"/g)].map((match) => match[1]),
    algs: /DPoP [^]*?algs="([^"]*)"/.exec(value)?.[1],
  };
}

/** What no metadata request may get back: a document (for any resource) or a server error. */
function expectNoDocument(response: RawResponse): void {
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  expect(response.body).not.toMatch(/"resource"|authorization_servers/);
}

/** Sends one request with exactly these header lines (no Host added), for Host tests. */
function sendExact(port: number, lines: readonly string[]): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('response timed out')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const { status, headers, body } = parseResponse(Buffer.concat(chunks));
      if (status === undefined) reject(new Error('incomplete response'));
      else resolve({ status, headers, body });
    });
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

// Targets that must never be answered with a document: a longer name, dot segments (plain and
// percent-encoded), empty segments, a trailing slash, an encoded slash, another case, a
// backslash and a fragment (RFC 9728 §3.1; see core metadata-path.ts).
const HOSTILE_TARGETS = [
  `${WELL_KNOWN}X`,
  `${WELL_KNOWN}-x`,
  `${WELL_KNOWN}/../me`,
  `${WELL_KNOWN}/./orders`,
  `${WELL_KNOWN}/x/../orders`,
  `/x/..${WELL_KNOWN}`,
  `${WELL_KNOWN}/%2e%2e/me`,
  `${WELL_KNOWN}/%2E%2E/admin`,
  `${WELL_KNOWN}/orders/%2e%2e`,
  `${WELL_KNOWN}//orders`,
  `/${WELL_KNOWN}`,
  `${WELL_KNOWN}/`,
  `${WELL_KNOWN}/orders%2fadmin`,
  '/.well-known/OAUTH-PROTECTED-RESOURCE',
  `${WELL_KNOWN}/orders\\..\\me`,
  `${WELL_KNOWN}/orders#x`,
];

describe.each(ADAPTERS)('%s', (adapter) => {
  describe('metadata on', () => {
    const app = () => appFor('metadata', adapter);
    const origin = () => `http://127.0.0.1:${app().port}`;
    const get = (request: RawRequest) => sendRaw(app().port, request);

    it('GET the well-known path: the document of the request origin (RFC 9728 §2, §3)', async () => {
      const response = await get({ path: WELL_KNOWN });
      expect(response.status).toBe(200);
      const document = json(response);
      expect(document).toMatchObject({
        resource: origin(),
        authorization_servers: [pool.issuer],
        // startApp allows body tokens on every app (RFC 6750 §2.1, §2.2).
        bearer_methods_supported: ['header', 'body'],
      });
      // DPoP is 'allowed' by default: its algorithms, the very ones the challenges offer.
      const algs = document.dpop_signing_alg_values_supported;
      expect(Array.isArray(algs) && algs.length > 0).toBe(true);
      expect(algs).not.toContain('none');
      expect((algs as string[]).some((alg) => alg.startsWith('HS'))).toBe(false);
      const challenge = (await get({ path: '/me' })).headers['www-authenticate'];
      expect(challengeParts(challenge).algs).toBe((algs as string[]).join(' '));
      expect(document).not.toHaveProperty('dpop_bound_access_tokens_required');
      expect(document).not.toHaveProperty('tls_client_certificate_bound_access_tokens');
    });

    it('ignores the query of the well-known path', async () => {
      const response = await get({ path: `${WELL_KNOWN}?x=1` });
      expect(response.status).toBe(200);
      expect(json(response).resource).toBe(origin());
    });

    it('path-suffixed form: the document of origin + path (RFC 9728 §3.1)', async () => {
      for (const path of ['/orders', '/api/v1/orders', '/mcp/']) {
        const response = await get({ path: `${WELL_KNOWN}${path}` });
        expect(response.status, path).toBe(200);
        expect(json(response).resource).toBe(`${origin()}${path}`);
      }
    });

    it('HEAD: the headers of GET, no body', async () => {
      const full = await get({ path: WELL_KNOWN });
      const response = await get({ method: 'HEAD', path: WELL_KNOWN });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toBe('');
      const length = response.headers['content-length'];
      if (length !== undefined) expect(Number(length)).toBe(Buffer.byteLength(full.body));
    });

    it('is public: a missing, garbage or expired token changes nothing', async () => {
      for (const headers of [[], [bearer('garbage')], [bearer(expiredToken)]]) {
        const response = await get({ path: WELL_KNOWN, headers });
        expect(response.status).toBe(200);
        expect(response.headers['www-authenticate']).toBeUndefined();
        expect(json(response).resource).toBe(origin());
      }
    });

    it('other methods are not served by it', async () => {
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const response = await get({ method, path: WELL_KNOWN });
        expect(response.status, method).toBe(404);
        expect(response.body).not.toMatch(/authorization_servers/);
      }
    });

    it.each(HOSTILE_TARGETS)('no document for %s', async (path) => {
      expectNoDocument(await get({ path }));
    });

    it('no document for a Host that is not an https (or loopback) origin', async () => {
      const response = await sendExact(app().port, [
        `GET ${WELL_KNOWN} HTTP/1.1`,
        'Host: evil.example',
        'Connection: close',
      ]);
      expectNoDocument(response);
    });

    it('401 challenges name the document (RFC 9728 §5.1)', async () => {
      const url = `${origin()}${WELL_KNOWN}`;
      for (const headers of [[], [bearer('garbage')], [bearer(expiredToken)]]) {
        const response = await get({ path: '/me', headers });
        expect(response.status).toBe(401);
        const parts = challengeParts(response.headers['www-authenticate']);
        expect(parts.schemes).toBeGreaterThan(0);
        expect(parts.urls).toEqual(Array(parts.schemes).fill(url));
      }
    });

    it('without a Host to name the document, a DPoP request keeps its error in the DPoP challenge', async () => {
      // RFC 9449 §7.1: the error goes into the challenge of the scheme the client used; an
      // HTTP/1.0 request without Host has no origin to build `resource_metadata` from.
      const response = await sendExact(app().port, [
        'GET /me HTTP/1.0',
        'Authorization: DPoP x.y.z',
        'Connection: close',
      ]);
      if (adapter === 'hono') {
        // @hono/node-server cannot build the Fetch Request's URL without a Host: it answers
        // 400 itself, before any middleware runs.
        expect(response.status).toBe(400);
        return;
      }
      expect(response.status).toBe(401);
      const challenge = response.headers['www-authenticate'] ?? '';
      expect(challenge).toMatch(/^Bearer realm="[^"]*", DPoP realm="[^"]*", error="invalid_token"/);
      expect(challenge).not.toMatch(/^Bearer [^,]*, error=/);
    });

    it('403 challenges from authorize name the document too', async () => {
      const response = await get({ path: '/admin', headers: [bearer(userToken)] });
      expect(response.status).toBe(403);
      const parts = challengeParts(response.headers['www-authenticate']);
      expect(parts.schemes).toBeGreaterThan(0);
      expect(parts.urls).toEqual(Array(parts.schemes).fill(`${origin()}${WELL_KNOWN}`));
    });

    it('protected routes still need a token', async () => {
      expect((await get({ path: '/me' })).status).toBe(401);
      const response = await get({ path: '/me', headers: [bearer(userToken)] });
      expect(response.status).toBe(200);
      expect(json(response)).toEqual({ route: '/me', sub: USER_SUB });
    });
  });

  describe('metadata on, publicOrigin set', () => {
    const get = (request: RawRequest) => sendRaw(appFor('publicOrigin', adapter).port, request);

    it('the document names the public origin, whatever the Host', async () => {
      const response = await get({ path: WELL_KNOWN });
      expect(response.status).toBe(200);
      expect(json(response)).toMatchObject({
        resource: PUBLIC_ORIGIN,
        authorization_servers: [pool.issuer],
      });
      const suffixed = await get({ path: `${WELL_KNOWN}/orders` });
      expect(json(suffixed).resource).toBe(`${PUBLIC_ORIGIN}/orders`);
      const spoofed = await sendExact(appFor('publicOrigin', adapter).port, [
        `GET ${WELL_KNOWN} HTTP/1.1`,
        'Host: evil.example',
        'Connection: close',
      ]);
      expect(spoofed.status).toBe(200);
      expect(json(spoofed).resource).toBe(PUBLIC_ORIGIN);
    });

    it('challenges name the public origin’s document', async () => {
      const url = `${PUBLIC_ORIGIN}${WELL_KNOWN}`;
      for (const response of [
        await get({ path: '/me' }),
        await get({ path: '/admin', headers: [bearer(userToken)] }),
      ]) {
        expect([401, 403]).toContain(response.status);
        const parts = challengeParts(response.headers['www-authenticate']);
        expect(parts.schemes).toBeGreaterThan(0);
        expect(parts.urls).toEqual(Array(parts.schemes).fill(url));
      }
    });
  });

  describe('metadata off', () => {
    const get = (request: RawRequest) => sendRaw(appFor('off', adapter).port, request);

    it('serves no document', async () => {
      for (const path of [WELL_KNOWN, `${WELL_KNOWN}/orders`]) {
        for (const method of ['GET', 'HEAD']) {
          const response = await get({ method, path });
          expect(response.status, `${method} ${path}`).toBe(404);
          expect(response.body).not.toMatch(/authorization_servers/);
        }
      }
    });

    it('challenges carry no resource_metadata', async () => {
      for (const response of [
        await get({ path: '/me' }),
        await get({ path: '/admin', headers: [bearer(userToken)] }),
      ]) {
        expect([401, 403]).toContain(response.status);
        expect(response.headers['www-authenticate']).toMatch(/^Bearer /);
        expect(response.headers['www-authenticate']).not.toContain('resource_metadata');
      }
    });
  });
});
