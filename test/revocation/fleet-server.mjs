// One instance of a service fleet sharing a Redis revocation store, run as a real process by
// test/revocation/fleet.test.ts. It imports the BUILT packages, as a deployment would.
//   PORT, REDIS_URL, ISSUER, JWKS_URI, CLIENT_ID, FAILURE_POLICY (closed | open), GRACE_MS
// Prints `listening on <url>`, then one `event <json>` line per revocation store event.
import express from 'express';
import { anyGroup, authenticate, authorize, cognitoIssuer, errorHandler } from '@tokengate/express';
import { createRedisRevocationStore } from '@tokengate/redis';

const env = process.env;
const revocations = createRedisRevocationStore({
  url: env.REDIS_URL,
  failurePolicy: env.FAILURE_POLICY ?? 'closed',
  graceMs: Number(env.GRACE_MS ?? 1000),
  onEvent: (event) => {
    if (event.type === 'revocation-store-error') return; // one per reconnect attempt
    console.log(`event ${JSON.stringify(event)}`);
  },
});
const requireAuth = authenticate({
  issuers: [
    cognitoIssuer({
      issuerOverride: env.ISSUER,
      jwksUri: env.JWKS_URI,
      clientId: env.CLIENT_ID.split(','),
      tokenUse: 'both',
    }),
  ],
  revocation: revocations,
});
const app = express();
app.get('/me', requireAuth, (req, res) => res.json({ sub: req.auth.subject }));
app.get('/health/revocations', (req, res) =>
  res.json({ state: revocations.state, size: revocations.size }),
);

// #region revocation-routes
// Cognito's access and ID tokens stay valid until `exp` after any sign-out: each route
// below runs right after the matching Cognito call, so every instance refuses them too.
const TOKEN_LIFETIME_SECONDS = 3600; // the app client's access/ID token validity

app.post(
  '/admin/revocations',
  requireAuth,
  authorize(anyGroup('admin')),
  express.json(),
  async (req, res) => {
    // Within the admin's own user pool only: a `sub` or `jti` means nothing elsewhere.
    const issuer = req.auth.issuer;
    const { subject, tokenId, clientId } = req.body ?? {};
    try {
      if (typeof subject === 'string') {
        // After AdminUserGlobalSignOut: every token of this user issued until now.
        await revocations.revokeSubject({ issuer, subject });
      } else if (typeof tokenId === 'string') {
        // After RevokeToken: the refresh token's family (`origin_jti`), or one `jti`.
        const expiresAt = Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_SECONDS;
        await revocations.revokeToken({ issuer, tokenId, expiresAt });
      } else if (typeof clientId === 'string') {
        // After rotating the app client's secret: every token issued to it until now.
        await revocations.revokeClient({ issuer, clientId });
      } else {
        return res.status(400).json({ error: 'invalid_request' });
      }
    } catch {
      // Redis did not take it (this instance honours it and writes it back later): retry.
      return res.status(503).set('Retry-After', '1').json({ error: 'temporarily_unavailable' });
    }
    res.status(204).end();
  },
);

// Sign-out of this session only: the app calls Cognito's RevokeToken with its refresh token,
// then this with the access token, whose `origin_jti` names the whole family.
app.post('/logout', requireAuth, async (req, res) => {
  const { issuer, claims } = req.auth;
  const expiresAt = Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_SECONDS;
  try {
    await revocations.revokeToken({ issuer, tokenId: claims.origin_jti ?? claims.jti, expiresAt });
  } catch {
    return res.status(503).set('Retry-After', '1').json({ error: 'temporarily_unavailable' });
  }
  res.status(204).end();
});
// #endregion

// For the test: the stable error code as a header, then the usual RFC 6750 answer.
// errorHandler() clears headers the app set before the error, so this one is added as the
// answer is written.
app.use((error, req, res, next) => {
  if (typeof error?.code === 'string') {
    const writeHead = res.writeHead;
    res.writeHead = function writeHeadWithCode(...args) {
      this.setHeader('x-tokengate-code', error.code);
      return writeHead.apply(this, args);
    };
  }
  next(error);
});
app.use(errorHandler());

const server = app.listen(Number(env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
process.once('SIGTERM', async () => {
  server.close();
  server.closeAllConnections();
  await revocations.close();
});
