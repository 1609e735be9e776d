import { authenticate, authorize, errorHandler, resourceMetadata } from '@tokengate/express';
import {
  ADMIN,
  READ_ORDERS,
  RECENT_SIGN_IN,
  WRITE_ORDERS,
  createOrder,
  listOrders,
  profileOf,
} from '@tokengate/example-shared';
import express from 'express';

/** The example API on Express: one `authenticate` built at startup, a guard per route. */
export function buildApp(gateOptions) {
  const app = express();
  const requireAuth = authenticate(gateOptions);

  // RFC 9728: GET /.well-known/oauth-protected-resource, public, named in every 401 challenge.
  app.use(resourceMetadata(requireAuth));
  app.get('/health', (req, res) => res.json({ status: 'ok' }));
  app.get('/me', requireAuth, (req, res) => res.json(profileOf(req.auth)));
  app.get('/admin', requireAuth, authorize(ADMIN), (req, res) =>
    res.json({ admin: true, sub: req.auth.subject ?? null }),
  );
  app.get('/account', requireAuth, authorize(RECENT_SIGN_IN), (req, res) =>
    res.json(profileOf(req.auth)),
  );
  app.get('/orders', requireAuth, authorize(READ_ORDERS), (req, res) => res.json(listOrders()));
  app.post('/orders', requireAuth, authorize(WRITE_ORDERS), (req, res) =>
    res.status(201).json(createOrder(req.auth)),
  );

  // Answers tokengate errors with their status, WWW-Authenticate challenge and JSON body.
  app.use(errorHandler());
  return app;
}
