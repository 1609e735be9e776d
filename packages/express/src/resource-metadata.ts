import type { Gate } from '@tokengate/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { GATE } from './realm.js';
import { gateRequest } from './gate-request.js';

/**
 * Express middleware that serves the protected-resource metadata (RFC 9728) of the gate that
 * `requireAuth` (an `authenticate()` middleware built with `resourceMetadata`) uses: `GET` and
 * `HEAD` on `/.well-known/oauth-protected-resource` and its path-suffixed forms (RFC 9728 §3.1)
 * answer with the JSON document; every other request goes on to `next()`. The document is
 * public: mount it before anything that requires a token, so a client without one can read it
 * (RFC 9728 §5: that is how it learns where to get one).
 *
 * It answers from `req.originalUrl`, so mounted under a path (`app.use('/api', …)`) it serves
 * nothing: the well-known path sits at the origin's root (RFC 8615 §3).
 *
 * @example
 * ```ts
 * const requireAuth = authenticate({ issuers: [cognitoIssuer({ userPoolId, clientId })], resourceMetadata: true });
 * app.use(resourceMetadata(requireAuth));
 * app.get('/me', requireAuth, (req, res) => res.json({ sub: req.auth?.subject }));
 * ```
 */
export function resourceMetadata(requireAuth: RequestHandler): RequestHandler {
  const gate = gateOf(requireAuth);
  const path = gate.resourceMetadataPath;
  if (path === undefined) {
    throw new TypeError(
      'resourceMetadata(requireAuth): requireAuth was built without the resourceMetadata option; pass resourceMetadata: true (or its options) to authenticate()',
    );
  }
  return function tokengateResourceMetadata(req: Request, res: Response, next: NextFunction) {
    // RFC 9728 §3.1: the document is read with GET; HEAD is GET without a body (RFC 9110 §9.3.2).
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !req.originalUrl.startsWith(path)) {
      next();
      return;
    }
    const answer = gate.resourceMetadata(gateRequest(req));
    if (answer === undefined) {
      next();
      return;
    }
    // `send()` leaves the body out of a HEAD answer and keeps our `Content-Type`.
    res.status(answer.status).set(answer.headers).send(answer.body);
  };
}

/** The gate `authenticate()` left on its middleware; a `TypeError` for any other function. */
function gateOf(requireAuth: RequestHandler): Gate {
  const gate =
    typeof requireAuth === 'function'
      ? (requireAuth as unknown as Record<symbol, Gate | undefined>)[GATE]
      : undefined;
  if (gate === undefined) {
    throw new TypeError(
      'resourceMetadata(requireAuth): requireAuth must be the middleware authenticate() returned',
    );
  }
  return gate;
}
