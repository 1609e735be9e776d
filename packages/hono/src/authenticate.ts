import {
  createGate,
  isTokengateError,
  tokengateErrorResponse,
  type GateOptions,
} from '@tokengate/core';
import type { MiddlewareHandler } from 'hono';
import type { AuthEnv, OptionalAuthEnv } from './env.js';
import { GATE_KEY, REALM_KEY } from './realm.js';
import { requestSource } from './request-source.js';

/**
 * Options of the Hono {@link authenticate} middleware: the core's {@link GateOptions}
 * (issuers, verifier, realm, optional mode, token sources…). Checked once, when the middleware
 * is built, with `TypeError`.
 *
 * @example
 * ```ts
 * const options: HonoAuthenticateOptions = {
 *   issuers: [oidcIssuer({ issuer: 'https://auth.example.com/', audience: 'https://api.example.com' })],
 *   realm: 'api',
 * };
 * const requireAuth = authenticate(options);
 * ```
 */
export type HonoAuthenticateOptions = GateOptions;

/**
 * `authenticate()`'s middleware: a Hono middleware plus `close()` for a graceful shutdown.
 *
 * @example
 * ```ts
 * const requireAuth: AuthenticateMiddleware<AuthEnv> = authenticate({ issuers });
 * process.once('SIGTERM', () => void requireAuth.close());
 * ```
 */
export type AuthenticateMiddleware<E extends AuthEnv | OptionalAuthEnv> = MiddlewareHandler<E> & {
  /** Stops the verifier built from the options (JWKS refresh timers, fetches in flight). */
  close(): Promise<void>;
};

/**
 * Hono middleware that verifies the request's bearer token and sets `c.get('auth')`, typed for
 * the handlers after it. Build it once (it owns the JWKS cache). Tokengate errors are answered
 * here, as a `Response` with status, RFC 6750 challenge and JSON body, so no `app.onError` can
 * turn a 401 into a 500. `close()` stops the verifier it built from options (JWKS refresh
 * timers, fetches in flight); a `verifier` you passed is yours to close.
 *
 * Runs wherever Hono does: it reads only the Fetch `Request` (and, on `@hono/node-server`, the
 * raw header lines, to refuse duplicated `Authorization` headers exactly as on Node).
 *
 * @example
 * ```ts
 * const requireAuth = authenticate({ issuers: [cognitoIssuer({ userPoolId, clientId })] });
 * app.get('/me', requireAuth, (c) => c.json({ sub: c.get('auth').subject }));
 * ```
 */
export function authenticate<C extends object = object>(
  options: HonoAuthenticateOptions & { readonly optional: true },
): AuthenticateMiddleware<OptionalAuthEnv<C>>;
export function authenticate<C extends object = object>(
  options: HonoAuthenticateOptions & { readonly optional?: false | undefined },
): AuthenticateMiddleware<AuthEnv<C>>;
export function authenticate<C extends object = object>(
  options: HonoAuthenticateOptions,
): AuthenticateMiddleware<AuthEnv<C> | OptionalAuthEnv<C>>;
export function authenticate(
  options: HonoAuthenticateOptions,
): MiddlewareHandler & { close(): Promise<void> } {
  const gate = createGate(options, { name: '@tokengate/hono authenticate()' });
  const realm = gate.realm;
  const middleware: MiddlewareHandler<OptionalAuthEnv> = async function tokengateAuthenticate(
    c,
    next,
  ) {
    try {
      c.set('auth', await gate.authenticateRequest(c.req.raw, requestSource(c)));
      // RFC 9449 §8.2: with server nonces on, every answer carries the nonce to use next.
      const nonce = gate.dpopNonce();
      const value = typeof nonce === 'string' || nonce === undefined ? nonce : await nonce;
      if (value !== undefined) c.header('DPoP-Nonce', value);
    } catch (error) {
      // The brand, not `instanceof`: the verifier may come from the other build of the core.
      if (!isTokengateError(error)) throw error;
      error.realm ??= realm;
      return tokengateErrorResponse(error);
    }
    (c.set as (key: string, value: unknown) => void)(REALM_KEY, realm);
    (c.set as (key: string, value: unknown) => void)(GATE_KEY, gate);
    await next();
  };
  return Object.assign(middleware, { close: gate.close, [GATE_KEY]: gate });
}
