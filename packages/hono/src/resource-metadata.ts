import type { Gate } from '@tokengate/core';
import type { Context, MiddlewareHandler } from 'hono';
import { GATE_KEY } from './realm.js';
import { challengeRequest } from './request-source.js';

/**
 * Hono middleware that serves the protected-resource metadata (RFC 9728) of the gate that
 * `requireAuth` (an `authenticate()` middleware built with `resourceMetadata`) uses: `GET` and
 * `HEAD` on `/.well-known/oauth-protected-resource` and its path-suffixed forms (RFC 9728 §3.1)
 * answer with the JSON document; every other request goes on to `next()`. The document is
 * public: register it before anything that requires a token, so a client without one can read
 * it (RFC 9728 §5: that is how it learns where to get one).
 *
 * It reads only the Fetch `Request`, so it runs on Node, Bun, Deno and Workers alike. The
 * document's `resource` is the request URL's origin, unless `publicOrigin` says otherwise.
 *
 * @example
 * ```ts
 * const requireAuth = authenticate({ issuers: [cognitoIssuer({ userPoolId, clientId })], resourceMetadata: true });
 * app.use(resourceMetadata(requireAuth));
 * app.get('/me', requireAuth, (c) => c.json({ sub: c.get('auth').subject }));
 * ```
 */
export function resourceMetadata(requireAuth: { close(): Promise<void> }): MiddlewareHandler {
  const gate = gateOf(requireAuth);
  const path = gate.resourceMetadataPath;
  if (path === undefined) {
    throw new TypeError(
      'resourceMetadata(requireAuth): requireAuth was built without the resourceMetadata option; pass resourceMetadata: true (or its options) to authenticate()',
    );
  }
  return async function tokengateResourceMetadata(c, next) {
    const method = c.req.method;
    // RFC 9728 §3.1: the document is read with GET; HEAD is GET without a body (RFC 9110 §9.3.2).
    // `c.req.path` only pre-filters: the gate matches the target itself.
    if ((method === 'GET' || method === 'HEAD') && c.req.path.startsWith(path)) {
      const request = challengeRequest(c);
      const target = rawTarget(c);
      const answer = gate.resourceMetadata(
        target === undefined ? request : { ...request, originalUrl: target },
      );
      if (answer !== undefined) {
        // `c.body` keeps headers set before (CORS, say); a HEAD answer has no body.
        return method === 'HEAD'
          ? c.body(null, answer.status, answer.headers)
          : c.body(answer.body, answer.status, answer.headers);
      }
    }
    await next();
  };
}

/**
 * On Node (`@hono/node-server`), the request target as received. The `Request` URL has been
 * through the WHATWG URL parser, which resolves `.`/`..` segments (`%2e%2e` included): the
 * gate must see what the client sent, to refuse such a target as the other adapters do
 * (RFC 9728 §3.1 names no dot segments). Elsewhere the runtime's URL is all there is.
 */
function rawTarget(c: Context): string | undefined {
  const url = (c.env as { incoming?: { url?: unknown } } | undefined)?.incoming?.url;
  return typeof url === 'string' ? url : undefined;
}

/** The gate `authenticate()` left on its middleware; a `TypeError` for anything else. */
function gateOf(requireAuth: object): Gate {
  const gate =
    typeof requireAuth === 'function'
      ? (requireAuth as unknown as Record<string, Gate | undefined>)[GATE_KEY]
      : undefined;
  if (gate === undefined || typeof gate.resourceMetadata !== 'function') {
    throw new TypeError(
      'resourceMetadata(requireAuth): requireAuth must be the middleware authenticate() returned',
    );
  }
  return gate;
}
