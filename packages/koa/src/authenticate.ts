import { createGate, isTokengateError, type GateOptions } from '@tokengate/core';
import type { Context, Middleware, Next } from 'koa';
import { respondWithError } from './respond.js';

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
 * once (it owns the JWKS cache). `close()` on the middleware stops the verifier it built from
 * options (JWKS refresh timers, fetches in flight) for a graceful shutdown; a `verifier` you
 * passed is yours to close.
 *
 * @example
 * ```ts
 * const requireAuth = authenticate({ issuers: [cognitoIssuer({ userPoolId, clientId })] });
 * router.get('/me', requireAuth, (ctx) => { ctx.body = { sub: ctx.state.auth.subject }; });
 * process.once('SIGTERM', () => server.close(() => void requireAuth.close()));
 * ```
 */
export function authenticate(
  options: KoaAuthenticateOptions,
): Middleware & { close(): Promise<void> } {
  const gate = createGate(options, { name: '@tokengate/koa authenticate()', keys: ['respond'] });
  const respond = options.respond !== false;
  return Object.assign(tokengateAuthenticate, { close: gate.close });
  async function tokengateAuthenticate(ctx: Context, next: Next) {
    try {
      const auth = await gate.authenticate({
        rawHeaders: ctx.req.rawHeaders,
        url: ctx.req.url,
        method: ctx.method,
        body: (ctx.request as { body?: unknown }).body,
        // For the verifier's `rejected` event only: @koa/router's matched route pattern.
        route: (ctx as { _matchedRoute?: unknown })._matchedRoute,
      });
      if (auth !== undefined) ctx.state.auth = auth;
      await next();
    } catch (error) {
      // The brand, not `instanceof`: the verifier may come from the other build of the core.
      if (!isTokengateError(error)) throw error;
      error.realm ??= gate.realm;
      if (!respond || !respondWithError(ctx, error)) throw error;
    }
  }
}
