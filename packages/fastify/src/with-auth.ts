import { isVerifiedToken, MissingTokenError, type VerifiedToken } from '@tokengate/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from './fastify-augmentation.js';

/**
 * Wraps a route handler so that `request.auth` is typed as set, and is set: Fastify's types
 * cannot narrow the request from `config: { auth }` or an `onRequest` hook, so the wrapper
 * checks, at run time, that tokengate verified this request (fail closed). Without a verified
 * token (no `config.auth` or `app.authenticate` on the route, optional mode with no token, a
 * `request.auth` set by something else) the handler does not run and a 401
 * `MissingTokenError` goes to Fastify's error handler.
 *
 * Custom claims: annotate `request` with `AuthenticatedRequest<C>`, or pass `C` explicitly
 * (`withAuth<{ 'custom:tenant': string }>((request) => …)`); app-wide claims come from
 * `TokengateClaims`. Unwrapped handlers keep `request.auth: VerifiedToken | null`.
 *
 * @example
 * ```ts
 * app.get('/me', { config: { auth: true } }, withAuth(async (request) => ({ sub: request.auth.subject })));
 * app.get('/users/:id', { config: { auth: true } }, withAuth(
 *   async (request: AuthenticatedRequest<object, FastifyRequest<{ Params: { id: string } }>>) =>
 *     ({ id: request.params.id, by: request.auth.subject }),
 * ));
 * ```
 */
export function withAuth<
  C extends object = object,
  Req extends {
    /** As the plugin declares it on `FastifyRequest`. */
    auth: VerifiedToken | null;
  } = FastifyRequest,
  Reply = FastifyReply,
  This = FastifyInstance,
  R = unknown,
>(
  handler: (this: This, request: AuthenticatedRequest<C, Req>, reply: Reply) => R,
): (this: This, request: Req, reply: Reply) => R {
  if (typeof handler !== 'function') {
    throw new TypeError('withAuth(): handler must be a function');
  }
  return function tokengateWithAuth(this: This, request: Req, reply: Reply): R {
    // Only tokengate's result counts. Thrown, not returned: Fastify answers a handler's throw
    // through its error handler, sync or async, and the plugin's sets the realm.
    if (!isVerifiedToken(request.auth)) throw new MissingTokenError();
    // The claims type `C` is the app's promise about its tokens (like a typed body); that a
    // token was verified is what was just checked.
    return handler.call(this, request as AuthenticatedRequest<C, Req>, reply);
  };
}
