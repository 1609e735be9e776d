import { createGate, TokengateError, type GateOptions } from '@tokengate/core';
import type { Context, Middleware, Next } from 'koa';
import { respondWithError } from './internal/respond.js';

export type KoaAuthenticateOptions = GateOptions & {
  /**
   * Answer tokengate errors raised here or further down (e.g. by `authorize()`) with their
   * status, challenge and JSON body. Default `true`; `false` lets them propagate to your own
   * error middleware (they carry `status`, `headers` and `expose`).
   */
  readonly respond?: boolean;
};

/**
 * Koa middleware that verifies the request's bearer token and sets `ctx.state.auth`. Build it
 * once (it owns the JWKS cache).
 *
 * @example
 * ```ts
 * const requireAuth = authenticate({ issuers: [cognitoIssuer({ userPoolId, clientId })] });
 * router.get('/me', requireAuth, (ctx) => { ctx.body = { sub: ctx.state.auth.subject }; });
 * ```
 */
export function authenticate(options: KoaAuthenticateOptions): Middleware {
  const gate = createGate(options);
  const respond = options.respond !== false;
  return async function tokengateAuthenticate(ctx: Context, next: Next) {
    try {
      const auth = await gate.authenticate({
        rawHeaders: ctx.req.rawHeaders,
        url: ctx.req.url,
        method: ctx.method,
        body: (ctx.request as { body?: unknown }).body,
      });
      if (auth !== undefined) ctx.state.auth = auth;
      await next();
    } catch (error) {
      if (!(error instanceof TokengateError)) throw error;
      error.realm ??= gate.realm;
      if (!respond) throw error;
      respondWithError(ctx, error);
    }
  };
}
