import { InvalidRequestError } from '../errors/errors.js';
import { isLoopbackHost, optionalBoolean } from '../lib/options.js';
import type { BearerRequest, TlsSocketLike } from './bearer.js';
import { singleHeader } from './single-header.js';

/**
 * Where the request's public origin (scheme, host, port) comes from: what a DPoP proof's `htu`
 * must name (RFC 9449 §4.3) and what the RFC 9728 metadata and `resource_metadata` URLs are
 * built on. A fixed `publicOrigin` is the safe choice behind a proxy; `X-Forwarded-Proto`
 * and `X-Forwarded-Host` are read only when the app says its proxy sets them (RFC 7239 §8.1:
 * anyone can send them), otherwise `Host` and whether the socket is TLS.
 */
export interface OriginPolicy {
  readonly fixed: string | undefined;
  readonly trustForwardedHeaders: boolean;
}

// RFC 9110 §7.2 Host = uri-host [ ":" port ]: a reg-name or an IP literal, nothing else (no
// userinfo, path, spaces or commas), so no Host can smuggle a path into the URL we build.
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*\.?|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$/;

/** Validates the options once; TypeError names the option. */
export function originPolicy(publicOrigin: unknown, trustForwardedHeaders: unknown): OriginPolicy {
  optionalBoolean(trustForwardedHeaders, 'trustForwardedHeaders', false);
  if (publicOrigin !== undefined && trustForwardedHeaders === true) {
    throw new TypeError('publicOrigin and trustForwardedHeaders exclude each other: choose one');
  }
  return {
    fixed: publicOrigin === undefined ? undefined : fixedOrigin(publicOrigin),
    trustForwardedHeaders: trustForwardedHeaders === true,
  };
}

function fixedOrigin(value: unknown): string {
  if (typeof value !== 'string') throw new TypeError('publicOrigin must be a string URL');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`publicOrigin must be an absolute URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new TypeError('publicOrigin must be an https: URL (http: only for loopback hosts)');
  }
  if (
    url.username !== '' ||
    url.password !== '' ||
    url.search !== '' ||
    url.hash !== '' ||
    (url.pathname !== '/' && url.pathname !== '')
  ) {
    throw new TypeError(
      `publicOrigin must be an origin only (scheme, host, port), e.g. https://api.example.com, got ${JSON.stringify(value)}`,
    );
  }
  // `URL#origin` lowercases the host and drops a default port (RFC 3986 §6.2.2–6.2.3).
  return url.origin;
}

/**
 * The request's origin, e.g. `https://api.example.com`. Throws `InvalidRequestError`
 * (`HOST_INVALID`) when it must come from the request and the request names none validly.
 */
export function requestOrigin(
  policy: OriginPolicy,
  request: BearerRequest,
  realm: string | undefined,
): string {
  if (policy.fixed !== undefined) return policy.fixed;
  const raw = request.rawHeaders;
  if (policy.trustForwardedHeaders) {
    const proto = firstMember(singleHeader(raw, 'x-forwarded-proto', 'X-Forwarded-Proto', realm));
    const host = firstMember(singleHeader(raw, 'x-forwarded-host', 'X-Forwarded-Host', realm));
    if (proto !== undefined || host !== undefined) {
      const scheme = (proto ?? schemeOf(request)).toLowerCase();
      if (scheme !== 'https' && scheme !== 'http') throw invalidForwarded();
      return originOf(scheme, host ?? hostOf(request, realm), realm);
    }
  }
  // A Fetch `Request` knows its URL; on Node, `Host` and the socket tell.
  if (request.origin !== undefined) return request.origin;
  return originOf(schemeOf(request), hostOf(request, realm), realm);
}

function schemeOf(request: BearerRequest): string {
  return (request.socket as TlsSocketLike | undefined)?.encrypted === true ? 'https' : 'http';
}

function hostOf(request: BearerRequest, realm: string | undefined): string {
  const host = singleHeader(request.rawHeaders, 'host', 'Host', realm);
  // RFC 9113 §8.3.1: an HTTP/2 request names its authority in `:authority` (Node's HTTP/2
  // compatibility layer lists it among the raw headers) and usually sends no `Host`; when both
  // are there, a `Host` naming another authority makes the request malformed.
  const authority = singleHeader(request.rawHeaders, ':authority', ':authority', realm);
  if (
    authority !== undefined &&
    host !== undefined &&
    authority.toLowerCase() !== host.toLowerCase()
  ) {
    throw invalidHost(realm);
  }
  const named = host ?? authority;
  if (named === undefined) throw invalidHost(realm);
  return named;
}

/**
 * The one value of a forwarded header. A list means a proxy appended to what the client sent,
 * and which member is the proxy's own depends on the chain: refused rather than guessed, since
 * the client would otherwise choose the origin DPoP proofs are checked against.
 */
function firstMember(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.includes(',')) throw invalidForwarded();
  return value.trim();
}

function invalidForwarded(): InvalidRequestError {
  return new InvalidRequestError('HOST_INVALID', {
    description: 'Request has a forwarded origin that is a list or not http(s)',
  });
}

function originOf(scheme: string, host: string, realm: string | undefined): string {
  if (!HOST.test(host)) throw invalidHost(realm);
  let authority = host.toLowerCase();
  // RFC 3986 §6.2.3: the scheme's default port is the same origin without it.
  const defaultPort = scheme === 'https' ? ':443' : ':80';
  if (authority.endsWith(defaultPort)) authority = authority.slice(0, -defaultPort.length);
  return `${scheme}://${authority}`;
}

function invalidHost(realm: string | undefined): InvalidRequestError {
  return new InvalidRequestError('HOST_INVALID', {
    description: 'Request has no valid Host header',
    realm,
  });
}
