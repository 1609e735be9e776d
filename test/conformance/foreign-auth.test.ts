// `authorize()` trusts only what tokengate verified. Another middleware on the same app may set
// the very property tokengate uses: express-jwt sets `req.auth` to its decoded payload (here a
// legacy HS256 session token), and a Koa or Fastify middleware may set `ctx.state.auth` or
// `request.auth` to a plain object. Such an object used to satisfy `authorize()` with no rule,
// and `anyGroup('admin')` whenever it had `groups: ['admin']` (or `groups: 'admin-x'`, by
// substring). Real HTTP on 127.0.0.1, real HMAC for the legacy token.
import { createHmac } from 'node:crypto';
import { anyGroup, cognitoIssuer, type GateOptions, type VerifiedToken } from '@tokengate/core';
import * as tgExpress from '@tokengate/express';
import { tokengate } from '@tokengate/fastify';
import * as tgKoa from '@tokengate/koa';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import Router from '@koa/router';
import express from 'express';
import { expressjwt } from 'express-jwt';
import Fastify from 'fastify';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  listenFastify,
  listenOnLoopback,
  type LoopbackServer,
} from '../support/loopback-server.js';

const LEGACY_SECRET = 'legacy-session-secret-legacy-session-secret';
const PAYLOADS = {
  'a payload with groups: [admin]': { sub: 'mallory', groups: ['admin'], scopes: ['x'] },
  'a payload with groups: "admin-wannabe"': { sub: 'mallory', groups: 'admin-wannabe' },
};

let pool: TestIssuer;
let options: GateOptions;
let adminToken: string;

beforeAll(async () => {
  pool = await createTestIssuer({ kind: 'cognito' });
  const issuer = { userPoolId: pool.userPoolId ?? '', issuerOverride: pool.issuer };
  // Optional: the app also accepts legacy sessions, so a request without a bearer goes on.
  options = { issuers: [cognitoIssuer({ ...issuer, clientId: pool.clientId })], optional: true };
  adminToken = await pool.accessToken({ sub: 'admin-1', groups: ['admin'] });
});
afterAll(() => pool.close());

/** An HS256 JWT (RFC 7515 §A.1) as a legacy session service would issue it. */
function legacyToken(payload: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
  return `${input}.${createHmac('sha256', LEGACY_SECRET).update(input).digest('base64url')}`;
}

/** Reads the legacy token the way each app's own middleware would: from `x-session`. */
function decodeLegacy(header: string | string[] | undefined): object | undefined {
  if (typeof header !== 'string') return undefined;
  return JSON.parse(Buffer.from(header.split('.')[1] ?? '', 'base64url').toString()) as object;
}

const APPS: Record<string, () => Promise<LoopbackServer>> = {
  express: () => {
    const app = express();
    app.use(tgExpress.authenticate(options));
    // express-jwt v7+ stores its decoded payload in `req.auth` by default.
    app.use(
      expressjwt({
        secret: LEGACY_SECRET,
        algorithms: ['HS256'],
        credentialsRequired: false,
        getToken: (req) => req.headers['x-session'] as string | undefined,
      }),
    );
    app.get('/any', tgExpress.authorize(), (_req, res) => void res.json({ ok: true }));
    app.get('/admin', tgExpress.authorize(anyGroup('admin')), (_req, res) => {
      res.json({ ok: true });
    });
    app.use(tgExpress.errorHandler());
    return listenOnLoopback(app);
  },
  koa: () => {
    const app = new Koa();
    app.silent = true;
    app.use(tgKoa.authenticate(options));
    app.use(async (ctx, next) => {
      const legacy = decodeLegacy(ctx.get('x-session') || undefined);
      if (legacy !== undefined) ctx.state.auth = legacy as VerifiedToken;
      await next();
    });
    const router = new Router();
    router.get('/any', tgKoa.authorize(), (ctx) => void (ctx.body = { ok: true }));
    router.get('/admin', tgKoa.authorize(anyGroup('admin')), (ctx) => {
      ctx.body = { ok: true };
    });
    app.use(router.routes());
    return listenOnLoopback(app.callback());
  },
  fastify: async () => {
    const app = Fastify({ logger: false });
    await app.register(tokengate, options);
    // Runs before the routes' own hooks, as a session plugin registered first would.
    app.addHook('onRequest', async (request) => {
      const legacy = decodeLegacy(request.headers['x-session']);
      if (legacy !== undefined) request.auth = legacy as VerifiedToken;
    });
    const guard = (rule?: Parameters<typeof app.authorize>[0]) => ({
      onRequest: [app.authenticate, app.authorize(rule)],
    });
    app.get('/any', guard(), async () => ({ ok: true }));
    app.get('/admin', guard(anyGroup('admin')), async () => ({ ok: true }));
    return listenFastify(app);
  },
};

describe.each(Object.keys(APPS))('%s: auth set by another middleware', (name) => {
  let running: LoopbackServer;
  beforeAll(async () => {
    running = await (APPS[name] as () => Promise<LoopbackServer>)();
  });
  afterAll(() => running.close());

  const get = (path: string, headers: Record<string, string>) =>
    fetch(running.url + path, { headers });

  it.each(Object.entries(PAYLOADS))('answers 401 for %s, with or without a rule', async (_, p) => {
    for (const path of ['/any', '/admin']) {
      const response = await get(path, { 'x-session': legacyToken(p) });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('still serves a token tokengate verified', async () => {
    for (const path of ['/any', '/admin']) {
      expect((await get(path, { authorization: `Bearer ${adminToken}` })).status).toBe(200);
    }
  });
});
