// One soak server: the same protected API on Express, Koa or Fastify, run as a child process of
// scripts/soak.mjs so its memory figures are its own. It reads its configuration from
// SOAK_SERVER_CONFIG (JSON), listens on an ephemeral loopback port and talks to the parent
// over IPC: `ready` with the port, and `memory` samples on request.
//
//   node --expose-gc scripts/soak/server.mjs   (started by scripts/soak.mjs, not by hand)
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { allScopes, anyGroup, cognitoIssuer } from '@tokengate/core';

const config = JSON.parse(process.env.SOAK_SERVER_CONFIG ?? '{}');
const ADMIN = anyGroup('admin');
const READ_ORDERS = allScopes('orders:read');
const WRITE_ORDERS = allScopes('orders:write');

const gateOptions = {
  issuers: [
    cognitoIssuer({
      userPoolId: config.userPoolId,
      clientId: config.clientId,
      issuerOverride: config.issuer,
    }),
  ],
  jwks: config.jwks,
  cache: config.cache,
};

const profile = (auth) => ({ sub: auth?.subject ?? null, scopes: auth?.scopes ?? [] });
const orders = [{ id: 'order-1' }];

async function expressServer() {
  const { default: express } = await import('express');
  const { authenticate, authorize, errorHandler } = await import('@tokengate/express');
  const app = express();
  const requireAuth = authenticate(gateOptions);
  app.get('/health', (_req, res) => res.json({ ok: true }));
  app.get('/me', requireAuth, (req, res) => res.json(profile(req.auth)));
  app.get('/admin', requireAuth, authorize(ADMIN), (req, res) => res.json(profile(req.auth)));
  app.get('/orders', requireAuth, authorize(READ_ORDERS), (_req, res) => res.json({ orders }));
  app.post('/orders', requireAuth, authorize(WRITE_ORDERS), (_req, res) =>
    res.status(201).json({ id: 'order-2' }),
  );
  app.use(errorHandler());
  return listenNode(app);
}

async function koaServer() {
  const { default: Koa } = await import('koa');
  const { default: Router } = await import('@koa/router');
  const { authenticate, authorize } = await import('@tokengate/koa');
  const app = new Koa();
  // Outages are expected here: count them instead of letting Koa log every 503's stack.
  app.on('error', () => {
    serverErrors += 1;
  });
  const router = new Router();
  const requireAuth = authenticate(gateOptions);
  router.get('/health', (ctx) => {
    ctx.body = { ok: true };
  });
  router.get('/me', requireAuth, (ctx) => {
    ctx.body = profile(ctx.state.auth);
  });
  router.get('/admin', requireAuth, authorize(ADMIN), (ctx) => {
    ctx.body = profile(ctx.state.auth);
  });
  router.get('/orders', requireAuth, authorize(READ_ORDERS), (ctx) => {
    ctx.body = { orders };
  });
  router.post('/orders', requireAuth, authorize(WRITE_ORDERS), (ctx) => {
    ctx.status = 201;
    ctx.body = { id: 'order-2' };
  });
  app.use(router.routes()).use(router.allowedMethods());
  return listenNode(app.callback());
}

async function fastifyServer() {
  const { default: Fastify } = await import('fastify');
  const { tokengate } = await import('@tokengate/fastify');
  const app = Fastify({ logger: false });
  await app.register(tokengate, gateOptions);
  app.get('/health', async () => ({ ok: true }));
  app.get('/me', { config: { auth: true } }, async (request) => profile(request.auth));
  app.get('/admin', { config: { auth: ADMIN } }, async (request) => profile(request.auth));
  app.get('/orders', { config: { auth: READ_ORDERS } }, async () => ({ orders }));
  app.post('/orders', { config: { auth: WRITE_ORDERS } }, async (_request, reply) =>
    reply.code(201).send({ id: 'order-2' }),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app.server;
}

async function listenNode(handler) {
  const { createServer } = await import('node:http');
  const server = createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

let serverErrors = 0;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

const starters = { express: expressServer, koa: koaServer, fastify: fastifyServer };
const server = await starters[config.adapter]();
// Keep-alive connections from the load generator must outlive its think time.
server.keepAliveTimeout = 30_000;

process.on('message', (message) => {
  if (message?.type !== 'memory') return;
  if (message.gc === true) globalThis.gc?.();
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  process.send?.({
    type: 'memory',
    id: message.id,
    rss,
    heapUsed,
    heapTotal,
    external,
    loopDelayMaxMs: loopDelay.max / 1e6,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    serverErrors,
  });
  loopDelay.reset();
});
process.on('disconnect', () => process.exit(0));
// Start-up (imports, JIT) is not part of the run's event-loop figures.
loopDelay.reset();
process.send?.({ type: 'ready', port: server.address().port });
