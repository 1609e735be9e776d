// Peer: Auth0's express-oauth2-jwt-bearer (jose inside) on Express 5, keys from the local JWKS.
// It insists on an `audience` option, but Cognito access tokens carry no `aud`: its documented
// `validators` replace the `aud` check with the Cognito ones (`client_id`, `token_use`), so it
// verifies the very same tokens as every other server, with the same checks.
import express from 'express';
import { auth } from 'express-oauth2-jwt-bearer';
import { issuerEnv } from './env.mjs';
import { listen } from './serve.mjs';

const { issuer, jwksUri, clientId } = issuerEnv();
const app = express();
const requireAuth = auth({
  issuer,
  jwksUri,
  audience: clientId,
  tokenSigningAlg: 'RS256',
  validators: { aud: false, client_id: clientId, token_use: 'access' },
});
app.get('/me', requireAuth, (req, res) => res.json({ sub: req.auth.payload.sub }));
// Answer auth failures quietly: Express's default handler would log every 401 to stderr.
app.use((error, _req, res, _next) => res.sendStatus(error.status ?? 500));
await listen(app);
