// Baseline: Koa 3 with @koa/router answering GET /me with no authentication at all. Every Koa
// server routes through @koa/router, so the router's cost is part of the baseline.
import Router from '@koa/router';
import Koa from 'koa';
import { listen } from './serve.mjs';

const app = new Koa();
const router = new Router();
router.get('/me', (ctx) => {
  ctx.body = { sub: 'anonymous' };
});
app.use(router.routes());
await listen(app.callback());
