// A tokengate 401/403 never carries the headers an app set for the answer it meant to give:
// a `Set-Cookie` for a session the request may not have, `Cache-Control: public` or an `ETag`
// that would let a shared cache keep the refusal, headers computed for the refused user. Koa's
// own error path clears them; tokengate's Koa answer (`respond: true`), Express's
// `errorHandler()` and the Fastify plugin's handler used to keep them. CORS and security headers
// stay, so a browser app can still read the challenge. Same table, all three adapters, real
// loopback issuer and real HTTP.
import { anyGroup, cognitoIssuer, type GateOptions } from '@tokengate/core';
import * as tgExpress from '@tokengate/express';
import { tokengate } from '@tokengate/fastify';
import * as tgKoa from '@tokengate/koa';
import Router from '@koa/router';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDpop } from '../support/challenges.js';
import {
  listenFastify,
  listenOnLoopback,
  type LoopbackServer,
} from '../support/loopback-server.js';

/** Set before authentication, by an outer middleware or hook. */
const OUTER = {
  'Set-Cookie': 'session=s3cr3t; Path=/; HttpOnly',
  'Cache-Control': 'public, max-age=600',
  ETag: '"v1"',
  'Access-Control-Allow-Origin': 'https://app.example',
  Vary: 'Origin',
  'X-Content-Type-Options': 'nosniff',
};
/** Set after authentication, just before the rule is checked. */
const INNER = { 'X-Custom': 'computed-for-this-user' };

const BUILD: Record<string, (options: GateOptions) => Promise<LoopbackServer>> = {
  express: (options) => {
    const app = express();
    app.use((_req, res, next) => void (res.set(OUTER), next()));
    app.use(tgExpress.authenticate(options));
    app.get(
      '/admin',
      (_req, res, next) => void (res.set(INNER), next()),
      tgExpress.authorize(anyGroup('admin')),
      (_req, res) => void res.json({ ok: true }),
    );
    app.use(tgExpress.errorHandler());
    return listenOnLoopback(app);
  },
  koa: (options) => {
    const app = new Koa();
    app.silent = true;
    const router = new Router();
    router.get(
      '/admin',
      async (ctx, next) => {
        ctx.set(INNER);
        await next();
      },
      tgKoa.authorize(anyGroup('admin')),
      (ctx) => void (ctx.body = { ok: true }),
    );
    app.use(async (ctx, next) => {
      ctx.set(OUTER);
      await next();
    });
    app.use(tgKoa.authenticate(options));
    app.use(router.routes());
    return listenOnLoopback(app.callback());
  },
  fastify: async (options) => {
    const app = Fastify({ logger: false });
    app.addHook('onRequest', async (_request, reply) => void reply.headers(OUTER));
    await app.register(tokengate, options);
    app.get(
      '/admin',
      {
        onRequest: [
          app.authenticate,
          async (_request, reply) => void reply.headers(INNER),
          app.authorize(anyGroup('admin')),
        ],
      },
      async () => ({ ok: true }),
    );
    return listenFastify(app);
  },
};

let pool: TestIssuer;
let options: GateOptions;
const tokens: Record<string, string | undefined> = {};

beforeAll(async () => {
  pool = await createTestIssuer({ kind: 'cognito' });
  const issuer = { userPoolId: pool.userPoolId ?? '', issuerOverride: pool.issuer };
  options = { issuers: [cognitoIssuer({ ...issuer, clientId: pool.clientId })] };
  tokens.none = undefined;
  tokens.garbage = 'not-a-token';
  tokens.user = await pool.accessToken({ sub: 'user-1', groups: ['users'] });
  tokens.admin = await pool.accessToken({ sub: 'admin-1', groups: ['admin'] });
});
afterAll(() => pool.close());

const KEPT = {
  'access-control-allow-origin': 'https://app.example',
  vary: 'Origin',
  'x-content-type-options': 'nosniff',
};
const DROPPED = { 'set-cookie': null, 'cache-control': null, 'x-custom': null };

// The gate has no realm and the default `dpop: 'allowed'`: Bearer, then the DPoP challenge.
const CASES: [string, keyof typeof tokens & string, number, string][] = [
  ['no token', 'none', 401, withDpop('Bearer')],
  [
    'a malformed token',
    'garbage',
    401,
    withDpop(
      'Bearer error="invalid_token", error_description="Token must have exactly three segments"',
    ),
  ],
  [
    'a token without the group',
    'user',
    403,
    withDpop(
      'Bearer error="access_denied", error_description="Token does not grant access to this resource"',
    ),
  ],
];

describe.each(Object.keys(BUILD))('%s: headers set before a tokengate refusal', (adapter) => {
  let running: LoopbackServer;
  beforeAll(async () => {
    running = await (BUILD[adapter] as (options: GateOptions) => Promise<LoopbackServer>)(options);
  });
  afterAll(() => running.close());

  async function get(token: string | undefined) {
    const headers: Record<string, string> =
      token === undefined ? {} : { authorization: `Bearer ${token}` };
    const response = await fetch(`${running.url}/admin`, { headers });
    const body = (await response.json()) as Record<string, unknown>;
    const seen: Record<string, string | null> = {};
    for (const name of [
      ...Object.keys(KEPT),
      ...Object.keys(DROPPED),
      'etag',
      'www-authenticate',
    ]) {
      seen[name] = response.headers.get(name);
    }
    return { status: response.status, body, headers: seen };
  }

  it.each(CASES)('%s (%s) → %i without them, CORS and security headers kept', async (...row) => {
    const [, name, status, challenge] = row;
    const answer = await get(tokens[name]);
    expect(answer.status).toBe(status);
    expect(answer.headers).toMatchObject({ ...KEPT, ...DROPPED });
    // Express computes its own weak ETag for the JSON body it sends; the app's is gone.
    expect(answer.headers.etag).not.toBe(OUTER.ETag);
    expect(answer.headers['www-authenticate']).toBe(challenge);
    expect(answer.body).toHaveProperty('error');
  });

  it('keeps every header on the answer the app meant to give (200)', async () => {
    const answer = await get(tokens.admin);
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({
      ...KEPT,
      'set-cookie': OUTER['Set-Cookie'],
      'cache-control': OUTER['Cache-Control'],
      etag: OUTER.ETag,
      'x-custom': INNER['X-Custom'],
    });
  });
});
