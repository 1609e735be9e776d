import { FORM_CONTENT, type BearerRequest } from './http/bearer.js';
import { InvalidRequestError } from './errors/errors.js';
import type { RequestSource } from './lib/types.js';

/**
 * What a Fetch-API adapter knows about a request beyond the `Request` itself: the matched route
 * and request id for the verifier's `rejected` event, and, on a Node server underneath
 * (`@hono/node-server`'s `c.env.incoming`), the raw header lines.
 *
 * @example
 * ```ts
 * // Hono on @hono/node-server: hand the Node request's raw header lines and socket along.
 * const auth = await gate.authenticateRequest(c.req.raw, {
 *   rawHeaders: c.env.incoming.rawHeaders,
 *   target: c.env.incoming.url,
 *   socket: c.env.incoming.socket,
 *   route: c.req.routePath,
 * });
 * ```
 */
export interface FetchRequestSource {
  /**
   * Node's `req.rawHeaders`, when the runtime exposes them. Fetch `Headers` join repeated lines
   * with ", ", so only the raw lines tell two `Authorization` headers from one.
   */
  readonly rawHeaders?: readonly string[] | undefined;
  /** The route pattern (`/orders/:id`), reported in `rejected` events. */
  readonly route?: unknown;
  /** The framework's request id, reported in `rejected` events. */
  readonly id?: unknown;
  /**
   * The request target exactly as received, on a Node server underneath (`req.url`). With
   * `rawHeaders`, the origin is then built from `Host` and the socket as on Node, never from
   * the Fetch URL (which took the origin of an absolute-form target, RFC 9112 §3.2.2).
   */
  readonly target?: string | undefined;
  /**
   * The connection, on a Node server underneath (`c.env.incoming.socket`): its client
   * certificate binds certificate-bound tokens (RFC 8705 §3).
   */
  readonly socket?: object | undefined;
}

/**
 * Express's `express.urlencoded()` default: form bodies larger than this are not searched.
 *
 * @example
 * ```ts
 * app.use(express.urlencoded({ limit: MAX_FORM_BODY_BYTES })); // the same limit as the Fetch-API path
 * ```
 */
export const MAX_FORM_BODY_BYTES = 100 * 1024;

// Mirrors bearer.ts: a member of a joined field value that opens with the Bearer scheme.
const BEARER_SCHEME = /^Bearer(?:[ \t]|$)/i;
// The media type exactly, then only parameters (RFC 9110 §8.3.1: `*( OWS ";" OWS parameter )`):

/**
 * Maps a Fetch `Request` to what the bearer extraction reads: the `Authorization` and
 * `Content-Type` values, the request target, the method and, when body tokens are allowed, the
 * `access_token` members of a form-encoded body read from a clone (the app can still read it).
 * Only `TokengateError`s escape: a body too large or broken is a 400, never a 500 or a hang
 * past the server's own timeouts.
 */
export async function fromFetchRequest(
  request: Request,
  allowBodyToken: boolean,
  realm: string | undefined,
  source: FetchRequestSource | undefined,
  extraHeaders: readonly string[] = [],
): Promise<BearerRequest & RequestSource> {
  const method = request.method;
  const contentType = request.headers.get('content-type');
  const rawHeaders = Array.isArray(source?.rawHeaders)
    ? (source.rawHeaders as readonly string[])
    : joinedHeaders(request.headers, contentType, realm, extraHeaders);
  const body =
    allowBodyToken &&
    method !== 'GET' &&
    method !== 'HEAD' &&
    contentType !== null &&
    FORM_CONTENT.test(contentType)
      ? await formTokens(request, realm)
      : undefined;
  const url = request.url;
  const pathStart = pathStartOf(url);
  const target = pathStart === -1 ? '/' : url.slice(pathStart);
  // A Node server underneath: read as the Node adapters read it (see `FetchRequestSource`).
  const node = Array.isArray(source?.rawHeaders);
  return {
    rawHeaders,
    identity: request,
    url: node ? (source?.target ?? target) : target,
    method,
    body,
    // Elsewhere the URL the runtime saw: its origin is what a DPoP proof's `htu` names
    // (RFC 9449 §4.3).
    origin: node ? undefined : pathStart === -1 ? url : url.slice(0, pathStart),
    socket: source?.socket,
    route: source?.route,
    id: source?.id,
  };
}

/**
 * The header lines the extraction reads, from Fetch `Headers`. The Fetch standard joins repeated
 * lines with ", " (https://fetch.spec.whatwg.org/#concept-header-list-get), so two
 * `Authorization` lines arrive as one value. A bearer credential never holds a comma (its
 * b64token excludes it, RFC 6750 §2.1) and `Authorization` is no list (RFC 9110 §11.6.2), so a
 * Bearer member after a comma means two credentials: refused as Node's path refuses two lines,
 * whichever proxy kept which. `Bearer a,b` and `Bearer a, ` are refused by bearer.ts itself as
 * malformed; another scheme's own commas (Digest) stay that scheme's, i.e. no bearer token.
 */
function joinedHeaders(
  headers: Headers,
  contentType: string | null,
  realm: string | undefined,
  extraHeaders: readonly string[],
): readonly string[] {
  const authorization = headers.get('authorization');
  const alb = headers.get('x-amzn-oidc-data');
  const requestId = headers.get('x-request-id');
  const raw: string[] = [];
  if (authorization !== null) {
    if (authorization.includes(',')) refuseJoinedBearer(authorization, realm);
    raw.push('authorization', authorization);
  }
  if (contentType !== null) raw.push('content-type', contentType);
  if (alb !== null) {
    // The ALB's claims header is one JWT, which holds no comma: a comma means two lines.
    if (alb.includes(',')) throw duplicate('x-amzn-oidc-data', realm);
    raw.push('x-amzn-oidc-data', alb);
  }
  if (requestId !== null) raw.push('x-request-id', requestId);
  for (const name of extraHeaders) {
    const value = headers.get(name);
    if (value === null) continue;
    // A DPoP proof is one JWT and a forwarded origin one member: a comma there means two lines
    // joined. Certificate headers keep their own commas (XFCC lists); their readers decide.
    if (value.includes(',') && (name === 'dpop' || name === 'host')) throw duplicate(name, realm);
    raw.push(name, value);
  }
  return raw;
}

function refuseJoinedBearer(value: string, realm: string | undefined): void {
  const members = value.split(',');
  for (let i = 1; i < members.length; i += 1) {
    if (BEARER_SCHEME.test((members[i] as string).trimStart())) {
      throw duplicate('Authorization', realm);
    }
  }
}

function duplicate(name: string, realm: string | undefined): InvalidRequestError {
  return new InvalidRequestError('AUTHORIZATION_DUPLICATE', {
    description: `Request has more than one ${name} header`,
    realm,
  });
}

/** `Request.url` is absolute; the extraction and the events want the target (path and query), DPoP its origin too. */
function pathStartOf(url: string): number {
  const authority = url.indexOf('://');
  return url.indexOf('/', authority === -1 ? 0 : authority + 3);
}

/**
 * The `access_token` members of a form body (RFC 6750 §2.2), shaped as a body parser would:
 * one string, or an array when repeated (bearer.ts refuses that as several tokens).
 */
async function formTokens(
  request: Request,
  realm: string | undefined,
): Promise<{ access_token: string | string[] } | undefined> {
  const length = request.headers.get('content-length');
  if (length !== null && Number(length) > MAX_FORM_BODY_BYTES) throw unreadable(realm);
  if (request.body === null || request.bodyUsed) return undefined;
  let text: string;
  try {
    text = await readBounded(request.clone(), realm);
  } catch (error) {
    if (error instanceof InvalidRequestError) throw error;
    // The client went away or sent a broken stream: a request error, not a server one.
    throw unreadable(realm, error);
  }
  if (!text.includes('access_token') && !text.includes('%')) return undefined;
  const tokens = new URLSearchParams(text).getAll('access_token');
  if (tokens.length === 0) return undefined;
  return { access_token: tokens.length === 1 ? (tokens[0] as string) : tokens };
}

/** Reads at most `MAX_FORM_BODY_BYTES`, whatever `Content-Length` claimed (or chunked). */
async function readBounded(request: Request, realm: string | undefined): Promise<string> {
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > MAX_FORM_BODY_BYTES) {
      void reader.cancel().catch(() => undefined);
      throw unreadable(realm);
    }
    text += decoder.decode(value, { stream: true });
  }
}

function unreadable(realm: string | undefined, cause?: unknown): InvalidRequestError {
  return new InvalidRequestError('BODY_UNREADABLE', {
    description: `Form body is unreadable or larger than ${MAX_FORM_BODY_BYTES} bytes`,
    realm,
    cause,
  });
}
