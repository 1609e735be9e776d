import {
  ADMIN,
  READ_ORDERS,
  RECENT_SIGN_IN,
  WRITE_ORDERS,
  createOrder,
  listOrders,
  profileOf,
} from '@tokengate/example-shared';
import { tokengate } from '@tokengate/fastify';
import Fastify from 'fastify';

/** The example API on Fastify: the plugin once, each route's rule in its options. */
export async function buildApp(gateOptions, fastifyOptions = {}) {
  const app = Fastify(fastifyOptions);
  await app.register(tokengate, gateOptions);

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/me', { config: { auth: true } }, async (request) => profileOf(request.auth));
  app.get('/admin', { config: { auth: ADMIN } }, async (request) => ({
    admin: true,
    sub: request.auth.subject ?? null,
  }));
  app.get('/account', { config: { auth: RECENT_SIGN_IN } }, async (request) =>
    profileOf(request.auth),
  );
  app.get('/orders', { config: { auth: READ_ORDERS } }, async () => listOrders());
  app.post('/orders', { config: { auth: WRITE_ORDERS } }, async (request, reply) =>
    reply.code(201).send(createOrder(request.auth)),
  );
  return app;
}
