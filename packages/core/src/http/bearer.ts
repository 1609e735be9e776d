import { InvalidRequestError } from '../errors/errors.js';
import { singleHeader } from './single-header.js';

/**
 * What bearer extraction needs from an HTTP request; every adapter maps its request to this.
 *
 * @example
 * ```ts
 * // Node's IncomingMessage has this shape; other servers map theirs.
 * const request: BearerRequest = { rawHeaders: req.rawHeaders, url: req.url, method: req.method, socket: req.socket };
 * const token = extractBearerToken(request);
 * ```
 */
export interface BearerRequest {
  /** Node's `req.rawHeaders`: names and values alternating, duplicates kept. */
  readonly rawHeaders: readonly string[];
  /** The request target as received, path and query (`req.url`). */
  readonly url?: string | undefined;
  /** The request method; a DPoP proof's `htm` must match it (RFC 9449 §4.3). */
  readonly method?: string | undefined;
  /** The parsed body, when a body parser ran before. */
  readonly body?: unknown;
  /**
   * The target before any router rewrote `url` (Express's and Koa's `originalUrl`): what a
   * DPoP proof's `htu` names (RFC 9449 §4.3).
   */
  readonly originalUrl?: string | undefined;
  /**
   * The connection: whether it is TLS (the request's scheme) and, with mutual TLS, the client's
   * certificate (RFC 8705 §3). Node's `req.socket`.
   */
  readonly socket?: object | undefined;
  /**
   * What makes two calls about this request the same request, when `rawHeaders` does not (the
   * Fetch path builds its header list per call): the Fetch `Request`.
   */
  readonly identity?: object | undefined;
  /**
   * The request's absolute origin when the runtime knows it (a Fetch `Request`'s URL);
   * otherwise it is built from `Host` and the socket.
   */
  readonly origin?: string | undefined;
}

/**
 * What the core reads of a connection (`BearerRequest.socket`, typed `object` so any socket
 * fits): Node's `tls.TLSSocket` has this shape. `getPeerCertificate()` is the TLS client
 * certificate (RFC 8705 §3), `raw` its DER.
 *
 * @example
 * ```ts
 * const socket = req.socket as TlsSocketLike; // a tls.TLSSocket on an https server
 * const certificate = socket.encrypted === true ? socket.getPeerCertificate?.(false) : undefined;
 * ```
 */
export interface TlsSocketLike {
  /** `true` on a TLS connection. */
  readonly encrypted?: boolean;
  /** The client's certificate, as Node's `TLSSocket.getPeerCertificate()` returns it. */
  getPeerCertificate?(detailed?: boolean): unknown;
}

/**
 * The credentials of a request: the token and the scheme it came with.
 *
 * @example
 * ```ts
 * const credentials: Credentials | undefined = extractCredentials(req, {}, true);
 * if (credentials?.scheme === 'dpop') console.log('a DPoP-bound token: a proof must come with it');
 * ```
 */
export interface Credentials {
  /** The access token, as sent. */
  readonly token: string;
  /** `dpop`: `Authorization: DPoP …` (RFC 9449 §7.1); `bearer`: RFC 6750 (header, query or body). */
  readonly scheme: 'bearer' | 'dpop';
}

/**
 * Where the gate looks for a token besides the `Authorization` header (RFC 6750 §2), and the
 * realm of its challenges. Part of every adapter's options.
 *
 * @example
 * ```ts
 * const token = extractBearerToken(req, { allowBodyToken: true, realm: 'api' });
 * ```
 */
export interface BearerOptions {
  /**
   * Accept `?access_token=` (RFC 6750 §2.3). Off by default: query strings end up in logs and
   * Referer headers (RFC 9700 §4.3.2).
   */
  readonly allowQueryToken?: boolean;
  /** Accept `access_token` in a form-encoded body (RFC 6750 §2.2). Needs a body parser. Off by default. */
  readonly allowBodyToken?: boolean;
  /** `realm` of the challenges (RFC 6750 §3). */
  readonly realm?: string;
}

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; the scheme is case-insensitive
// (RFC 9110 §11.1). Trailing spaces are tolerated as optional whitespace.
const BEARER_CREDENTIALS = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const BEARER_SCHEME = /^Bearer(?:[ \t]|$)/i;
// RFC 9449 §7.1: credentials = "DPoP" 1*SP token68 (RFC 9110 §11.2), the scheme case-insensitive.
const DPOP_CREDENTIALS = /^DPoP +([A-Za-z0-9\-._~+/]+=*) *$/i;
const DPOP_SCHEME = /^DPoP(?:[ \t]|$)/i;
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
// RFC 6750 §2.2: exactly this media type, then only parameters (RFC 9110 §8.3.1); `\b` alone
// let `application/x-www-form-urlencoded-evil` through as a form.
export const FORM_CONTENT = /^application\/x-www-form-urlencoded[ \t]*(?:;|$)/i;

/**
 * Finds the bearer token of a request, or `undefined` when it carries none. Throws
 * `InvalidRequestError` (400) for a malformed `Authorization` header, several
 * `Authorization` lines, or a token sent by more than one method (RFC 6750 §2).
 *
 * @example
 * ```ts
 * const token = extractBearerToken({ rawHeaders: req.rawHeaders, url: req.url, method: req.method });
 * ```
 */
export function extractBearerToken(
  request: BearerRequest,
  options: BearerOptions = {},
): string | undefined {
  return extractCredentials(request, options, false)?.token;
}

/**
 * The request's credentials: a bearer token (RFC 6750 §2, as `extractBearerToken`) or, when
 * `dpop` is accepted, an `Authorization: DPoP` token (RFC 9449 §7.1). A DPoP token travels in
 * that header only; one next to a query or body token is refused as several tokens.
 *
 * @example
 * ```ts
 * const credentials = extractCredentials(req, { realm: 'api' }, true);
 * // { token: 'eyJ…', scheme: 'dpop' } for `Authorization: DPoP eyJ…`; the proof is checked next
 * ```
 */
export function extractCredentials(
  request: BearerRequest,
  options: BearerOptions,
  dpop: boolean,
): Credentials | undefined {
  const realm = options.realm;
  const header = fromAuthorizationHeader(request.rawHeaders, realm, dpop);
  const headerToken = header?.token;
  const queryTokens = fromQuery(request.url);
  // RFC 6750 §2: clients must not use more than one method; a query token next to a header is
  // refused even when query tokens are disabled, so a proxy's view and ours cannot differ.
  if (headerToken !== undefined && queryTokens.length > 0) throw multiple(realm);
  const bodyToken = fromBody(request, realm);
  if (bodyToken !== undefined && (headerToken !== undefined || queryTokens.length > 0))
    throw multiple(realm);
  if (header !== undefined) return header;

  if (options.allowQueryToken === true && queryTokens.length > 0) {
    if (queryTokens.length > 1) throw multiple(realm);
    return bearer(checkedToken(queryTokens[0] as string, 'access_token query parameter', realm));
  }
  if (options.allowBodyToken === true && bodyToken !== undefined) {
    return bearer(checkedToken(bodyToken, 'access_token body parameter', realm));
  }
  return undefined;
}

function bearer(token: string): Credentials {
  return { token, scheme: 'bearer' };
}

function fromAuthorizationHeader(
  rawHeaders: readonly string[],
  realm: string | undefined,
  dpop: boolean,
): Credentials | undefined {
  const value = singleHeader(rawHeaders, 'authorization', 'Authorization', realm);
  if (value === undefined) return undefined;
  if (dpop && DPOP_SCHEME.test(value)) {
    const match = DPOP_CREDENTIALS.exec(value);
    if (match === null) throw malformed('DPoP', realm);
    return { token: match[1] as string, scheme: 'dpop' };
  }
  // Another scheme (Basic, or DPoP where it is not accepted) carries no credentials of ours:
  // treated as absent.
  if (!BEARER_SCHEME.test(value)) return undefined;
  const match = BEARER_CREDENTIALS.exec(value);
  if (match === null) throw malformed('Bearer', realm);
  return bearer(match[1] as string);
}

function malformed(scheme: string, realm: string | undefined): InvalidRequestError {
  return new InvalidRequestError('AUTHORIZATION_MALFORMED', {
    description: `Authorization header is not a valid ${scheme} credential`,
    realm,
  });
}

function fromQuery(url: string | undefined): readonly string[] {
  const queryStart = url === undefined ? -1 : url.indexOf('?');
  if (queryStart === -1) return [];
  const query = (url as string).slice(queryStart + 1);
  // Cheap guard first: almost no request has a query token, and parsing is not free. A `%`
  // may hide an encoded name (`access%5Ftoken`) that every query parser decodes.
  if (!query.includes('access_token') && !query.includes('%')) return [];
  return new URLSearchParams(query).getAll('access_token');
}

// RFC 6750 §2.2 defines body tokens for form-encoded bodies of methods with body semantics
// only; a JSON `access_token` field, a GET body or a non-string value (`access_token[]=…`
// parsed into an array) belongs to the application and is not a token.
function fromBody(request: BearerRequest, realm: string | undefined): string | undefined {
  const body = request.body;
  if (typeof body !== 'object' || body === null || !Object.hasOwn(body, 'access_token')) {
    return undefined;
  }
  if (!bodyAllowed(request) || !isFormEncoded(request)) return undefined;
  const value = (body as Record<string, unknown>).access_token;
  // Body parsers turn repeated parameters into an array: several tokens in one body.
  if (Array.isArray(value) && value.length > 1) throw multiple(realm);
  return typeof value === 'string' ? value : undefined;
}

// RFC 6750 §2.2: never with GET.
function bodyAllowed(request: BearerRequest): boolean {
  return request.method !== 'GET' && request.method !== 'HEAD';
}

function isFormEncoded(request: BearerRequest): boolean {
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    if ((request.rawHeaders[i] as string).toLowerCase() === 'content-type') {
      return FORM_CONTENT.test(request.rawHeaders[i + 1] ?? '');
    }
  }
  return false;
}

function checkedToken(token: string, where: string, realm: string | undefined): string {
  if (!B64TOKEN.test(token)) {
    throw new InvalidRequestError('AUTHORIZATION_MALFORMED', {
      description: `The ${where} is not a valid token`,
      realm,
    });
  }
  return token;
}

function multiple(realm: string | undefined): InvalidRequestError {
  return new InvalidRequestError('MULTIPLE_TOKENS', {
    description: 'Request carries a token by more than one method',
    realm,
  });
}
