import { InvalidRequestError } from '../errors/errors.js';
import { singleHeader } from './single-header.js';

/** What bearer extraction needs from an HTTP request; every adapter maps its request to this. */
export interface BearerRequest {
  /** Node's `req.rawHeaders`: names and values alternating, duplicates kept. */
  readonly rawHeaders: readonly string[];
  /** The request target as received, path and query (`req.url`). */
  readonly url?: string | undefined;
  readonly method?: string | undefined;
  /** The parsed body, when a body parser ran before. */
  readonly body?: unknown;
}

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
  const realm = options.realm;
  const headerToken = fromAuthorizationHeader(request.rawHeaders, realm);
  const queryTokens = fromQuery(request.url);
  // RFC 6750 §2: clients must not use more than one method; a query token next to a header is
  // refused even when query tokens are disabled, so a proxy's view and ours cannot differ.
  if (headerToken !== undefined && queryTokens.length > 0) throw multiple(realm);
  const bodyToken = fromBody(request, realm);
  if (bodyToken !== undefined && (headerToken !== undefined || queryTokens.length > 0))
    throw multiple(realm);
  if (headerToken !== undefined) return headerToken;

  if (options.allowQueryToken === true && queryTokens.length > 0) {
    if (queryTokens.length > 1) throw multiple(realm);
    return checkedToken(queryTokens[0] as string, 'access_token query parameter', realm);
  }
  if (options.allowBodyToken === true && bodyToken !== undefined) {
    return checkedToken(bodyToken, 'access_token body parameter', realm);
  }
  return undefined;
}

function fromAuthorizationHeader(
  rawHeaders: readonly string[],
  realm: string | undefined,
): string | undefined {
  const value = singleHeader(rawHeaders, 'authorization', 'Authorization', realm);
  // Another scheme (Basic, DPoP, …) carries no bearer credentials: treated as absent.
  if (value === undefined || !BEARER_SCHEME.test(value)) return undefined;
  const match = BEARER_CREDENTIALS.exec(value);
  if (match === null) {
    throw new InvalidRequestError('AUTHORIZATION_MALFORMED', {
      description: 'Authorization header is not a valid Bearer credential',
      realm,
    });
  }
  return match[1];
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
