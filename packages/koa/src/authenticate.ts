import {
  createGate,
  isTokengateError,
  type BearerRequest,
  type GateOptions,
  type VerifiedToken,
} from '@tokengate/core';
import type { Context, Middleware, Next } from 'koa';
import { GATE } from './gate-key.js';
import { respondWithError } from './respond.js';

/**
 * Options of the Koa {@link authenticate} middleware: the core's {@link GateOptions} (issuers,
 * verifier, realm, optional mode, token sources…) and whether it answers errors itself.
 * Checked once, when the middleware is built, with `TypeError`.
 *
 * @example
 * ```ts
 * const options: KoaAuthenticateOptions = {
 *   issuers: [cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789' })],
 *   respond: false, // my own error middleware answers, reading `status`, `headers` and `expose`
 * };
 * app.use(authenticate(options));
 * ```
 */
export type KoaAuthenticateOptions = GateOptions & {
  /**
   * Answer tokengate errors raised here or further down (e.g. by `authorize()`) with their
   * status, challenge and JSON body. Default `true`; `false` lets them propagate to your own
   * error middleware (they carry `status`, `headers` and `expose`).
   */
  readonly respond?: boolean;
};

const ADAPTER = '@tokengate/koa authenticate()';

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
export function authenticate(options: KoaAuthenticateOptions): Middleware & {
  /** Stops the verifier built from `options` (JWKS refresh timers, fetches in flight). */
  close(): Promise<void>;
} {
  // Checked before the gate is built, so a mistake leaves nothing running. A truthy stand-in
  // (`'false'`, `0` from an env variable) must not silently mean `true`.
  const given = (options as { respond?: unknown } | null | undefined)?.respond;
  if (given !== undefined && typeof given !== 'boolean') {
    throw new TypeError(
      `${ADAPTER}: respond must be a boolean, got ${typeof given === 'string' ? JSON.stringify(given) : String(given)}`,
    );
  }
  const gate = createGate(options, { name: ADAPTER, keys: ['respond'] });
  const respond = given !== false;
  return Object.assign(tokengateAuthenticate, { close: gate.close, [GATE]: gate });
  // Not `async`: a cached token is answered without a promise of its own (see
  // `gate.authenticateFast`); a refusal here or further down (e.g. `authorize()`) comes back
  // through `fail`, which answers it with the gate's challenges.
  function tokengateAuthenticate(ctx: Context, next: Next): Promise<void> | void {
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
    let outcome;
    try {
      outcome = gate.authenticateFast(request);
    } catch (error) {
      return fail(ctx, request, error);
    }
    if (outcome instanceof Promise) {
      return outcome.then(
        (auth) => proceed(ctx, next, request, auth),
        (error: unknown) => fail(ctx, request, error),
      );
    }
    return proceed(ctx, next, request, outcome);
  }

  function proceed(
    ctx: Context,
    next: Next,
    request: BearerRequest,
    auth: VerifiedToken | undefined,
  ): Promise<void> {
    if (auth !== undefined) ctx.state.auth = auth;
    // RFC 9449 §8.2: with server nonces on, every answer carries the nonce to use next.
    const nonce = gate.dpopNonce();
    if (typeof nonce === 'string') ctx.set('DPoP-Nonce', nonce);
    else if (nonce !== undefined) {
      return nonce.then((value) => {
        if (value !== undefined) ctx.set('DPoP-Nonce', value);
        return next().then(undefined, (error: unknown) => fail(ctx, request, error));
      });
    }
    return next().then(undefined, (error: unknown) => fail(ctx, request, error));
  }

  function fail(ctx: Context, request: BearerRequest, error: unknown): void {
    // The brand, not `instanceof`: the verifier may come from the other build of the core.
    if (!isTokengateError(error)) throw error;
    gate.challenge(error, request, ctx.state.auth);
    if (!respond || !respondWithError(ctx, error)) throw error;
  }
}
