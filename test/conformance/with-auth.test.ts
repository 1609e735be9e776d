// `withAuth()` types `auth` as set on a handler, so it must make it so at run time: a handler
// wrapped in it runs only for a request tokengate verified. It fails closed with a 401 when the
// route has no authentication in front (forgotten `authenticate()` / `config.auth`), in optional
// mode without a token, and when another middleware set `auth` to an unverified object. Real
// HTTP on 127.0.0.1, real tokens from the loopback Cognito issuer.
import { cognitoIssuer, type GateOptions, type VerifiedToken } from '@tokengate/core';
import * as tgExpress from '@tokengate/express';
import * as tgFastify from '@tokengate/fastify';
import * as tgKoa from '@tokengate/koa';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import Router from '@koa/router';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  listenFastify,
  listenOnLoopback,
  type LoopbackServer,
} from '../support/loopback-server.js';

let pool: TestIssuer;
let options: GateOptions;
let token: string;

beforeAll(async () => {
  pool = await createTestIssuer({ kind: 'cognito' });
  const issuer = { userPoolId: pool.userPoolId ?? '', issuerOverride: pool.issuer };
  // Optional mode: `authenticate()` lets anonymous requests on, so only `withAuth()` stops them.
  options = { issuers: [cognitoIssuer({ ...issuer, clientId: pool.clientId })], optional: true };
  token = await pool.accessToken({ sub: 'user-1', claims: { 'custom:tenant': 'acme' } });
});
afterAll(() => pool.close());

/** A plain object of the shape of a `VerifiedToken`, set by some other middleware. */
const FORGED = { subject: 'mallory', groups: ['admin'], scopes: [], claims: { sub: 'mallory' } };

/** Every app answers `/guarded` behind authentication, `/bare` with none, `/forged` with a fake `auth`. */
const APPS: Record<string, () => Promise<LoopbackServer>> = {
  express: () => {
    const app = express();
    const requireAuth = tgExpress.authenticate(options);
    const tenantOf = tgExpress.withAuth((req: tgExpress.AuthenticatedRequest<Tenant>, res) => {
      res.json({ sub: req.auth.subject, tenant: req.auth.claims['custom:tenant'] });
    });
    app.get('/guarded', requireAuth, tenantOf);
    app.get('/bare', tenantOf);
    app.get(
      '/forged',
      (req, _res, next) => {
        req.auth = FORGED as unknown as VerifiedToken;
        next();
      },
      tenantOf,
    );
    app.use(tgExpress.errorHandler());
    return listenOnLoopback(app);
  },
  koa: () => {
    const app = new Koa();
    const router = new Router();
    const requireAuth = tgKoa.authenticate(options);
    const tenantOf = tgKoa.withAuth((ctx: tgKoa.AuthenticatedContext<Tenant>) => {
      ctx.body = { sub: ctx.state.auth.subject, tenant: ctx.state.auth.claims['custom:tenant'] };
    });
    router.get('/guarded', requireAuth, tenantOf);
    router.get('/bare', tenantOf);
    router.get(
      '/forged',
      async (ctx, next) => {
        ctx.state.auth = FORGED as unknown as VerifiedToken;
        await next();
      },
      tenantOf,
    );
    app.use(router.routes());
    return listenOnLoopback(app.callback());
  },
  fastify: async () => {
    const app = Fastify();
    await app.register(tgFastify.tokengate, options);
    const tenantOf = tgFastify.withAuth(
      async (request: tgFastify.AuthenticatedRequest<Tenant>) => ({
        sub: request.auth.subject,
        tenant: request.auth.claims['custom:tenant'],
      }),
    );
    app.get('/guarded', { onRequest: [app.authenticate] }, tenantOf);
    app.get('/bare', tenantOf);
    app.get(
      '/forged',
      {
        onRequest: async (request) => {
          request.auth = FORGED as unknown as VerifiedToken;
        },
      },
      tenantOf,
    );
    return listenFastify(app);
  },
};

type Tenant = { 'custom:tenant': string };

describe.each(Object.keys(APPS))('withAuth() on %s', (name) => {
  let app: LoopbackServer;
  beforeAll(async () => {
    app = await (APPS[name] as () => Promise<LoopbackServer>)();
  });
  afterAll(() => app.close());

  const get = (path: string, bearer?: string) =>
    fetch(app.url + path, {
      headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` },
    });

  it('runs the handler with the verified token and its claims', async () => {
    const response = await get('/guarded', token);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: 'user-1', tenant: 'acme' });
  });

  it('answers 401 when authentication let an anonymous request through (optional mode)', async () => {
    const response = await get('/guarded');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
  });

  it('answers 401 on a route with no authentication in front, even with a valid token', async () => {
    const response = await get('/bare', token);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
  });

  it('answers 401 when another middleware set auth to an unverified object', async () => {
    const response = await get('/forged', token);
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('mallory');
  });
});

describe('withAuth() arguments', () => {
  it.each([
    ['express', tgExpress.withAuth],
    ['koa', tgKoa.withAuth],
    ['fastify', tgFastify.withAuth],
  ] as const)('%s: a handler that is not a function is a TypeError at creation', (_name, wrap) => {
    expect(() => (wrap as (handler: unknown) => unknown)('handler')).toThrow(TypeError);
  });
});
