// The adapters' own switches are booleans and nothing else: Koa's `respond` and Fastify's
// `errorHandler` used to be read as `!== false`, so `'false'` or `0` (a value from an env
// variable) silently left the built-in error answering on. Refused when the middleware or the
// plugin is built, with a TypeError naming the adapter and the option; `false` still hands
// errors to the app's own handler.
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import * as tgFastify from '@tokengate/fastify';
import * as tgKoa from '@tokengate/koa';
import Fastify from 'fastify';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenFastify, listenOnLoopback } from '../support/loopback-server.js';

let idp: TestIssuer;

beforeAll(async () => {
  idp = await createTestIssuer();
});
afterAll(async () => {
  await idp?.close();
});

const issuers = () => [tgKoa.oidcIssuer({ issuer: idp.issuer, audience: idp.audience })];
const NOT_BOOLEANS: readonly [string, unknown][] = [
  ["'false'", 'false'],
  ["'true'", 'true'],
  ['0', 0],
  ['1', 1],
  ['null', null],
  ['an object', {}],
];

describe('Koa authenticate({ respond })', () => {
  it.each(NOT_BOOLEANS)(
    'refuses %s with a TypeError naming the adapter and option',
    (_n, value) => {
      const build = () =>
        tgKoa.authenticate({ issuers: issuers(), respond: value } as tgKoa.KoaAuthenticateOptions);
      expect(build).toThrow(TypeError);
      expect(build).toThrow(/^@tokengate\/koa authenticate\(\): respond must be a boolean, got /);
    },
  );

  it.each([
    [true, 401, 'tokengate'],
    [false, 599, 'app'],
    [undefined, 401, 'tokengate'],
  ] as const)('respond: %s, answered by %i (%s)', async (respond, status, by) => {
    const requireAuth = tgKoa.authenticate({
      issuers: issuers(),
      ...(respond === undefined ? {} : { respond }),
    });
    const app = new Koa();
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch {
        ctx.status = 599;
        ctx.body = 'app';
      }
    });
    app.use(requireAuth);
    app.use((ctx) => {
      ctx.body = 'ok';
    });
    const server = await listenOnLoopback(app.callback());
    try {
      const response = await fetch(`${server.url}/`);
      expect(response.status).toBe(status);
      expect(
        by === 'app' ? await response.text() : response.headers.get('www-authenticate'),
      ).toMatch(by === 'app' ? /^app$/ : /^Bearer\b/);
    } finally {
      await server.close();
      await requireAuth.close();
    }
  });
});

describe('Fastify tokengate plugin { errorHandler }', () => {
  it.each(NOT_BOOLEANS)(
    'refuses %s with a TypeError naming the adapter and option',
    async (_n, value) => {
      const app = Fastify();
      app.register(tgFastify.tokengate, {
        issuers: issuers(),
        errorHandler: value,
      } as tgFastify.TokengatePluginOptions);
      try {
        const ready = app.ready();
        await expect(ready).rejects.toThrow(TypeError);
        await expect(ready).rejects.toThrow(
          /^@tokengate\/fastify: errorHandler must be a boolean, got /,
        );
      } finally {
        await app.close().catch(() => {});
      }
    },
  );

  it.each([
    [true, 401, 'tokengate'],
    [false, 599, 'app'],
    [undefined, 401, 'tokengate'],
  ] as const)('errorHandler: %s, answered by %i (%s)', async (errorHandler, status, by) => {
    const app = Fastify();
    app.setErrorHandler((_error, _request, reply) => {
      void reply.code(599).send('app');
    });
    await app.register(tgFastify.tokengate, {
      issuers: issuers(),
      ...(errorHandler === undefined ? {} : { errorHandler }),
    });
    app.get('/', { config: { auth: true } }, async () => 'ok');
    const server = await listenFastify(app);
    try {
      const response = await fetch(`${server.url}/`);
      expect(response.status).toBe(status);
      if (by === 'app') expect(await response.text()).toBe('app');
      else expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    } finally {
      await server.close();
    }
  });
});
