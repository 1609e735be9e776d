import { createGate, isTokengateError, type GateOptions } from '@tokengate/core';
import type { Context, Middleware, Next } from 'koa';
import { GATE } from './gate-key.js';
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
  return Object.assign(tokengateAuthenticate, { close: gate.close, [GATE]: gate });
  async function tokengateAuthenticate(ctx: Context, next: Next) {
    const request = {
      rawHeaders: ctx.req.rawHeaders,
      url: ctx.req.url,
      // Before a mount rewrote `ctx.url`: what a DPoP proof's `htu` names (RFC 9449 §4.3).
      originalUrl: ctx.originalUrl,
      method: ctx.method,
      body: (ctx.request as { body?: unknown }).body,
      socket: ctx.req.socket,
      // For the verifier's `rejected` event only: @koa/router's matched route pattern.
      route: (ctx as { _matchedRoute?: unknown })._matchedRoute,
    };
    try {
      const auth = await gate.authenticate(request);
      if (auth !== undefined) ctx.state.auth = auth;
      // RFC 9449 §8.2: with server nonces on, every answer carries the nonce to use next.
      const nonce = gate.dpopNonce();
      const value = typeof nonce === 'string' || nonce === undefined ? nonce : await nonce;
      if (value !== undefined) ctx.set('DPoP-Nonce', value);
      await next();
    } catch (error) {
      // The brand, not `instanceof`: the verifier may come from the other build of the core.
      if (!isTokengateError(error)) throw error;
      // `authorize()` below throws through here: its answer gets the gate's challenges too.
      gate.challenge(error, request, ctx.state.auth);
      if (!respond || !respondWithError(ctx, error)) throw error;
    }
  }
}
