import {
  ADMIN,
  READ_ORDERS,
  RECENT_SIGN_IN,
  WRITE_ORDERS,
  createOrder,
  listOrders,
  profileOf,
} from '@tokengate/example-shared';
import { authenticate, authorize, resourceMetadata } from '@tokengate/hono';
import { Hono } from 'hono';

/**
 * The example API on Hono: one `authenticate` built at startup, a guard per route. Both answer
 * tokengate errors themselves, returning a `Response` with status, challenge and JSON body.
 */
export function buildApp(gateOptions) {
  const requireAuth = authenticate(gateOptions);
  return (
    new Hono()
      // RFC 9728: GET /.well-known/oauth-protected-resource, public, named in every 401 challenge.
      .use(resourceMetadata(requireAuth))
      .get('/health', (c) => c.json({ status: 'ok' }))
      .get('/me', requireAuth, (c) => c.json(profileOf(c.get('auth'))))
      .get('/admin', requireAuth, authorize(ADMIN), (c) =>
        c.json({ admin: true, sub: c.get('auth').subject ?? null }),
      )
      .get('/account', requireAuth, authorize(RECENT_SIGN_IN), (c) =>
        c.json(profileOf(c.get('auth'))),
      )
      .get('/orders', requireAuth, authorize(READ_ORDERS), (c) => c.json(listOrders()))
      .post('/orders', requireAuth, authorize(WRITE_ORDERS), (c) =>
        c.json(createOrder(c.get('auth')), 201),
      )
  );
}
