import type { Gate } from '@tokengate/core';
import type { Context, Middleware, Next } from 'koa';
import { GATE } from './gate-key.js';

/**
 * Koa middleware that serves the protected-resource metadata (RFC 9728) of the gate that
 * `requireAuth` (an `authenticate()` middleware built with `resourceMetadata`) uses: `GET` and
 * `HEAD` on `/.well-known/oauth-protected-resource` and its path-suffixed forms (RFC 9728 §3.1)
 * answer with the JSON document; every other request goes on to `next()`. The document is
 * public: use it before anything that requires a token, so a client without one can read it
 * (RFC 9728 §5: that is how it learns where to get one).
 *
 * It answers from `ctx.originalUrl`, so behind a mount (`koa-mount`, a router prefix) it serves
 * nothing: the well-known path sits at the origin's root (RFC 8615 §3).
 *
 * @example
 * ```ts
 * const requireAuth = authenticate({ issuers: [cognitoIssuer({ userPoolId, clientId })], resourceMetadata: true });
 * app.use(resourceMetadata(requireAuth));
 * app.use(requireAuth);
 * ```
 */
export function resourceMetadata(requireAuth: Middleware): Middleware {
  const gate = gateOf(requireAuth);
  const path = gate.resourceMetadataPath;
  if (path === undefined) {
    throw new TypeError(
      'resourceMetadata(requireAuth): requireAuth was built without the resourceMetadata option; pass resourceMetadata: true (or its options) to authenticate()',
    );
  }
  return async function tokengateResourceMetadata(ctx: Context, next: Next) {
    // RFC 9728 §3.1: the document is read with GET; HEAD is GET without a body (RFC 9110 §9.3.2).
    if ((ctx.method === 'GET' || ctx.method === 'HEAD') && ctx.originalUrl.startsWith(path)) {
      const answer = gate.resourceMetadata({
        rawHeaders: ctx.req.rawHeaders,
        url: ctx.req.url,
        originalUrl: ctx.originalUrl,
        method: ctx.method,
        socket: ctx.req.socket,
      });
      if (answer !== undefined) {
        ctx.status = answer.status;
        ctx.set(answer.headers);
        // `Content-Type` is set, so Koa keeps it; it leaves the body out of a HEAD answer.
        ctx.body = answer.body;
        return;
      }
    }
    await next();
  };
}

/** The gate `authenticate()` left on its middleware; a `TypeError` for any other function. */
function gateOf(requireAuth: Middleware): Gate {
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
