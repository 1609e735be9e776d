import { isTokengateError } from '../errors/errors.js';
import type {
  RejectedRequest,
  RequestSource,
  VerifiedToken,
  VerifierEvent,
  VerifierEventListener,
} from './types.js';
import { detailString } from '../errors/error-detail.js';
import { notifyListener } from './notify-listener.js';

/** Hands an event to the app's listener; a listener's failure never changes an outcome. */
export function notify(onEvent: VerifierEventListener | undefined, event: VerifierEvent): void {
  notifyListener(onEvent, event);
}

/**
 * Wraps a verify function so every outcome is reported as a `verified` or `rejected` event,
 * the latter with the error's `detail` and, when an adapter passed it, its request. Without a
 * listener the function is returned as is: no cost on the hot path, and the request is never
 * described on success either.
 */
export function observed<T extends (token: string) => Promise<VerifiedToken>>(
  verify: T,
  onEvent: VerifierEventListener | undefined,
): T {
  if (onEvent === undefined) return verify;
  return (async (token: string, source?: RequestSource): Promise<VerifiedToken> => {
    try {
      const result = await verify(token);
      notify(onEvent, { type: 'verified', issuer: result.issuer, kid: result.header.kid });
      return result;
    } catch (error) {
      if (isTokengateError(error)) {
        const request = describeRequest(source);
        notify(onEvent, {
          type: 'rejected',
          code: error.code,
          status: error.status,
          issuer: undefined,
          detail: error.detail,
          ...(request === undefined ? {} : { request }),
        });
      }
      throw error;
    }
  }) as T;
}

/**
 * The request, as a log may hold it: the path without its query (RFC 6750 §2.3 puts tokens
 * there), every string capped and stripped of control characters (a path is the client's).
 */
export function describeRequest(source: RequestSource | undefined): RejectedRequest | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  // Express strips a mounted router's prefix from `url`; `originalUrl` is what the client sent.
  const original = (source as { originalUrl?: unknown }).originalUrl;
  const target = typeof original === 'string' ? original : source.url;
  const query = typeof target === 'string' ? target.indexOf('?') : -1;
  const path = typeof target === 'string' ? (query === -1 ? target : target.slice(0, query)) : '';
  const route = routeOf(source.route);
  const id =
    typeof source.id === 'string' || typeof source.id === 'number'
      ? String(source.id)
      : headerValue(source.rawHeaders, 'x-request-id');
  return {
    method: typeof source.method === 'string' ? detailString(source.method) : undefined,
    path: typeof target === 'string' ? detailString(path) : undefined,
    ...(route === undefined ? {} : { route: detailString(route) }),
    ...(id === undefined ? {} : { id: detailString(id) }),
  };
}

/** A route pattern: a string, or Express's `req.route` (an object with a `path`). */
function routeOf(route: unknown): string | undefined {
  if (typeof route === 'string') return route;
  if (typeof route === 'object' && route !== null) {
    const path = (route as { path?: unknown }).path;
    if (typeof path === 'string') return path;
  }
  return undefined;
}

function headerValue(rawHeaders: readonly string[] | undefined, name: string): string | undefined {
  if (!Array.isArray(rawHeaders)) return undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const header = rawHeaders[i];
    if (typeof header === 'string' && header.toLowerCase() === name) return rawHeaders[i + 1];
  }
  return undefined;
}
