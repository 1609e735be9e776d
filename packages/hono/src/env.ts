import type { JwtClaims, TokengateClaims, VerifiedToken } from '@tokengate/core';

/**
 * The Hono `Env` of routes behind `authenticate()`: `c.get('auth')` (and `c.var.auth`) is the
 * verified token, with the app's claims (`TokengateClaims`) and this route's own `C`. Hono
 * merges a middleware's `Env` into the handlers after it, so no global augmentation is needed.
 *
 * @example
 * ```ts
 * const app = new Hono<AuthEnv<{ 'custom:tenant': string }>>();
 * app.get('/tenant', (c) => c.json({ tenant: c.get('auth').claims['custom:tenant'] }));
 * ```
 */
export interface AuthEnv<C extends object = object> {
  /** What `c.get()` and `c.var` hold. */
  Variables: {
    /** The verified token, with the app's claims and the route's `C`. */
    auth: VerifiedToken<JwtClaims & TokengateClaims & C>;
  };
}

/**
 * The `Env` of routes behind `authenticate({ optional: true })`: no token, no `auth`.
 *
 * @example
 * ```ts
 * const app = new Hono<OptionalAuthEnv>();
 * app.get('/', authenticate({ issuers, optional: true }), (c) =>
 *   c.text(c.get('auth') === undefined ? 'hello, stranger' : `hello, ${c.get('auth')!.subject}`),
 * );
 * ```
 */
export interface OptionalAuthEnv<C extends object = object> {
  /** What `c.get()` and `c.var` hold. */
  Variables: {
    /** The verified token, or `undefined` for an anonymous request. */
    auth: VerifiedToken<JwtClaims & TokengateClaims & C> | undefined;
  };
}
