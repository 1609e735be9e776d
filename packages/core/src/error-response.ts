import { isTokengateError, type TokengateError } from './errors/errors.js';

/**
 * The Fetch-API answer to a `TokengateError`: the error's status, its headers (the RFC 6750 §3
 * `WWW-Authenticate` challenge on 401/403, `Retry-After` on 503) and the JSON body
 * `{ error, error_description }`, as the Express, Koa and Fastify adapters answer; and, since a
 * `Response` may be handed to any cache on the edge, `Cache-Control: no-store`, so none keeps a
 * 401/403 in place of the resource (RFC 9111 §5.2.2.5). For Hono, Workers, Bun, Deno or any
 * handler that returns a `Response`.
 *
 * @example
 * ```ts
 * try {
 *   const auth = await gate.authenticateRequest(request);
 * } catch (error) {
 *   if (isTokengateError(error)) return tokengateErrorResponse(error);
 *   throw error;
 * }
 * ```
 */
export function tokengateErrorResponse(error: TokengateError): Response {
  // The brand, not `instanceof`: the error may come from another copy of the core.
  if (!isTokengateError(error)) {
    throw new TypeError('tokengateErrorResponse(): error must be a TokengateError');
  }
  const headers = new Headers(error.headers);
  headers.set('content-type', 'application/json; charset=utf-8');
  headers.set('cache-control', 'no-store');
  return new Response(JSON.stringify(error.toJSON()), { status: error.status, headers });
}
