// Each adapter refuses a malformed rule when the guard is built (a TypeError at startup naming
// the path in the rule), and a hand-written rule is checked and copied then, so changing the
// object afterwards cannot open a route. Real loopback issuer, real HTTP.
import { cognitoIssuer, type GateOptions, type Rule } from '@tokengate/core';
import * as tgExpress from '@tokengate/express';
import * as tgFastify from '@tokengate/fastify';
import * as tgKoa from '@tokengate/koa';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MALFORMED_RULES } from './malformed-rules.js';
import { listenFastify, listenOnLoopback } from '../support/loopback-server.js';

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
afterAll(() => pool.close());

/** Builds one app guarding GET /admin with `rule`; resolves to the running server's port. */
type Build = (rule: unknown) => Promise<{ port: number; close(): Promise<void> }>;

const BUILDERS: Record<string, Build> = {
  'express authorize()': async (rule) => {
    const app = express();
    app.use(tgExpress.authenticate(options));
    app.get('/admin', tgExpress.authorize(rule as Rule), (_req, res) => {
      res.json({ ok: true });
    });
    app.use(tgExpress.errorHandler());
    return listenOnLoopback(app);
  },
  'koa authorize()': async (rule) => {
    const app = new Koa();
    app.silent = true;
    const guard = tgKoa.authorize(rule as Rule);
    app.use(tgKoa.authenticate(options));
    app.use(guard);
    app.use((ctx) => {
      ctx.body = { ok: true };
    });
    return listenOnLoopback(app.callback());
  },
  'fastify authorize()': async (rule) => {
    const app = Fastify({ logger: false });
    await app.register(tgFastify.tokengate, options);
    app.get('/admin', { onRequest: [app.authenticate, app.authorize(rule as Rule)] }, async () => ({
      ok: true,
    }));
    return listenFastify(app);
  },
  'fastify config.auth': async (rule) => {
    const app = Fastify({ logger: false });
    await app.register(tgFastify.tokengate, options);
    app.get('/admin', { config: { auth: rule as Rule } }, async () => ({ ok: true }));
    return listenFastify(app);
  },
};

/** What building the app threw (synchronously or while starting); fails if it started. */
async function startupError(build: Build, rule: unknown): Promise<unknown> {
  try {
    const app = await build(rule);
    await app.close();
  } catch (error) {
    return error;
  }
  expect.fail('the app started with a malformed rule');
}

describe.each(Object.entries(BUILDERS))('%s', (_adapter, build) => {
  it.each(MALFORMED_RULES)('refuses $name at startup', async ({ rule, path }) => {
    const error = await startupError(build, rule);
    expect(error).toBeInstanceOf(TypeError);
    // The message is the contract here: it points at the mistake inside the rule.
    expect((error as TypeError).message).toContain(path);
  });

  it('keeps a hand-written rule as it was checked, whatever happens to the object later', async () => {
    const rule = { type: 'groups', match: 'any', values: ['admin'] };
    const app = await build(rule);
    try {
      // Changed after the guard was built: the old code evaluated `match: 'All'` as `none`.
      rule.match = 'All';
      const user = await pool.accessToken({ groups: ['users'] });
      const admin = await pool.accessToken({ groups: ['admin'] });
      const status = async (token: string) =>
        (
          await fetch(`http://127.0.0.1:${app.port}/admin`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).status;
      expect(await status(user)).toBe(403);
      expect(await status(admin)).toBe(200);
    } finally {
      await app.close();
    }
  });
});
