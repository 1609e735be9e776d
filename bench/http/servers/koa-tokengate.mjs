// tokengate on Koa 3: `authenticate()` from @tokengate/koa on an @koa/router route.
import Router from '@koa/router';
import { authenticate, cognitoIssuer } from '@tokengate/koa';
import Koa from 'koa';
import { issuerEnv } from './env.mjs';
import { listen } from './serve.mjs';

const { issuer, jwksUri, clientId } = issuerEnv();
const app = new Koa();
const router = new Router();
const requireAuth = authenticate({
  issuers: [cognitoIssuer({ clientId, issuerOverride: issuer, jwksUri })],
});
router.get('/me', requireAuth, (ctx) => {
  ctx.body = { sub: ctx.state.auth.subject };
});
app.use(router.routes());
await listen(app.callback());
