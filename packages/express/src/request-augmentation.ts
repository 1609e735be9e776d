import type { JwtClaims, TokengateClaims, VerifiedToken } from '@tokengate/core';
import type { Request } from 'express';

declare global {
  // Express's own extension point for request properties.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /**
       * The verified token, set by `authenticate()`; absent for anonymous requests in optional
       * mode. Optional here because Express types one `Request` for every route: a handler
       * wrapped in `withAuth()` gets it non-optional.
       */
      auth?: VerifiedToken;
    }
  }
}

/**
 * A request that passed `authenticate()`: `auth` is set, with the app's claims
 * (`TokengateClaims`) and this route's own `C`. The other parameters are Express's own
 * (`Request<P, ResBody, ReqBody, ReqQuery, Locals>`). Annotate a handler wrapped in
 * `withAuth()` with it; Express cannot prove `auth` for a bare handler, so there it does not
 * compile.
 *
 * @example
 * ```ts
 * app.get('/tenant', requireAuth, withAuth((req: AuthenticatedRequest<{ 'custom:tenant': string }>, res) => {
 *   res.json({ tenant: req.auth.claims['custom:tenant'] });
 * }));
 * ```
 */
export type AuthenticatedRequest<
  C extends object = object,
  P = Request['params'],
  // Express's own defaults for these.
  /* eslint-disable @typescript-eslint/no-explicit-any */
  ResBody = any,
  ReqBody = any,
  ReqQuery = Request['query'],
  Locals extends Record<string, any> = Record<string, any>,
  /* eslint-enable @typescript-eslint/no-explicit-any */
> = Request<P, ResBody, ReqBody, ReqQuery, Locals> & {
  /** The verified token, with the app's claims and the route's `C`. */
  auth: VerifiedToken<JwtClaims & TokengateClaims & C>;
};
