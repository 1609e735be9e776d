import { isVerifiedToken, MissingTokenError } from '@tokengate/core';
import type { Context, Next, ParameterizedContext } from 'koa';
import type { AuthenticatedContext } from './state-augmentation.js';

/**
 * Wraps a Koa (or `@koa/router`) handler so that `ctx.state.auth` is typed as set, and is set:
 * Koa's types cannot narrow the state from a middleware earlier on the route, so the wrapper
 * checks, at run time, that `authenticate()` verified this request (fail closed). Without a
 * verified token (no `authenticate()` in front, optional mode with no token, a `ctx.state.auth`
 * set by another middleware) the handler does not run and a 401 `MissingTokenError` is thrown,
 * which `authenticate()` (or Koa's own error handling: it carries `status` and `expose`)
 * answers.
 *
 * Custom claims: annotate `ctx` with `AuthenticatedContext<C>`, or pass `C` explicitly
 * (`withAuth<{ 'custom:tenant': string }>((ctx) => …)`); app-wide claims come from
 * `TokengateClaims`.
 *
 * @example
 * ```ts
 * router.get('/me', requireAuth, withAuth((ctx) => {
 *   ctx.body = { sub: ctx.state.auth.subject };
 * }));
 * ```
 */
export function withAuth<C extends object = object, Ctx extends ParameterizedContext = Context>(
  handler: (ctx: AuthenticatedContext<C, Ctx>, next: Next) => unknown,
): (ctx: Ctx, next: Next) => Promise<void> {
  if (typeof handler !== 'function') {
    throw new TypeError('withAuth(): handler must be a function');
  }
  return async function tokengateWithAuth(ctx, next) {
    // Only `authenticate()`'s result counts, not any `ctx.state.auth` another middleware set.
    if (!isVerifiedToken(ctx.state.auth)) throw new MissingTokenError();
    // The claims type `C` is the app's promise about its tokens (like a typed body); that a
    // token was verified is what was just checked.
    await handler(ctx as AuthenticatedContext<C, Ctx>, next);
  };
}
