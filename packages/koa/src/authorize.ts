import {
  MissingTokenError,
  assertRule,
  authorize as authorizeToken,
  type Rule,
} from '@tokengate/core';
import type { Context, Middleware, Next } from 'koa';

/**
 * Koa middleware that lets a request through only when `authenticate()` set `ctx.state.auth`
 * and `rule` (if any) accepts it. It throws 401/403 tokengate errors, which `authenticate()`
 * answers as JSON (or your error middleware, with `respond: false`).
 *
 * @example
 * ```ts
 * router.get('/admin', requireAuth, authorize(anyGroup('admin')), handler);
 * ```
 */
export function authorize(rule?: Rule): Middleware {
  assertRule(rule, 'authorize()');
  return async function tokengateAuthorize(ctx: Context, next: Next) {
    const auth = ctx.state.auth;
    if (auth === undefined) throw new MissingTokenError();
    if (rule !== undefined) authorizeToken(auth, rule);
    await next();
  };
}
