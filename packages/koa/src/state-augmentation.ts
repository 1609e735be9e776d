import type { JwtClaims, VerifiedToken } from '@tokengate/core';
import type { Context } from 'koa';

declare module 'koa' {
  interface DefaultState {
    /** The verified token, set by `authenticate()`; absent for anonymous requests in optional mode. */
    auth?: VerifiedToken;
  }
}

/**
 * A context that passed `authenticate()`, with your own claims type.
 *
 * @example
 * ```ts
 * router.get('/tenant', requireAuth, (ctx: AuthenticatedContext<{ 'custom:tenant': string }>) => {
 *   ctx.body = { tenant: ctx.state.auth.claims['custom:tenant'] };
 * });
 * ```
 */
export type AuthenticatedContext<C extends object = JwtClaims> = Context & {
  state: { auth: VerifiedToken<JwtClaims & C> };
};
