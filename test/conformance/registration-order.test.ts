// A route that asks for authentication is never served without a verified token, whatever the
// order in which the app wires the guard and its routes. Fastify's `config: { auth }` used to be
// enforced from an `onRoute` hook, so a route declared before the plugin (declared first, in a
// plugin registered first, or after `app.register(tokengate)` without `await`) was open. Express
// and Koa must fail closed (401) when the guard is mounted after the route, or not at all.
// Real loopback issuer, real HTTP on 127.0.0.1.
import { anyGroup, cognitoIssuer, type GateOptions, type Rule } from '@tokengate/core';
import * as tgExpress from '@tokengate/express';
import { tokengate } from '@tokengate/fastify';
import * as tgKoa from '@tokengate/koa';
import Router from '@koa/router';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDpop } from '../support/challenges.js';
import {
  listenFastify,
  listenOnLoopback,
  type LoopbackServer,
} from '../support/loopback-server.js';

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

async function call(app: LoopbackServer, path: string, token?: string, method = 'GET') {
  const headers: Record<string, string> =
    token === undefined ? {} : { authorization: `Bearer ${token}` };
  const response = await fetch(app.url + path, { method, headers });
  const text = await response.text();
  const body: unknown = text.startsWith('{') ? JSON.parse(text) : text;
  return { status: response.status, body, challenge: response.headers.get('www-authenticate') };
}

// Status and challenge: RFC 6750 §3's Bearer, then the DPoP one (RFC 9449 §7.1) the gate offers
// by default. The JSON body comes from the error handler the route had when it was declared:
// Fastify's own for a route declared before the plugin.
const NO_TOKEN = { status: 401, challenge: withDpop('Bearer') };
const DENIED = {
  status: 403,
  challenge: withDpop(
    'Bearer error="access_denied", error_description="Token does not grant access to this resource"',
  ),
};

// ---------------------------------------------------------------- Fastify

/** Declares the same three routes on `scope`: any token, a rule, and a public one. */
function declareRoutes(scope: FastifyInstance): void {
  scope.get('/me', { config: { auth: true } }, async (request) => ({ sub: request.auth?.subject }));
  scope.get('/admin', { config: { auth: anyGroup('admin') } }, async () => ({ admin: true }));
  scope.get('/public', async () => ({ ok: true }));
}

interface Style {
  /** Where the routes end up. */
  readonly prefix?: string;
  readonly gate?: Partial<GateOptions>;
  wire(app: FastifyInstance, gateOptions: GateOptions): Promise<unknown> | unknown;
}

const STYLES: Record<string, Style> = {
  'tokengate registered first (the documented order)': {
    wire: async (app, gate) => {
      await app.register(tokengate, gate);
      declareRoutes(app);
    },
  },
  'routes declared, then await app.register(tokengate)': {
    wire: async (app, gate) => {
      declareRoutes(app);
      await app.register(tokengate, gate);
    },
  },
  'app.register(tokengate) without await, then routes': {
    wire: (app, gate) => {
      void app.register(tokengate, gate);
      declareRoutes(app);
    },
  },
  'an encapsulated routes plugin registered before tokengate': {
    wire: (app, gate) => {
      void app.register(async (child) => declareRoutes(child));
      void app.register(tokengate, gate);
    },
  },
  'nested routes plugins with prefixes, registered before tokengate': {
    prefix: '/api/v1',
    wire: async (app, gate) => {
      await app.register(
        async (api) => {
          await api.register(async (v1) => declareRoutes(v1), { prefix: '/v1' });
        },
        { prefix: '/api' },
      );
      await app.register(tokengate, gate);
    },
  },
  'a non-encapsulated routes plugin registered before tokengate': {
    wire: async (app, gate) => {
      // What fastify-plugin does: the plugin's routes land in the parent's scope.
      const routes = Object.assign(async (scope: FastifyInstance) => declareRoutes(scope), {
        [Symbol.for('skip-override')]: true,
      });
      await app.register(routes);
      await app.register(tokengate, gate);
    },
  },
  'routes first, optional mode': {
    gate: { optional: true },
    wire: async (app, gate) => {
      declareRoutes(app);
      await app.register(tokengate, gate);
    },
  },
  'routes first, body tokens allowed (preValidation hook)': {
    gate: { allowBodyToken: true },
    wire: async (app, gate) => {
      declareRoutes(app);
      await app.register(tokengate, gate);
    },
  },
};

async function startFastify(wire: (app: FastifyInstance) => Promise<unknown> | unknown) {
  const app = Fastify({ logger: false });
  try {
    await wire(app);
  } catch (error) {
    await app.close();
    throw error;
  }
  return { app, ...(await listenFastify(app)) };
}

describe.each(Object.entries(STYLES))('fastify: %s', (_name, style) => {
  let running: LoopbackServer;
  const at = (path: string) => (style.prefix ?? '') + path;

  beforeAll(async () => {
    running = await startFastify((app) => style.wire(app, { ...options, ...style.gate }));
  });
  afterAll(() => running.close());

  it('answers 401 without a token, on GET and on the HEAD route Fastify adds', async () => {
    expect(await call(running, at('/me'))).toMatchObject(NO_TOKEN);
    expect(await call(running, at('/admin'))).toMatchObject(NO_TOKEN);
    expect((await call(running, at('/me'), undefined, 'HEAD')).status).toBe(401);
    expect((await call(running, at('/admin'), userToken, 'HEAD')).status).toBe(403);
  });

  it('applies the route rule: 403 for the wrong group, 200 for the right one', async () => {
    expect(await call(running, at('/admin'), userToken)).toMatchObject(DENIED);
    expect(await call(running, at('/admin'), adminToken)).toMatchObject({
      status: 200,
      body: { admin: true },
    });
  });

  it('serves a valid token, and leaves public routes and 404s alone', async () => {
    expect(await call(running, at('/me'), userToken)).toMatchObject({
      status: 200,
      body: { sub: 'user-1' },
    });
    expect(await call(running, at('/public'))).toMatchObject({ status: 200, body: { ok: true } });
    expect((await call(running, at('/nowhere'))).status).toBe(404);
  });
});

describe('fastify: other misuses', () => {
  it('refuses inject() too when the routes came first', async () => {
    const app = Fastify({ logger: false });
    declareRoutes(app);
    await app.register(tokengate, options);
    const response = await app.inject({ method: 'GET', url: '/me' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'CREDENTIALS_MISSING' });
    await app.close();
  });

  it('protects each route that shares one config object, before and after the plugin', async () => {
    const shared = { config: { auth: anyGroup('admin') } };
    const running = await startFastify(async (app) => {
      app.get('/before', shared, async () => ({ ok: true }));
      await app.register(tokengate, options);
      app.get('/after', shared, async () => ({ ok: true }));
    });
    for (const path of ['/before', '/after']) {
      expect(await call(running, path)).toMatchObject(NO_TOKEN);
      expect(await call(running, path, userToken)).toMatchObject(DENIED);
      expect((await call(running, path, adminToken)).status).toBe(200);
    }
    await running.close();
  });

  it('never serves a route declared first with a malformed config.auth', async () => {
    const running = await startFastify(async (app) => {
      app.get('/bad', { config: { auth: 'admin' as unknown as Rule } }, async () => ({ ok: 1 }));
      await app.register(tokengate, options);
    });
    // Not checked at start-up (the plugin never saw it declared): denied, never a 200 or 500.
    expect((await call(running, '/bad')).status).toBe(403);
    expect((await call(running, '/bad', adminToken)).status).toBe(403);
    await running.close();
  });

  it('answers 401 for app.authorize() without app.authenticate(), even with a token', async () => {
    const running = await startFastify(async (app) => {
      await app.register(tokengate, options);
      app.get('/orders', { onRequest: app.authorize() }, async () => ({ ok: true }));
    });
    expect(await call(running, '/orders')).toMatchObject(NO_TOKEN);
    expect(await call(running, '/orders', userToken)).toMatchObject(NO_TOKEN);
    await running.close();
  });
});

// ---------------------------------------------------------------- Express and Koa

const ok = (_req: express.Request, res: express.Response) => void res.json({ ok: true });
const koaOk = (ctx: Koa.Context) => void (ctx.body = { ok: true });

const FAIL_CLOSED: Record<string, () => Koa | express.Express> = {
  'express: authorize() without authenticate()': () => {
    const app = express();
    app.get('/admin', tgExpress.authorize(anyGroup('admin')), ok);
    app.use(tgExpress.errorHandler());
    return app;
  },
  'express: authorize() without authenticate(), default error handler': () => {
    const app = express();
    app.get('/admin', tgExpress.authorize(), ok);
    return app;
  },
  'express: authenticate() mounted after the route': () => {
    const app = express();
    app.get('/admin', tgExpress.authorize(anyGroup('admin')), ok);
    app.use(tgExpress.authenticate(options));
    app.use(tgExpress.errorHandler());
    return app;
  },
  'express: authenticate() on another router': () => {
    const app = express();
    const api = express.Router();
    api.use(tgExpress.authenticate(options));
    app.use('/api', api);
    app.get('/admin', tgExpress.authorize(anyGroup('admin')), ok);
    app.use(tgExpress.errorHandler());
    return app;
  },
  'koa: authorize() without authenticate()': () => {
    const app = new Koa();
    app.silent = true;
    const router = new Router();
    router.get('/admin', tgKoa.authorize(anyGroup('admin')), koaOk);
    app.use(router.routes());
    return app;
  },
  'koa: authenticate() mounted after the router': () => {
    const app = new Koa();
    app.silent = true;
    const router = new Router();
    router.get('/admin', tgKoa.authorize(anyGroup('admin')), koaOk);
    app.use(router.routes());
    app.use(tgKoa.authenticate(options));
    return app;
  },
  'koa: authenticate() used on another router': () => {
    const app = new Koa();
    app.silent = true;
    const api = new Router({ prefix: '/api' });
    api.use(tgKoa.authenticate(options));
    api.get('/ping', koaOk);
    const router = new Router();
    router.get('/admin', tgKoa.authorize(anyGroup('admin')), koaOk);
    app.use(api.routes());
    app.use(router.routes());
    return app;
  },
};

describe.each(Object.entries(FAIL_CLOSED))('%s', (_name, build) => {
  it('answers 401 without a token and with a valid one: never 200', async () => {
    const app = build();
    const running = await listenOnLoopback(app instanceof Koa ? app.callback() : app);
    for (const token of [undefined, userToken, adminToken]) {
      const { status, challenge } = await call(running, '/admin', token);
      expect(status).toBe(401);
      // No gate ran for the route, so none offers DPoP: RFC 6750's bare challenge alone.
      if (challenge !== null) expect(challenge).toBe('Bearer');
    }
    await running.close();
  });
});
