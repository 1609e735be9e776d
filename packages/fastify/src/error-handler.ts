import { clearHeadersForError, isTokengateError, type Gate } from '@tokengate/core';
import type { FastifyError, FastifyInstance } from 'fastify';

/**
 * Wraps the instance's error handler in place: tokengate errors are answered with their
 * status, challenge and JSON body `{ error, error_description }`; anything else goes to the
 * handler that was there before.
 */
export function answerTokengateErrors(fastify: FastifyInstance, gate: Gate): void {
  const previous = fastify.errorHandler;
  fastify.setErrorHandler(function tokengateErrorHandler(error: FastifyError, request, reply) {
    // The brand, not `instanceof`: the verifier may come from the other build of the core.
    if (!isTokengateError(error)) return previous.call(this, error, request, reply);
    error.realm ??= gate.realm;
    if (error.status >= 500) request.log.error({ err: error }, error.message);
    // Fastify's own error path keeps the reply's headers; the answer the app meant to give
    // (`Set-Cookie`, `Cache-Control`, …) must not ride on the 401/403. An answer already
    // started cannot be replaced: Fastify's handler aborts it.
    if (reply.raw.headersSent) return previous.call(this, error, request, reply);
    clearHeadersForError(Object.keys(reply.getHeaders()), reply);
    return reply.code(error.status).headers(error.headers).send(error.toJSON());
  });
}
