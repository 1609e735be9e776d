// How a refusal reaches logs and apps, the same for all three adapters over real HTTP: the
// verifier's single `rejected` event carries the error's `detail` and the request (method, path
// without its query, route, request id); the Fastify plugin's status and challenge survive an
// error handler the app installs after it; Express's `errorHandler()` answers 401s without the
// stack trace Express's own final handler prints for each.
import { cognitoIssuer, type GateOptions, type VerifierEvent } from '@tokengate/core';
import * as tgExpress from '@tokengate/express';
import { tokengate } from '@tokengate/fastify';
import * as tgKoa from '@tokengate/koa';
import Router from '@koa/router';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import Koa from 'koa';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { withDpop } from '../support/challenges.js';
import {
  listenFastify,
  listenOnLoopback,
  type LoopbackServer,
} from '../support/loopback-server.js';

const BUILD: Record<string, (options: GateOptions) => Promise<LoopbackServer>> = {
  express: (options) => {
    const app = express();
    app.get('/orders/:id', tgExpress.authenticate(options), (_req, res) => void res.json({}));
    app.use(tgExpress.errorHandler());
    return listenOnLoopback(app);
  },
  koa: (options) => {
    const app = new Koa();
    const router = new Router();
    router.get('/orders/:id', tgKoa.authenticate(options), (ctx) => void (ctx.body = {}));
    app.use(router.routes());
    return listenOnLoopback(app.callback());
  },
  fastify: async (options) => {
    const app = Fastify();
    await app.register(tokengate, options);
    app.get('/orders/:id', { config: { auth: true } }, async () => ({}));
    return listenFastify(app);
  },
};

let idp: TestIssuer;
let issuers: GateOptions;
beforeAll(async () => {
  idp = await createTestIssuer({ kind: 'cognito' });
  issuers = {
    issuers: [
      cognitoIssuer({
        userPoolId: idp.userPoolId as string,
        issuerOverride: idp.issuer,
        clientId: idp.clientId,
      }),
    ],
  };
});
afterAll(() => idp.close());

describe.each(Object.keys(BUILD))('%s: the rejected event', (name) => {
  it('carries the detail and the request: method, path without query, route, id', async () => {
    const events: VerifierEvent[] = [];
    const app = await BUILD[name]!({ ...issuers, onEvent: (event) => events.push(event) });
    try {
      const token = await idp.accessToken({ expiresIn: -600 });
      const response = await fetch(`${app.url}/orders/42?x=${token.slice(0, 10)}`, {
        method: 'GET',
        headers: { authorization: `Bearer ${token}`, 'x-request-id': 'trace-1' },
      });
      expect(response.status).toBe(401);
      // The body is as before: no detail for clients.
      expect(await response.json()).toEqual({
        error: 'invalid_token',
        error_description: 'Token has expired',
      });
      const rejected = events.filter((event) => event.type === 'rejected');
      expect(rejected).toHaveLength(1);
      expect(rejected[0]).toMatchObject({
        code: 'TOKEN_EXPIRED',
        detail: { leewaySeconds: 5 },
        request: { method: 'GET', path: '/orders/42', route: '/orders/:id' },
      });
      const request = (rejected[0] as { request: { id?: string } }).request;
      // Fastify reports its own request id; Express and Koa the x-request-id header.
      expect(request.id).toEqual(name === 'fastify' ? expect.any(String) : 'trace-1');
    } finally {
      await app.close();
    }
  });
});

describe('fastify: an error handler installed after the plugin keeps the challenge', () => {
  const cases: [string, (app: FastifyInstance) => void][] = [
    [
      'one that answers with its own body',
      (app) =>
        app.setErrorHandler((error, _request, reply) => {
          void reply.status((error as { statusCode: number }).statusCode).send({ msg: 'no' });
        }),
    ],
    [
      'one that sends no status of its own',
      (app) => app.setErrorHandler((_e, _r, reply) => reply.send({ msg: 'no' })),
    ],
    [
      'one that passes the error on',
      (app) => app.setErrorHandler((error, _r, reply) => reply.send(error)),
    ],
  ];
  it.each(cases)('%s', async (_label, install) => {
    const app = Fastify();
    await app.register(tokengate, { ...issuers, realm: 'api' });
    install(app);
    app.get('/me', { config: { auth: true } }, async () => ({}));
    const running = await listenFastify(app);
    try {
      const response = await fetch(`${running.url}/me`, {
        headers: { authorization: `Bearer ${await idp.accessToken({ expiresIn: -600 })}` },
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(
        withDpop(
          'Bearer realm="api", error="invalid_token", error_description="Token has expired"',
          'api',
        ),
      );
    } finally {
      await running.close();
    }
  });
});

describe('express: errorHandler() answers 401s without logging a stack', () => {
  afterEach(() => vi.restoreAllMocks());

  async function refusedWith(useErrorHandler: boolean): Promise<number> {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const app = express();
    // Express's final handler logs every error outside `test`; production is what matters.
    app.set('env', 'production');
    app.get('/me', tgExpress.authenticate(issuers), (_req, res) => void res.json({}));
    if (useErrorHandler) app.use(tgExpress.errorHandler());
    const running = await listenOnLoopback(app);
    try {
      const response = await fetch(`${running.url}/me`);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(withDpop('Bearer'));
      // finalhandler logs on a later turn (`setImmediate`), after answering.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 20));
      return log.mock.calls.length;
    } finally {
      await running.close();
    }
  }

  it('Express alone prints the stack of each refusal (why errorHandler() is recommended)', async () => {
    expect(await refusedWith(false)).toBeGreaterThan(0);
  });

  it('with errorHandler() nothing is logged', async () => {
    expect(await refusedWith(true)).toBe(0);
  });
});

describe('adapter options are checked too', () => {
  it.each([
    ['express', () => tgExpress.authenticate({ ...issuers, optinal: true } as never), 'optional'],
    ['koa', () => tgKoa.authenticate({ ...issuers, respnd: false } as never), 'respond'],
  ])('%s', (_name, build, suggestion) => {
    expect(build).toThrow(`did you mean \`${suggestion}\`?`);
  });

  it('fastify', async () => {
    const app = Fastify();
    await expect(
      app.register(tokengate, { ...issuers, errorhandler: false } as never).ready(),
    ).rejects.toThrow('did you mean `errorHandler`?');
    await app.close();
  });
});
