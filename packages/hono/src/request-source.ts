import type { FetchRequestSource } from '@tokengate/core';
import type { BearerRequest } from '@tokengate/core';
import type { Context } from 'hono';

/**
 * What the core reads besides the `Request`: on Node, `@hono/node-server` puts the
 * `IncomingMessage` in `c.env.incoming`, whose raw header lines tell two `Authorization`
 * headers from one (Fetch `Headers` join them); elsewhere (Workers, Bun, Deno) there is none.
 */
export function requestSource(c: Context): FetchRequestSource {
  const incoming = (
    c.env as { incoming?: { rawHeaders?: unknown; socket?: object; url?: unknown } } | undefined
  )?.incoming;
  const rawHeaders = incoming?.rawHeaders;
  return {
    rawHeaders: Array.isArray(rawHeaders) ? (rawHeaders as string[]) : undefined,
    // The TLS connection's client certificate binds certificate-bound tokens (RFC 8705 §3).
    socket: incoming?.socket,
    // The target as received: the Fetch URL has resolved dot segments and taken the origin of
    // an absolute-form target, which a DPoP proof or the metadata must not be matched against.
    target: typeof incoming?.url === 'string' ? incoming.url : undefined,
    // For the verifier's `rejected` event only: the pattern this middleware was matched with.
    route: c.req.routePath,
  };
}

/**
 * What a gate's challenge reads of a request (its origin and target, for `resource_metadata`),
 * built only when an answer is an error.
 */
export function challengeRequest(c: Context): BearerRequest {
  const source = requestSource(c);
  // On Node, as the Node adapters: the raw target, and the origin from `Host` and the socket.
  if (source.rawHeaders !== undefined) {
    return {
      rawHeaders: source.rawHeaders,
      url: source.target,
      originalUrl: source.target,
      socket: source.socket,
    };
  }
  const url = c.req.url;
  const authority = url.indexOf('://');
  const path = url.indexOf('/', authority === -1 ? 0 : authority + 3);
  return {
    rawHeaders: [],
    url: path === -1 ? '/' : url.slice(path),
    origin: path === -1 ? url : url.slice(0, path),
  };
}
