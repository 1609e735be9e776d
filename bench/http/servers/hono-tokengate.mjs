// tokengate on Hono 4 (@hono/node-server): `authenticate()` from @tokengate/hono, as in its
// README.
import { createAdaptorServer } from '@hono/node-server';
import { authenticate, cognitoIssuer } from '@tokengate/hono';
import { Hono } from 'hono';
import { issuerEnv } from './env.mjs';
import { listenOn } from './serve.mjs';

const { issuer, jwksUri, clientId } = issuerEnv();
const requireAuth = authenticate({
  issuers: [cognitoIssuer({ clientId, issuerOverride: issuer, jwksUri })],
});
const app = new Hono().get('/me', requireAuth, (c) => c.json({ sub: c.get('auth').subject }));
await listenOn(createAdaptorServer({ fetch: app.fetch }));
