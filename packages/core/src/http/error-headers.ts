/**
 * Where response headers can be removed: Node's `ServerResponse`, Fastify's `reply`.
 *
 * @example
 * ```ts
 * const headers: RemovableHeaders = res; // Node's ServerResponse, or Fastify's reply
 * clearHeadersForError(res.getHeaderNames(), headers);
 * ```
 */
export interface RemovableHeaders {
  /** Removes one header that has not been sent yet. */
  removeHeader(name: string): unknown;
}

/**
 * Headers that describe the origin rather than the resource, and so stay on an error answer:
 * CORS (the Fetch standard's CORS check, https://fetch.spec.whatwg.org/#cors-check: without
 * `Access-Control-Allow-Origin` a browser app cannot read the 401 and its challenge, and
 * `Vary: Origin` must travel with it, RFC 9110 §12.5.5) and the security headers a framework
 * adds to every response. Everything else is dropped: allow-list, so an unknown header fails
 * closed.
 */
const KEPT = new Set([
  'vary',
  'strict-transport-security',
  'content-security-policy',
  'x-content-type-options',
  'x-frame-options',
  'referrer-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'cross-origin-embedder-policy',
  'permissions-policy',
]);

/**
 * Removes the headers an app set for the answer it meant to give before a tokengate error
 * replaced it, as Koa's own `ctx.onerror` does: a `Set-Cookie` for a session the request may
 * not have, `Cache-Control: public` or an `ETag` that would let a cache keep the 401/403 in
 * place of the resource, `Location`, `Content-Disposition` or headers computed for the
 * refused user. The adapters call it before setting the error's own headers (RFC 6750 §3
 * challenge, `Retry-After`), and only while the headers are not yet sent.
 *
 * @example
 * ```ts
 * clearHeadersForError(res.getHeaderNames(), res);
 * res.writeHead(error.status, error.headers).end(JSON.stringify(error.toJSON()));
 * ```
 */
export function clearHeadersForError(names: Iterable<string>, target: RemovableHeaders): void {
  for (const name of names) {
    const lower = name.toLowerCase();
    if (!KEPT.has(lower) && !lower.startsWith('access-control-')) target.removeHeader(name);
  }
}
