// Minimal verifier on Koa 3 with @koa/router: one route middleware doing only `crypto.verify`
// (signature-only.mjs).
import Router from '@koa/router';
import Koa from 'koa';
import { listen } from './serve.mjs';
import { loadVerifyKey, MINIMAL_BODY, signatureValid } from './signature-only.mjs';

const key = await loadVerifyKey();
const app = new Koa();
const router = new Router();
router.get(
  '/me',
  (ctx, next) => {
    if (signatureValid(ctx.get('authorization'), key)) return next();
    ctx.status = 401;
  },
  (ctx) => {
    ctx.body = MINIMAL_BODY;
  },
);
app.use(router.routes());
await listen(app.callback());
