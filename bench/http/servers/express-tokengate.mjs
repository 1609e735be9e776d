// tokengate on Express 5: `authenticate()` and `errorHandler()` from @tokengate/express, as in
// the README.
import { authenticate, cognitoIssuer, errorHandler } from '@tokengate/express';
import express from 'express';
import { issuerEnv } from './env.mjs';
import { listen } from './serve.mjs';

const { issuer, jwksUri, clientId } = issuerEnv();
const app = express();
const requireAuth = authenticate({
  issuers: [cognitoIssuer({ clientId, issuerOverride: issuer, jwksUri })],
});
app.get('/me', requireAuth, (req, res) => res.json({ sub: req.auth.subject }));
app.use(errorHandler());
await listen(app);
