import { parseCookie } from 'cookie';
import { InvalidRequestError, InvalidTokenError } from '../errors/errors.js';
import { isThenable, synchronousFunction } from '../lib/options.js';
import type { BearerRequest, Credentials } from './bearer.js';

/** Where else a token may come from, besides RFC 6750's header, query and body. */
export interface TokenSourceOptions {
  /**
   * Read the access token from this cookie (a web app's BFF, Next.js). The name alone requires
   * an anti-CSRF header on unsafe methods (`x-requested-with`); `csrfHeader` names another one,
   * or `false` opts out (only with `SameSite=Strict` cookies or another CSRF defence).
   */
  readonly tokenCookie?: string | { readonly name: string; readonly csrfHeader?: string | false };
  /**
   * Your own extraction: called with the request as the adapter hands it to the core
   * (`rawHeaders`, `url`, `method`, `body`, …); returns the token or `undefined`. A throw is a 400.
   */
  readonly getToken?: (request: BearerRequest) => string | undefined;
}

/** The validated sources, built once. */
export interface TokenSources {
  readonly cookie: string | undefined;
  /** Lower-case header name required on unsafe methods with a cookie token, or `undefined`. */
  readonly csrfHeader: string | undefined;
  readonly getToken: ((request: BearerRequest) => string | undefined) | undefined;
  /** Header names the Fetch-API path must copy. */
  readonly headerNames: readonly string[];
}

// RFC 6265 §4.1.1 cookie-name is an RFC 9110 token.
const TOKEN_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 6750 §2.1 b64token: what a token may look like wherever it comes from.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
// RFC 9110 §9.2.1: the methods that change state, where a cross-site form or fetch can ride
// on the browser's cookie.
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/**
 * Headers a browser may put on a cross-site request by itself, so their presence proves
 * nothing: the CORS-safelisted request headers a page may set without a preflight and the
 * forbidden request headers the browser sets (Fetch standard, "CORS-safelisted request-header"
 * and "forbidden request-header"), plus those it adds on navigations.
 */
const BROWSER_HEADERS: ReadonlySet<string> = new Set([
  'accept',
  'accept-charset',
  'accept-encoding',
  'accept-language',
  'access-control-request-headers',
  'access-control-request-method',
  'authorization',
  'cache-control',
  'connection',
  'content-language',
  'content-length',
  'content-type',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'pragma',
  'priority',
  'range',
  'referer',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'upgrade-insecure-requests',
  'user-agent',
  'via',
]);

function browserSends(name: string): boolean {
  return BROWSER_HEADERS.has(name) || name.startsWith('sec-') || name.startsWith('proxy-');
}

/** Validates `tokenCookie` and `getToken` once; `undefined` when neither is set. */
export function tokenSources(options: TokenSourceOptions): TokenSources | undefined {
  const { tokenCookie } = options;
  const getToken = synchronousFunction(
    options.getToken,
    'getToken',
    '(request) => string | undefined',
  );
  if (tokenCookie === undefined) {
    return getToken === undefined
      ? undefined
      : { cookie: undefined, csrfHeader: undefined, getToken, headerNames: [] };
  }
  const spec = typeof tokenCookie === 'string' ? { name: tokenCookie } : tokenCookie;
  if (typeof spec !== 'object' || spec === null) {
    throw new TypeError('tokenCookie must be a cookie name or { name, csrfHeader }');
  }
  for (const key of Object.keys(spec)) {
    if (key !== 'name' && key !== 'csrfHeader') {
      throw new TypeError(`tokenCookie.${key} is not an option (name, csrfHeader)`);
    }
  }
  if (typeof spec.name !== 'string' || !TOKEN_NAME.test(spec.name)) {
    throw new TypeError('tokenCookie.name must be a cookie name (RFC 6265 §4.1.1)');
  }
  const csrf = spec.csrfHeader ?? 'x-requested-with';
  if (csrf !== false && (typeof csrf !== 'string' || !TOKEN_NAME.test(csrf))) {
    throw new TypeError('tokenCookie.csrfHeader must be a header name, or false to opt out');
  }
  const csrfHeader = csrf === false ? undefined : csrf.toLowerCase();
  if (csrfHeader !== undefined && browserSends(csrfHeader)) {
    throw new TypeError(
      `tokenCookie.csrfHeader must be a header a cross-site form cannot send, got ${JSON.stringify(csrf)}: browsers set it themselves`,
    );
  }
  return {
    cookie: spec.name,
    csrfHeader,
    getToken,
    headerNames: ['cookie', ...(csrfHeader === undefined ? [] : [csrfHeader])],
  };
}

/**
 * The request's credentials once the extra sources are asked too. RFC 6750 §2's rule holds for
 * them: one token, by one method; a second source next to the header, query or body (or to
 * each other) is a 400, whichever it is.
 */
export function withTokenSources(
  found: Credentials | undefined,
  request: BearerRequest,
  sources: TokenSources,
  realm: string | undefined,
): Credentials | undefined {
  const fromCookie =
    sources.cookie === undefined ? undefined : cookieToken(request, sources.cookie, realm);
  const fromCustom =
    sources.getToken === undefined ? undefined : customToken(request, sources.getToken, realm);
  const count = (found ? 1 : 0) + (fromCookie ? 1 : 0) + (fromCustom ? 1 : 0);
  if (count > 1) {
    throw new InvalidRequestError('MULTIPLE_TOKENS', {
      description: 'Request carries a token by more than one method',
      realm,
    });
  }
  if (fromCookie !== undefined) {
    if (sources.csrfHeader !== undefined && !SAFE_METHODS.has(request.method ?? 'GET')) {
      requireHeader(request.rawHeaders, sources.csrfHeader, realm);
    }
    return { token: fromCookie, scheme: 'bearer' };
  }
  if (fromCustom !== undefined) return { token: fromCustom, scheme: 'bearer' };
  return found;
}

function cookieToken(
  request: BearerRequest,
  name: string,
  realm: string | undefined,
): string | undefined {
  // HTTP/2 may split `Cookie` into several fields; they are one list (RFC 9113 §8.2.3).
  let header: string | undefined;
  const raw = request.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    if ((raw[i] as string).toLowerCase() !== 'cookie') continue;
    header = header === undefined ? (raw[i + 1] ?? '') : `${header}; ${raw[i + 1] ?? ''}`;
  }
  if (header === undefined || !header.includes(name)) return undefined;
  // The parser keeps the first of repeated names; two are two tokens, refused like two headers.
  let seen = 0;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === name) seen += 1;
  }
  if (seen === 0) return undefined;
  if (seen > 1) {
    throw new InvalidRequestError('MULTIPLE_TOKENS', {
      description: `Request has more than one ${name} cookie`,
      realm,
    });
  }
  const value = parseCookie(header)[name];
  if (value === undefined || value === '') return undefined;
  if (!B64TOKEN.test(value)) {
    throw new InvalidTokenError('TOKEN_MALFORMED', {
      description: 'The token cookie is not a valid token',
      realm,
    });
  }
  return value;
}

/** What `getToken` answered when it answered a promise. */
const PROMISE = Symbol('a promise');

function customToken(
  request: BearerRequest,
  getToken: (request: BearerRequest) => string | undefined,
  realm: string | undefined,
): string | undefined {
  let token: unknown;
  try {
    token = getToken(request);
    // A promise is not a token; its rejection, left unhandled, would end the process. Inside
    // the `try`: a hostile `then` (a getter that throws) is the app's failure too.
    if (isThenable(token)) {
      token.then(undefined, () => undefined);
      token = PROMISE;
    }
  } catch (cause) {
    // The application's own code failed: its error stays a cause, for logs, never the answer.
    throw new InvalidRequestError('TOKEN_SOURCE_FAILED', {
      description: 'The token could not be read from the request',
      realm,
      cause,
    });
  }
  if (token === PROMISE) {
    throw new InvalidRequestError('TOKEN_SOURCE_FAILED', {
      description: 'The token could not be read from the request',
      realm,
      detail: { reason: 'getToken returned a promise: it must return the token synchronously' },
    });
  }
  if (token === undefined || token === null || token === '') return undefined;
  if (typeof token !== 'string' || !B64TOKEN.test(token)) {
    throw new InvalidTokenError('TOKEN_MALFORMED', {
      description: 'The token is not a valid token',
      realm,
    });
  }
  return token;
}

function requireHeader(
  rawHeaders: readonly string[],
  name: string,
  realm: string | undefined,
): void {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).toLowerCase() === name && (rawHeaders[i + 1] ?? '') !== '')
      return;
  }
  // A cross-site form cannot set custom headers, and a cross-site fetch that does needs a CORS
  // preflight the app would have to allow: the header proves a same-origin script sent this.
  throw new InvalidRequestError('CSRF_HEADER_MISSING', {
    description: `A cookie-carried token needs the ${name} header on this method`,
    realm,
  });
}
