// Peer: koa-jwt (jsonwebtoken inside) with jwks-rsa's cached, rate-limited key lookup.
import Router from '@koa/router';
import jwksRsa from 'jwks-rsa';
import Koa from 'koa';
import koaJwt from 'koa-jwt';
import { isCognitoAccessToken } from './cognito-access.mjs';
import { issuerEnv } from './env.mjs';
import { listen } from './serve.mjs';

const { issuer, jwksUri, clientId } = issuerEnv();
const app = new Koa();
const router = new Router();
const requireAuth = koaJwt({
  secret: jwksRsa.koaJwtSecret({ jwksUri, cache: true, rateLimit: true }),
  algorithms: ['RS256'],
  issuer,
});
router.get('/me', requireAuth, (ctx) => {
  const claims = ctx.state.user;
  if (!isCognitoAccessToken(claims, clientId)) ctx.throw(401);
  ctx.body = { sub: claims.sub };
});
app.use(router.routes());
await listen(app.callback());
