import { clearHeadersForError, isTokengateError, type Gate } from '@tokengate/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** What the core reads of a Fastify request; `raw.url` is the target as received. */
export function gateRequest(request: FastifyRequest) {
  return {
    rawHeaders: request.raw.rawHeaders,
    url: request.raw.url,
    method: request.method,
    body: request.body,
    socket: request.raw.socket,
    // For the verifier's `rejected` event only.
    route: request.routeOptions.url,
    id: request.id,
  };
}

/**
 * The status and challenge go on the reply before a tokengate error leaves a hook, so they
 * survive whatever error handler answers it: `app.setErrorHandler()` called after this plugin
 * replaces ours, and Fastify calls a custom handler with the reply as the hook left it (no
 * status, no `err.headers` applied; only its default handler reads them). A handler that sends
 * its own body (`reply.send({ msg })`) thus still answers 401 with `WWW-Authenticate`.
 */
export function primeReply(gate: Gate, reply: FastifyReply, error: unknown): void {
  if (!isTokengateError(error) || reply.raw.headersSent) return;
  error.realm ??= gate.realm;
  // As in our handler: what the app set for the answer it meant to give must not ride on it.
  clearHeadersForError(Object.keys(reply.getHeaders()), reply);
  reply.code(error.status).headers(error.headers);
}

/**
 * A refusal of a guard, answered with the gate's challenges (RFC 9449 §7.1, RFC 9470 §3) and
 * primed on the reply; the error is handed back for Fastify's error path.
 */
export function refuseRequest(
  gate: Gate,
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
): unknown {
  if (isTokengateError(error)) gate.challenge(error, gateRequest(request), request.auth);
  primeReply(gate, reply, error);
  return error;
}
