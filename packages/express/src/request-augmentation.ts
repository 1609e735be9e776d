import type { JwtClaims, VerifiedToken } from '@tokengate/core';
import type { Request } from 'express';

declare global {
  // Express's own extension point for request properties.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified token, set by `authenticate()`; absent for anonymous requests in optional mode. */
      auth?: VerifiedToken;
    }
  }
}

/**
 * A request that passed `authenticate()`, with your own claims type.
 *
 * @example
 * ```ts
 * app.get('/tenant', requireAuth, (req, res) => {
 *   const { claims } = (req as AuthenticatedRequest<{ 'custom:tenant': string }>).auth;
 *   res.json({ tenant: claims['custom:tenant'] });
 * });
 * ```
 */
export type AuthenticatedRequest<C extends object = JwtClaims> = Request & {
  auth: VerifiedToken<JwtClaims & C>;
};
