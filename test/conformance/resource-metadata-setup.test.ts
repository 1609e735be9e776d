// How each adapter's RFC 9728 metadata is set up, beyond the shared table of
// resource-metadata.test.ts: mistakes fail at start-up, a mount or a Nest global prefix never
// moves the document off the origin's root (RFC 8615 §3), and Nest's async options serve it too.
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { cognitoIssuer, type GateOptions } from '@tokengate/core';
import * as tgExpress from '@tokengate/express';
import * as tgHono from '@tokengate/hono';
import * as tgKoa from '@tokengate/koa';
import { Public, TokengateModule } from '@tokengate/nestjs';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import express from 'express';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw } from '../support/raw-http-client.js';

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

let pool: TestIssuer;
let options: GateOptions;

beforeAll(async () => {
  pool = await createTestIssuer({ kind: 'cognito' });
  options = {
    issuers: [
      cognitoIssuer({
        userPoolId: pool.userPoolId ?? '',
        clientId: pool.clientId,
        issuerOverride: pool.issuer,
      }),
    ],
  };
});

afterAll(async () => {
  await pool?.close();
});

describe('resourceMetadata(requireAuth) is checked when the app is built', () => {
  const adapters = {
    express: { authenticate: tgExpress.authenticate, resourceMetadata: tgExpress.resourceMetadata },
    koa: { authenticate: tgKoa.authenticate, resourceMetadata: tgKoa.resourceMetadata },
    hono: {
      authenticate: tgHono.authenticate,
      resourceMetadata: tgHono.resourceMetadata,
    },
  } as const;

  it.each(Object.keys(adapters) as (keyof typeof adapters)[])('%s', async (name) => {
    const adapter = adapters[name] as {
      authenticate(options: GateOptions): { close(): Promise<void> };
      resourceMetadata(requireAuth: unknown): unknown;
    };
    // Metadata off: a TypeError that says which option to set, not a route that is never there.
    const off = adapter.authenticate(options);
    expect(() => adapter.resourceMetadata(off)).toThrow(TypeError);
    expect(() => adapter.resourceMetadata(off)).toThrow(/resourceMetadata: true/);
    // Not an authenticate() middleware: no gate to serve from.
    for (const other of [() => undefined, {}, undefined]) {
      expect(() => adapter.resourceMetadata(other)).toThrow(/authenticate\(\) returned/);
    }
    const on = adapter.authenticate({ ...options, resourceMetadata: true });
    expect(typeof adapter.resourceMetadata(on)).toBe('function');
    await Promise.all([off.close(), on.close()]);
  });
});

it('Express: mounted under a path, it serves nothing (the well-known path is at the root)', async () => {
  const app = express();
  const requireAuth = tgExpress.authenticate({ ...options, resourceMetadata: true });
  app.use('/api', tgExpress.resourceMetadata(requireAuth));
  const server: Server = createServer(app);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  try {
    const { port } = server.address() as AddressInfo;
    expect((await sendRaw(port, { path: `/api${WELL_KNOWN}` })).status).toBe(404);
    expect((await sendRaw(port, { path: WELL_KNOWN })).status).toBe(404);
  } finally {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
    await requireAuth.close();
  }
});

it('Hono on a Fetch-only runtime (no Node request): the document of the Request URL’s origin', async () => {
  const requireAuth = tgHono.authenticate({ ...options, resourceMetadata: true });
  const app = new Hono();
  app.use(tgHono.resourceMetadata(requireAuth));
  app.get('/me', requireAuth, (c) => c.json({ sub: c.get('auth')?.subject }));
  try {
    // As on Workers: `app.fetch(request)` with no `env.incoming`.
    const response = await app.fetch(new Request(`https://api.example.com${WELL_KNOWN}/mcp`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({
      resource: 'https://api.example.com/mcp',
      authorization_servers: [pool.issuer],
    });
    const head = await app.fetch(
      new Request(`https://api.example.com${WELL_KNOWN}`, { method: 'HEAD' }),
    );
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const challenge = (await app.fetch(new Request('https://api.example.com/me'))).headers.get(
      'www-authenticate',
    );
    expect(challenge).toContain(`resource_metadata="https://api.example.com${WELL_KNOWN}"`);
    // A plain-http origin that is not loopback is never published (RFC 9728 §1.2).
    const plain = await app.fetch(new Request(`http://api.example.com${WELL_KNOWN}`));
    expect(plain.status).toBe(404);
  } finally {
    await requireAuth.close();
  }
});

describe.each(['express', 'fastify'] as const)('NestJS on %s', (platform) => {
  async function start(
    module: ReturnType<typeof TokengateModule.forRoot>,
    prefix?: Parameters<INestApplication['setGlobalPrefix']>,
  ) {
    class HealthController {
      health() {
        return { ok: true };
      }
    }
    const descriptor = Object.getOwnPropertyDescriptor(HealthController.prototype, 'health')!;
    Get('health')(HealthController.prototype, 'health', descriptor);
    Public()(HealthController.prototype, 'health', descriptor);
    Controller()(HealthController);
    class AppModule {}
    Module({ imports: [module], controllers: [HealthController] })(AppModule);
    const app =
      platform === 'fastify'
        ? await NestFactory.create(AppModule, new FastifyAdapter(), { logger: false })
        : await NestFactory.create(AppModule, { logger: false });
    if (prefix !== undefined) app.setGlobalPrefix(...prefix);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    return { port, close: () => app.close() };
  }

  it('forRootAsync(): served, with the guard global', async () => {
    const app = await start(
      TokengateModule.forRootAsync({
        useFactory: async () => ({ ...options, resourceMetadata: true }),
        global: true,
      }),
    );
    try {
      const response = await sendRaw(app.port, { path: `${WELL_KNOWN}/orders` });
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({
        resource: `http://127.0.0.1:${app.port}/orders`,
        authorization_servers: [pool.issuer],
      });
      expect((await sendRaw(app.port, { path: '/health' })).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('a global prefix never moves the document under it; excluding the path serves it', async () => {
    const module = () =>
      TokengateModule.forRoot({ ...options, resourceMetadata: true, global: true });
    const prefixed = await start(module(), ['api']);
    try {
      expect((await sendRaw(prefixed.port, { path: WELL_KNOWN })).status).toBe(404);
      expect((await sendRaw(prefixed.port, { path: `/api${WELL_KNOWN}` })).status).toBe(404);
    } finally {
      await prefixed.close();
    }
    const excluded = await start(module(), ['api', { exclude: ['.well-known/{*path}'] }]);
    try {
      const response = await sendRaw(excluded.port, { path: WELL_KNOWN });
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({
        resource: `http://127.0.0.1:${excluded.port}`,
      });
      expect((await sendRaw(excluded.port, { path: '/api/health' })).status).toBe(200);
    } finally {
      await excluded.close();
    }
  });
});
