import type { Gate } from '@tokengate/core';
import type { PlatformRequest } from './platform.js';

/**
 * What the middleware writes to: Node's `ServerResponse`, which Nest hands to middleware on
 * both platforms (Express's `res` extends it; on Fastify, middleware gets `reply.raw`).
 */
interface NodeResponseLike {
  readonly headersSent: boolean;
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body?: string): unknown;
}

/** Nest middleware's request: Express's `req`, or on Fastify the Node request middie passes. */
type MiddlewareRequest = Pick<
  PlatformRequest,
  'rawHeaders' | 'url' | 'originalUrl' | 'method' | 'socket'
>;

/**
 * The middleware `TokengateModule` applies to every route when the gate serves RFC 9728
 * metadata: `GET`/`HEAD` on the well-known path and its path-suffixed forms (RFC 9728 §3.1) are
 * answered with the document; everything else goes on to `next()`. Middleware runs before any
 * guard, so the document never needs a token, even with `TokengateGuard` as `APP_GUARD`; and it
 * is written to Node's response, the same on Nest's Express and Fastify platforms.
 *
 * The target is `originalUrl` (set by Express, and by middie on Fastify), as received: a mount
 * may have rewritten `url`.
 */
export function resourceMetadataMiddleware(
  gate: Gate,
  path: string,
): (req: MiddlewareRequest, res: NodeResponseLike, next: () => void) => void {
  return function tokengateResourceMetadata(req, res, next) {
    const method = req.method;
    const target = req.originalUrl ?? req.url;
    // RFC 9728 §3.1: the document is read with GET; HEAD is GET without a body (RFC 9110 §9.3.2).
    if (
      (method !== 'GET' && method !== 'HEAD') ||
      target === undefined ||
      !target.startsWith(path) ||
      !Array.isArray(req.rawHeaders) ||
      res.headersSent
    ) {
      next();
      return;
    }
    const answer = gate.resourceMetadata({
      rawHeaders: req.rawHeaders,
      url: target,
      originalUrl: target,
      method,
      socket: req.socket,
    });
    if (answer === undefined) {
      next();
      return;
    }
    res.writeHead(answer.status, {
      ...answer.headers,
      // The same length for HEAD as for GET (RFC 9110 §8.6).
      'Content-Length': String(Buffer.byteLength(answer.body)),
    });
    res.end(method === 'HEAD' ? undefined : answer.body);
  };
}
