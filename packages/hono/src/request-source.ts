import type { FetchRequestSource } from '@tokengate/core';
import type { Context } from 'hono';

/**
 * What the core reads besides the `Request`: on Node, `@hono/node-server` puts the
 * `IncomingMessage` in `c.env.incoming`, whose raw header lines tell two `Authorization`
 * headers from one (Fetch `Headers` join them); elsewhere (Workers, Bun, Deno) there is none.
 */
export function requestSource(c: Context): FetchRequestSource {
  const incoming = (c.env as { incoming?: { rawHeaders?: unknown } } | undefined)?.incoming;
  const rawHeaders = incoming?.rawHeaders;
  return {
    rawHeaders: Array.isArray(rawHeaders) ? (rawHeaders as string[]) : undefined,
    // For the verifier's `rejected` event only: the pattern this middleware was matched with.
    route: c.req.routePath,
  };
}
