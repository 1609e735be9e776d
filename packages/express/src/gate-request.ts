import type { Gate } from '@tokengate/core';
import type { Request } from 'express';

/**
 * What the core reads of an Express request, field by field: never the `req` object itself,
 * whose other properties (`req.identity`, `req.origin`, set by the app's own middleware) the
 * core would otherwise read as its own. `originalUrl`: the target before a router stripped
 * its mount path; `originalMethod`: the method on the wire, before a method override (a
 * cookie token's CSRF check and a DPoP proof's `htm` are about that one).
 *
 * @example
 * ```ts
 * const answer = gate.resourceMetadata(gateRequest(req));
 * ```
 */
export function gateRequest(req: Request): Parameters<Gate['authenticate']>[0] {
  return {
    rawHeaders: req.rawHeaders,
    url: req.url,
    originalUrl: req.originalUrl,
    method: (req as { originalMethod?: string }).originalMethod ?? req.method,
    body: req.body as unknown,
    socket: req.socket,
    // For the verifier's `rejected` event only.
    route: req.route as unknown,
  };
}
