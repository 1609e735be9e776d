// One protected API, built with each adapter the way its users would write it. The routes,
// rules and handlers are identical; only the framework glue differs.
import type { AddressInfo } from 'node:net';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as TlsOptions } from 'node:https';
import formBody from '@fastify/formbody';
import {
  allScopes,
  and,
  anyGroup,
  authenticatedWithin,
  claimEquals,
  clientIdIn,
  noGroup,
  or,
  type GateOptions,
  type Rule,
  type VerifiedToken,
} from '@tokengate/core';
import * as tgExpress from '@tokengate/express';
import * as tgFastify from '@tokengate/fastify';
import * as tgHono from '@tokengate/hono';
import { getRequestListener } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import * as tgKoa from '@tokengate/koa';
import { startNestApp } from './nest-app.js';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';

export interface ProtectedRoute {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** `true`: any valid token; a rule; `undefined`: optional authentication. */
  readonly rule: true | Rule | undefined;
}

export const M2M_CLIENT = 'orders-service-client';

export const ROUTES: readonly ProtectedRoute[] = [
  { method: 'GET', path: '/optional', rule: undefined },
  { method: 'GET', path: '/me', rule: true },
  { method: 'GET', path: '/admin', rule: anyGroup('admin') },
  { method: 'GET', path: '/orders', rule: allScopes('orders:read') },
  { method: 'POST', path: '/orders', rule: allScopes('orders:write') },
  { method: 'GET', path: '/reports', rule: or(anyGroup('admin'), allScopes('reports:read')) },
  {
    method: 'GET',
    path: '/tenant',
    rule: and(claimEquals('custom:tenant', 'acme'), noGroup('suspended')),
  },
  {
    method: 'GET',
    path: '/service',
    rule: and(clientIdIn(M2M_CLIENT), allScopes('orders-api/orders.read')),
  },
  // Step-up (RFC 9470): a sign-in within the last five minutes.
  { method: 'GET', path: '/account', rule: authenticatedWithin(300) },
];

/** What every handler answers: the same JSON whatever the framework. */
export function handlerBody(path: string, auth: VerifiedToken | null | undefined): object {
  return { route: path, sub: auth?.subject ?? null };
}

export interface RunningApp {
  readonly port: number;
  close(): Promise<void>;
}

export type AdapterName = 'express' | 'koa' | 'fastify' | 'hono' | 'nestjs' | 'nestjs-fastify';

/** How a test may vary the app: its own routes, or https (RFC 8705 needs the TLS connection). */
export interface AppSetup {
  /** Served instead of `ROUTES`, with the same handlers. */
  readonly routes?: readonly ProtectedRoute[];
  /** Listen with `https.createServer(tls, …)` (each framework's own https option) instead of http. */
  readonly tls?: TlsOptions;
}

export async function startApp(
  adapter: AdapterName,
  options: GateOptions,
  setup: AppSetup = {},
): Promise<RunningApp> {
  // Body tokens for the RFC 6750 §2.2 rows; behind the ALB its header is the only credential,
  // and where DPoP is required a body token (always a bearer token) could never pass.
  const dpop = (options as { dpop?: unknown }).dpop;
  const dpopRequired =
    dpop === 'required' ||
    (typeof dpop === 'object' && (dpop as { mode?: unknown }).mode === 'required');
  const gateOptions = (
    'albVerifier' in options || dpopRequired
      ? { ...options, optional: true }
      : { ...options, optional: true, allowBodyToken: true }
  ) as GateOptions;
  const { routes = ROUTES, tls } = setup;
  switch (adapter) {
    case 'express':
      return listen(expressApp(gateOptions, routes), tls);
    case 'koa':
      return listen(koaApp(gateOptions, routes).callback(), tls);
    case 'fastify': {
      const app = await fastifyApp(gateOptions, routes, tls);
      await app.listen({ port: 0, host: '127.0.0.1' });
      return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
    }
    case 'hono': {
      const app = honoApp(gateOptions, routes);
      return listen(getRequestListener(app.fetch), tls);
    }
    case 'nestjs':
      return startNestApp('express', gateOptions, routes, handlerBody, tls);
    case 'nestjs-fastify':
      return startNestApp('fastify', gateOptions, routes, handlerBody, tls);
  }
}

function expressApp(options: GateOptions, routes: readonly ProtectedRoute[]): express.Express {
  const app = express();
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  app.use(express.urlencoded({ extended: false }));
  const requireAuth = tgExpress.authenticate(options);
  // RFC 9728: the metadata document is public, so it is served before the token is read.
  if (metadataOn(options)) app.use(tgExpress.resourceMetadata(requireAuth));
  app.use(requireAuth);
  for (const route of routes) {
    const guards =
      route.rule === undefined
        ? []
        : [tgExpress.authorize(route.rule === true ? undefined : route.rule)];
    const method = route.method === 'GET' ? 'get' : 'post';
    app[method](route.path, ...guards, (req: express.Request, res: express.Response) => {
      res.json(handlerBody(route.path, req.auth));
    });
  }
  app.use(tgExpress.errorHandler());
  return app;
}

function koaApp(options: GateOptions, routes: readonly ProtectedRoute[]): Koa {
  const app = new Koa();
  app.silent = true;
  const router = new Router();
  router.get('/health', (ctx) => {
    ctx.body = { ok: true };
  });
  const protectedRoutes = new Router();
  for (const route of routes) {
    const guards =
      route.rule === undefined
        ? []
        : [tgKoa.authorize(route.rule === true ? undefined : route.rule)];
    protectedRoutes.register(
      route.path,
      [route.method],
      [
        ...guards,
        (ctx: Koa.Context) => {
          ctx.body = handlerBody(route.path, ctx.state.auth);
        },
      ],
    );
  }
  app.use(router.routes());
  app.use(bodyParser());
  const requireAuth = tgKoa.authenticate(options);
  if (metadataOn(options)) app.use(tgKoa.resourceMetadata(requireAuth));
  app.use(requireAuth);
  app.use(protectedRoutes.routes());
  return app;
}

async function fastifyApp(
  options: GateOptions,
  routes: readonly ProtectedRoute[],
  tls: TlsOptions | undefined,
) {
  // Fastify's own server, made https by its factory: the handler and hooks are unchanged.
  const app = Fastify({
    logger: false,
    ...(tls === undefined
      ? {}
      : {
          serverFactory: (handler: RequestListener) =>
            createHttpsServer(tls, handler) as unknown as Server,
        }),
  });
  await app.register(formBody);
  await app.register(tgFastify.tokengate, options);
  app.get('/health', async () => ({ ok: true }));
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.path,
      ...(route.rule === undefined
        ? { onRequest: app.authenticate }
        : { config: { auth: route.rule } }),
      handler: async (request) => handlerBody(route.path, request.auth),
    });
  }
  return app;
}

function honoApp(options: GateOptions, routes: readonly ProtectedRoute[]): Hono {
  const app = new Hono();
  app.get('/health', (c) => c.json({ ok: true }));
  const requireAuth = tgHono.authenticate(options);
  if (metadataOn(options)) app.use(tgHono.resourceMetadata(requireAuth));
  app.use(requireAuth);
  for (const route of routes) {
    const handler = (c: Context) => c.json(handlerBody(route.path, c.get('auth')));
    if (route.rule === undefined) app.on(route.method, route.path, handler);
    else {
      const guard = tgHono.authorize(route.rule === true ? undefined : route.rule);
      app.on(route.method, route.path, guard, handler);
    }
  }
  return app;
}

/**
 * Whether the options turn RFC 9728 metadata on: Express, Koa and Hono then mount the adapter's
 * `resourceMetadata()` middleware; the Fastify plugin and the Nest module serve it themselves.
 */
function metadataOn(options: GateOptions): boolean {
  return options.resourceMetadata !== undefined && options.resourceMetadata !== false;
}

function listen(handler: RequestListener, tls: TlsOptions | undefined): Promise<RunningApp> {
  return new Promise((resolve) => {
    const server: Server =
      tls === undefined ? createServer(handler) : createHttpsServer(tls, handler);
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
