import { clearHeadersForError, type Gate, type TokengateError } from '@tokengate/core';
import type { REALM } from './tokens.js';

/**
 * The request and response shapes this package reads, on Nest's Express and Fastify platforms,
 * without importing either framework: Express hands Nest Node's `req`/`res` (extended), Fastify
 * its `request`/`reply` wrappers around them.
 */
/** What `gate.authenticate()` reads. */
type GateRequest = Parameters<Gate['authenticate']>[0];

export interface PlatformRequest {
  auth?: unknown;
  [REALM]?: string | undefined;
  // Express (Node's IncomingMessage)
  readonly rawHeaders?: readonly string[];
  readonly url?: string;
  readonly method?: string;
  readonly body?: unknown;
  readonly route?: unknown;
  readonly originalUrl?: string;
  readonly originalMethod?: string;
  readonly socket?: object;
  // Fastify
  readonly raw?: {
    readonly rawHeaders: readonly string[];
    readonly url?: string | undefined;
    readonly socket?: object;
  };
  readonly id?: unknown;
  readonly routeOptions?: { readonly url?: string | undefined };
}

interface FastifyReplyLike {
  readonly raw: { readonly headersSent: boolean };
  getHeaders(): Record<string, unknown>;
  removeHeader(name: string): unknown;
  code(status: number): FastifyReplyLike;
  headers(values: Record<string, string>): unknown;
}

interface NodeResponseLike {
  readonly headersSent: boolean;
  statusCode: number;
  getHeaderNames(): string[];
  removeHeader(name: string): unknown;
  setHeader(name: string, value: string): unknown;
}

/**
 * What the core reads from a request, field by field: never the platform's request object
 * itself, whose other properties (`identity`, `origin`, set by the app) the core would read as
 * its own. Express's `req` carries the fields; a Fastify request keeps the Node request under
 * `raw`.
 */
export function gateRequest(request: PlatformRequest): GateRequest {
  if (Array.isArray(request.rawHeaders)) {
    return {
      rawHeaders: request.rawHeaders,
      url: request.url,
      originalUrl: request.originalUrl,
      // The method on the wire, before a method override.
      method: request.originalMethod ?? request.method,
      body: request.body,
      socket: request.socket,
      // For the verifier's `rejected` event only.
      route: request.route,
    };
  }
  const raw = request.raw;
  // Neither platform (a custom adapter): no headers to read, so no token: fail closed.
  if (raw === undefined) return { rawHeaders: [], method: request.method };
  return {
    rawHeaders: raw.rawHeaders,
    url: raw.url,
    socket: raw.socket,
    method: request.method,
    body: request.body,
    // For the verifier's `rejected` event only.
    route: request.routeOptions?.url,
    id: request.id,
  };
}

/**
 * Sets the error's status and headers (the RFC 6750 §3 challenge, `Retry-After`) on the
 * response before the exception leaves the guard. Nest's `HttpException` carries a status and a
 * body but no headers, and whichever exception filter answers (Nest's own, or a global one the
 * app registered) replies on this same response, so the challenge reaches the client either
 * way. What the app set for the answer it meant to give (`Set-Cookie`, `Cache-Control`, …) is
 * removed first, as in the other adapters; CORS and security headers stay.
 */
export function primeResponse(response: unknown, error: TokengateError): void {
  if (typeof response !== 'object' || response === null) return;
  if ('raw' in response && 'code' in response) {
    const reply = response as FastifyReplyLike;
    if (reply.raw.headersSent) return;
    clearHeadersForError(Object.keys(reply.getHeaders()), reply);
    reply.code(error.status).headers(error.headers);
    return;
  }
  if ('setHeader' in response && 'getHeaderNames' in response) {
    const res = response as NodeResponseLike;
    if (res.headersSent) return;
    clearHeadersForError(res.getHeaderNames(), res);
    res.statusCode = error.status;
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  }
}

/** Sets one header on either platform's response, unless the answer has started. */
export function setHeader(response: unknown, name: string, value: string): void {
  if (typeof response !== 'object' || response === null) return;
  if ('raw' in response && 'code' in response) {
    const reply = response as FastifyReplyLike;
    if (!reply.raw.headersSent) reply.headers({ [name]: value });
    return;
  }
  if ('setHeader' in response) {
    const res = response as NodeResponseLike;
    if (!res.headersSent) res.setHeader(name, value);
  }
}
