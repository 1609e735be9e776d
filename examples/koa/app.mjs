import Router from '@koa/router';
import {
  ADMIN,
  READ_ORDERS,
  RECENT_SIGN_IN,
  WRITE_ORDERS,
  createOrder,
  listOrders,
  profileOf,
} from '@tokengate/example-shared';
import { authenticate, authorize, resourceMetadata } from '@tokengate/koa';
import Koa from 'koa';

/** The example API on Koa: one `authenticate` built at startup, a guard per route. */
export function buildApp(gateOptions) {
  const app = new Koa();
  const router = new Router();
  // Also answers tokengate errors from the guards with their status, challenge and JSON body.
  const requireAuth = authenticate(gateOptions);

  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/me', requireAuth, (ctx) => {
    ctx.body = profileOf(ctx.state.auth);
  });
  router.get('/admin', requireAuth, authorize(ADMIN), (ctx) => {
    ctx.body = { admin: true, sub: ctx.state.auth.subject ?? null };
  });
  router.get('/account', requireAuth, authorize(RECENT_SIGN_IN), (ctx) => {
    ctx.body = profileOf(ctx.state.auth);
  });
  router.get('/orders', requireAuth, authorize(READ_ORDERS), (ctx) => {
    ctx.body = listOrders();
  });
  router.post('/orders', requireAuth, authorize(WRITE_ORDERS), (ctx) => {
    ctx.status = 201;
    ctx.body = createOrder(ctx.state.auth);
  });

  // RFC 9728: GET /.well-known/oauth-protected-resource, public, named in every 401 challenge.
  app.use(resourceMetadata(requireAuth));
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}
