import type { JwtClaims, TokengateClaims, VerifiedToken } from '@tokengate/core';
import type { Context, ParameterizedContext } from 'koa';

declare module 'koa' {
  interface DefaultState {
    /**
     * The verified token, set by `authenticate()`; absent for anonymous requests in optional
     * mode. Optional here because Koa types one state for every route: a handler wrapped in
     * `withAuth()` gets it non-optional.
     */
    auth?: VerifiedToken;
  }
}

/**
 * A context that passed `authenticate()`: `ctx.state.auth` is set, with the app's claims
 * (`TokengateClaims`) and this route's own `C`. `Ctx` is the context it extends: Koa's
 * `Context` by default, or a router's (`RouterContext` from `@koa/router`, for `ctx.params`).
 *
 * @example
 * ```ts
 * router.get('/tenant', requireAuth, withAuth((ctx: AuthenticatedContext<{ 'custom:tenant': string }>) => {
 *   ctx.body = { tenant: ctx.state.auth.claims['custom:tenant'] };
 * }));
 * ```
 */
export type AuthenticatedContext<
  C extends object = object,
  Ctx extends ParameterizedContext = Context,
> = Ctx & {
  /** Koa's per-request state, where `authenticate()` put the token. */
  state: {
    /** The verified token, with the app's claims and the route's `C`. */
    auth: VerifiedToken<JwtClaims & TokengateClaims & C>;
  };
};
