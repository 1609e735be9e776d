import { clearHeadersForError, isTokengateError } from '@tokengate/core';
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
    // The brand, not `instanceof`: the verifier may come from the other build of the core.
    if (!isTokengateError(error) || res.headersSent) {
      next(error);
      return;
    }
    // What the app set for the answer it meant to give (`Set-Cookie`, `Cache-Control`, …) must
    // not ride on the 401/403, as in Koa's own error path; CORS and security headers stay.
    clearHeadersForError(res.getHeaderNames(), res);
    res.status(error.status).set(error.headers).json(error.toJSON());
  };
}
