import { isVerifiedToken, MissingTokenError } from '@tokengate/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { REALM } from './realm.js';
import type { AuthenticatedRequest } from './request-augmentation.js';

/**
 * A route handler that runs only on requests `authenticate()` verified, so `req.auth` is typed
 * non-optional, with the app's claims and this route's `C`.
 *
 * @example
 * ```ts
 * app.get('/me', requireAuth, withAuth((req, res) => {
 *   res.json({ sub: req.auth.subject });
 * }));
 * app.get('/tenant', requireAuth, withAuth((req: AuthenticatedRequest<{ 'custom:tenant': string }>, res) => {
 *   res.json({ tenant: req.auth.claims['custom:tenant'] });
 * }));
 * ```
 */
export type AuthenticatedHandler<
  C extends object = object,
  P = Request['params'],
  /* eslint-disable @typescript-eslint/no-explicit-any -- Express's own defaults */
  ResBody = any,
  ReqBody = any,
  ReqQuery = Request['query'],
  Locals extends Record<string, any> = Record<string, any>,
  /* eslint-enable @typescript-eslint/no-explicit-any */
> = (
  req: AuthenticatedRequest<C, P, ResBody, ReqBody, ReqQuery, Locals>,
  res: Response<ResBody, Locals>,
  next: NextFunction,
) => unknown;

/**
 * Wraps a route handler so that `req.auth` is typed as set, and is set: Express's types cannot
 * narrow `req` from a middleware earlier on the route, so the wrapper checks, at run time,
 * that `authenticate()` verified this request (fail closed). Without a verified token (no
 * `authenticate()` in front, optional mode with no token, a `req.auth` set by another
 * middleware) the handler does not run and `next()` gets a 401 `MissingTokenError`.
 *
 * Custom claims: annotate `req` with `AuthenticatedRequest<C>`, or pass `C` explicitly
 * (`withAuth<{ 'custom:tenant': string }>((req, res) => …)`); app-wide claims come from
 * `TokengateClaims`. A rejected promise goes to `next(err)`, on Express 4 as on 5.
 *
 * @example
 * ```ts
 * app.get('/me', requireAuth, withAuth((req, res) => res.json({ sub: req.auth.subject })));
 * app.get('/admin', requireAuth, authorize(anyGroup('admin')), withAuth((req, res) => {
 *   res.json({ groups: req.auth.groups });
 * }));
 * ```
 */
export function withAuth<
  C extends object = object,
  P = Request['params'],
  /* eslint-disable @typescript-eslint/no-explicit-any -- Express's own defaults */
  ResBody = any,
  ReqBody = any,
  ReqQuery = Request['query'],
  Locals extends Record<string, any> = Record<string, any>,
  /* eslint-enable @typescript-eslint/no-explicit-any */
>(
  handler: AuthenticatedHandler<C, P, ResBody, ReqBody, ReqQuery, Locals>,
): RequestHandler<P, ResBody, ReqBody, ReqQuery, Locals> {
  if (typeof handler !== 'function') {
    throw new TypeError('withAuth(): handler must be a function');
  }
  return function tokengateWithAuth(req, res, next): void {
    // Only `authenticate()`'s result counts, not any `req.auth` (express-jwt sets one too).
    if (!isVerifiedToken(req.auth)) {
      const realm = (req as unknown as Record<symbol, string | undefined>)[REALM];
      next(new MissingTokenError({ realm }));
      return;
    }
    // The claims type `C` is the app's promise about its tokens (like a typed `req.body`);
    // that a token was verified is what was just checked.
    const result = handler(
      req as AuthenticatedRequest<C, P, ResBody, ReqBody, ReqQuery, Locals>,
      res,
      next,
    );
    // Express 5 forwards a rejected promise to `next(err)`; Express 4 does not, so do it here.
    if (isPromiseLike(result)) result.then(undefined, (error: unknown) => next(error ?? failed()));
  };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Express 5's answer to a promise rejected without a reason. */
function failed(): Error {
  return new Error('Rejected promise');
}
