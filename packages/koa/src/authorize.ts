import {
  MissingTokenError,
  authorize as authorizeToken,
  isVerifiedToken,
  toRule,
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
  // Checked once, here; only the frozen result is used, so a later mutation changes nothing.
  const checked = toRule(rule, 'authorize()');
  return async function tokengateAuthorize(ctx: Context, next: Next) {
    const auth = ctx.state.auth;
    // Only `authenticate()`'s result counts, not any `ctx.state.auth` another middleware set.
    if (!isVerifiedToken(auth)) throw new MissingTokenError();
    if (checked !== undefined) authorizeToken(auth, checked);
    await next();
  };
}
