// Peer: express-jwt (jsonwebtoken inside) with jwks-rsa's cached, rate-limited key lookup.
import express from 'express';
import { expressjwt } from 'express-jwt';
import jwksRsa from 'jwks-rsa';
import { isCognitoAccessToken } from './cognito-access.mjs';
import { issuerEnv } from './env.mjs';
import { listen } from './serve.mjs';

const { issuer, jwksUri, clientId } = issuerEnv();
const app = express();
const requireAuth = expressjwt({
  secret: jwksRsa.expressJwtSecret({ jwksUri, cache: true, rateLimit: true }),
  algorithms: ['RS256'],
  issuer,
});
app.get('/me', requireAuth, (req, res) => {
  if (!isCognitoAccessToken(req.auth, clientId)) return res.sendStatus(401);
  res.json({ sub: req.auth.sub });
});
// Answer auth failures quietly: Express's default handler would log every 401 to stderr.
app.use((error, _req, res, _next) => res.sendStatus(error.status ?? 500));
await listen(app);
