import { TokengateError } from '@tokengate/core';
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';

/**
 * Express error middleware that answers tokengate errors with their status, the RFC 6750
 * `WWW-Authenticate` challenge and a JSON body `{ error, error_description }`. Other errors
 * pass through to your own handlers. Register it after your routes.
 *
 * @example
 * ```ts
 * app.use(errorHandler());
 * ```
 */
export function errorHandler(): ErrorRequestHandler {
  return function tokengateErrorHandler(
    error: unknown,
    _req: Request,
    res: Response,
    next: NextFunction,
  ) {
    if (!(error instanceof TokengateError) || res.headersSent) {
      next(error);
      return;
    }
    res.status(error.status).set(error.headers).json(error.toJSON());
  };
}
