// HTTP/2 (h2c on 127.0.0.1, Node's compatibility API) in front of the adapters that run on it:
// the request's origin comes from `:authority` (RFC 9113 §8.3.1), which HTTP/2 sends instead of
// `Host`, so DPoP proofs are checked against it and the RFC 9728 document is served from it.
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { oidcIssuer, type GateOptions } from '@tokengate/core';
import * as tgFastify from '@tokengate/fastify';
import * as tgHono from '@tokengate/hono';
import * as tgKoa from '@tokengate/koa';
import { createDpopKey, createTestIssuer, type DpopKey, type TestIssuer } from '@tokengate/testing';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

interface H2App {
  readonly port: number;
  close(): Promise<void>;
}

let idp: TestIssuer;
let key: DpopKey;
let options: GateOptions;

beforeAll(async () => {
  [idp, key] = await Promise.all([createTestIssuer(), createDpopKey()]);
  options = {
    issuers: [oidcIssuer({ issuer: idp.issuer, audience: idp.audience, jwksUri: idp.jwksUri })],
    realm: 'api',
    resourceMetadata: true,
  };
});
afterAll(() => idp.close());

async function listen(server: http2.Http2Server): Promise<H2App> {
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

const APPS: Record<'koa' | 'fastify' | 'hono', () => Promise<H2App>> = {
  async koa() {
    const app = new Koa();
    app.silent = true;
    const auth = tgKoa.authenticate(options);
    app.use(tgKoa.resourceMetadata(auth));
    app.use(auth);
    app.use((ctx) => {
      ctx.body = { sub: ctx.state.auth?.subject ?? null };
    });
    const running = await listen(http2.createServer(app.callback()));
    return { port: running.port, close: async () => (await running.close(), auth.close()) };
  },
  async fastify() {
    const app = Fastify({ http2: true });
    await app.register(tgFastify.tokengate, options);
    app.get('/me', { config: { auth: true } }, async (request) => ({ sub: request.auth?.subject }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
  },
  async hono() {
    const app = new Hono();
    const auth = tgHono.authenticate(options);
    app.use(tgHono.resourceMetadata(auth));
    app.get('/me', auth, (c) => c.json({ sub: c.get('auth')?.subject ?? null }));
    const running = await listen(http2.createServer(getRequestListener(app.fetch)));
    return { port: running.port, close: async () => (await running.close(), auth.close()) };
  },
};

interface H2Answer {
  readonly status: number;
  readonly challenge: string | undefined;
  readonly body: string;
}

function h2(port: number, path: string, headers: http2.OutgoingHttpHeaders): Promise<H2Answer> {
  return new Promise((resolve, reject) => {
    const client = http2.connect(`http://127.0.0.1:${port}`);
    client.on('error', reject);
    const stream = client.request({ ':method': 'GET', ':path': path, ...headers });
    let status = 0;
    let challenge: string | undefined;
    let body = '';
    stream.on('response', (head: http2.IncomingHttpHeaders & http2.IncomingHttpStatusHeader) => {
      status = Number(head[':status']);
      const value = head['www-authenticate'];
      challenge = Array.isArray(value) ? value.join(', ') : value;
    });
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (body += chunk));
    stream.on('end', () => {
      client.close();
      resolve({ status, challenge, body });
    });
    stream.on('error', reject);
    stream.end();
  });
}

describe.each(Object.keys(APPS) as (keyof typeof APPS)[])('%s over h2c', (name) => {
  let app: H2App;
  let origin: string;
  beforeAll(async () => {
    app = await APPS[name]();
    origin = `http://127.0.0.1:${app.port}`;
  });
  afterAll(() => app.close());

  it('a bearer token', async () => {
    const token = await idp.accessToken();
    const answer = await h2(app.port, '/me', { authorization: `Bearer ${token}` });
    expect(answer.status).toBe(200);
  });

  it('a DPoP token with its proof for the :authority origin (RFC 9449 §4.3)', async () => {
    const token = await idp.accessToken({ dpop: key });
    const proof = await key.proof({ method: 'GET', url: `${origin}/me`, accessToken: token });
    const answer = await h2(app.port, '/me', { authorization: `DPoP ${token}`, dpop: proof });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ sub: expect.any(String) });
  });

  it('a proof for another origin is refused', async () => {
    const token = await idp.accessToken({ dpop: key });
    const proof = await key.proof({
      method: 'GET',
      url: 'http://evil.example/me',
      accessToken: token,
    });
    const answer = await h2(app.port, '/me', { authorization: `DPoP ${token}`, dpop: proof });
    expect(answer.status).toBe(401);
    expect(answer.challenge).toContain('error="invalid_dpop_proof"');
  });

  it('challenges and the metadata document name the :authority origin (RFC 9728 §3, §5.1)', async () => {
    const missing = await h2(app.port, '/me', {});
    expect(missing.status).toBe(401);
    expect(missing.challenge).toContain(`resource_metadata="${origin}${WELL_KNOWN}"`);
    const document = await h2(app.port, WELL_KNOWN, {});
    expect(document.status).toBe(200);
    expect(JSON.parse(document.body)).toMatchObject({ resource: origin });
  });

  it('a Host that names another authority than :authority is malformed (RFC 9113 §8.3.1)', async () => {
    const token = await idp.accessToken({ dpop: key });
    const proof = await key.proof({ method: 'GET', url: `${origin}/me`, accessToken: token });
    const answer = await h2(app.port, '/me', {
      ':authority': `127.0.0.1:${app.port}`,
      host: 'evil.example',
      authorization: `DPoP ${token}`,
      dpop: proof,
    });
    expect(answer.status).toBe(400);
  });
});
