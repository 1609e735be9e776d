// Attacks on Fastify's `config: { auth }` from the public API: other plugins' `onRoute` hooks
// that rewrite a route's config after tokengate saw it, odd `auth` values on routes declared
// before the plugin (checked only on their first request), HEAD routes, constraints, and
// `request.auth` set by something other than tokengate. Real loopback issuer, `inject()`.
import { anyGroup, cognitoIssuer, type GateOptions, type Rule } from '@tokengate/core';
import { tokengate } from '@tokengate/fastify';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let pool: TestIssuer;
let options: GateOptions;
let userToken: string;
let adminToken: string;

beforeAll(async () => {
  pool = await createTestIssuer({ kind: 'cognito' });
  const issuer = { userPoolId: pool.userPoolId ?? '', issuerOverride: pool.issuer };
  options = { issuers: [cognitoIssuer({ ...issuer, clientId: pool.clientId })] };
  userToken = await pool.accessToken({ sub: 'user-1', groups: ['users'] });
  adminToken = await pool.accessToken({ sub: 'admin-1', groups: ['admin'] });
});
afterAll(() => pool.close());

async function status(app: FastifyInstance, url: string, token?: string, method = 'GET') {
  const headers: Record<string, string> =
    token === undefined ? {} : { authorization: `Bearer ${token}` };
  const response = await app.inject({ method: method as 'GET', url, headers });
  return { status: response.statusCode, code: (response.json() as { code?: string }).code };
}

describe('fastify: config rewritten by a later onRoute hook', () => {
  it('enforces the rule the route ends up with, not the one tokengate saw first', async () => {
    const app = Fastify({ logger: false });
    await app.register(tokengate, options);
    // A plugin registered after tokengate that tightens every /admin route it sees.
    app.addHook('onRoute', (route: RouteOptions) => {
      if (route.url.startsWith('/admin')) {
        (route.config as { auth?: unknown }).auth = anyGroup('admin');
      }
    });
    app.get('/admin/users', { config: { auth: true } }, async () => ({ admin: true }));
    app.get('/admin/replaced', { config: { auth: true } }, async () => ({ admin: true }));
    await app.ready();
    for (const url of ['/admin/users', '/admin/replaced']) {
      expect(await status(app, url)).toMatchObject({ status: 401 });
      expect(await status(app, url, userToken)).toMatchObject({ status: 403 });
      expect((await status(app, url, adminToken)).status).toBe(200);
    }
    await app.close();
  });

  it('enforces a rule another hook sets on a new config object', async () => {
    const app = Fastify({ logger: false });
    await app.register(tokengate, options);
    app.addHook('onRoute', (route: RouteOptions) => {
      route.config = { ...route.config, auth: anyGroup('admin') };
    });
    app.get('/admin', { config: { auth: true } }, async () => ({ admin: true }));
    await app.ready();
    expect(await status(app, '/admin', userToken)).toMatchObject({ status: 403 });
    expect((await status(app, '/admin', adminToken)).status).toBe(200);
    await app.close();
  });
});

describe('fastify: odd config.auth values', () => {
  const ODD: readonly unknown[] = [null, 0, '', 'true', 1, {}, [], Number.NaN];

  it.each(ODD.map((value) => [String(value), value]))(
    'refuses %s at start-up on a route declared after the plugin',
    async (_name, value) => {
      const app = Fastify({ logger: false });
      await app.register(tokengate, options);
      expect(() =>
        app.get('/x', { config: { auth: value as Rule } }, async () => ({ ok: 1 })),
      ).toThrow(TypeError);
      await app.close();
    },
  );

  it.each(ODD.map((value) => [String(value), value]))(
    'denies %s with a 403 TokengateError (never a 200 or 500) on a route declared first',
    async (_name, value) => {
      const app = Fastify({ logger: false });
      const logged: unknown[] = [];
      app.get('/x', { config: { auth: value as Rule } }, async () => ({ ok: 1 }));
      await app.register(tokengate, options);
      app.addHook('onError', async (_request, _reply, error) => void logged.push(error));
      await app.ready();
      for (const token of [undefined, userToken, adminToken]) {
        expect(await status(app, '/x', token)).toEqual({ status: 403, code: 'ACCESS_DENIED' });
      }
      expect(logged).toHaveLength(3);
      expect((logged[0] as Error).cause).toBeInstanceOf(TypeError);
      await app.close();
    },
  );
});

describe('fastify: routes the framework derives', () => {
  it('protects HEAD routes and constrained (version, host) routes declared either side', async () => {
    const app = Fastify({ logger: false });
    const declare = (scope: FastifyInstance, suffix: string) => {
      scope.get(`/v${suffix}`, {
        constraints: { version: '1.0.0' },
        config: { auth: anyGroup('admin') },
        handler: async () => ({ ok: 1 }),
      });
      scope.route({
        method: 'GET',
        url: `/h${suffix}`,
        constraints: { host: 'api.example.com' },
        config: { auth: anyGroup('admin') },
        handler: async () => ({ ok: 1 }),
      });
    };
    declare(app, 'before');
    await app.register(tokengate, options);
    declare(app, 'after');
    await app.ready();
    for (const suffix of ['before', 'after']) {
      const versioned = (token: string, method: string) =>
        app.inject({
          method: method as 'GET',
          url: `/v${suffix}`,
          headers: { 'accept-version': '1.x', authorization: `Bearer ${token}` },
        });
      const hosted = (token: string, method: string) =>
        app.inject({
          method: method as 'GET',
          url: `/h${suffix}`,
          headers: { host: 'api.example.com', authorization: `Bearer ${token}` },
        });
      for (const method of ['GET', 'HEAD']) {
        expect((await versioned(userToken, method)).statusCode).toBe(403);
        expect((await versioned(adminToken, method)).statusCode).toBe(200);
        expect((await hosted(userToken, method)).statusCode).toBe(403);
        expect((await hosted(adminToken, method)).statusCode).toBe(200);
      }
    }
    await app.close();
  });
});
