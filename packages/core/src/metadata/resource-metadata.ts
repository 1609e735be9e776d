import { isLoopbackHost } from '../lib/options.js';
import { isPlainPath, matchMetadataPath, metadataPathOf } from './metadata-path.js';
import type { ResourceMetadataPolicy } from './resource-metadata-options.js';

/**
 * RFC 9728 §2 `bearer_methods_supported` values: the RFC 6750 §2 ways to send a token.
 *
 * @example
 * ```ts
 * const methods: BearerMethod[] = JSON.parse(body).bearer_methods_supported; // e.g. ['header']
 * ```
 */
export type BearerMethod = 'header' | 'body' | 'query';

/**
 * The protected-resource metadata document (RFC 9728 §2), as served at
 * `/.well-known/oauth-protected-resource`. Members tokengate has nothing to say about are left
 * out; booleans only appear when `true` (their default is `false`).
 *
 * @example
 * ```ts
 * // What an MCP client reads before asking for a token:
 * const res = await fetch('https://mcp.example.com/.well-known/oauth-protected-resource/mcp');
 * const document = (await res.json()) as ResourceMetadataDocument;
 * const [authorizationServer] = document.authorization_servers ?? [];
 * ```
 */
export interface ResourceMetadataDocument {
  /** The protected resource's identifier: an https URL without a fragment (RFC 9728 §1.2). */
  readonly resource: string;
  /** The issuer identifiers of the authorization servers whose tokens it accepts. */
  readonly authorization_servers?: readonly string[];
  /** Scopes used in authorization requests for this resource (RFC 6749 §3.3). */
  readonly scopes_supported?: readonly string[];
  /** How it accepts tokens: `header`, `body` (RFC 6750 §2.2), `query` (§2.3). */
  readonly bearer_methods_supported: readonly BearerMethod[];
  /** A human-readable name of the resource. */
  readonly resource_name?: string;
  /** A page of documentation for developers. */
  readonly resource_documentation?: string;
  /** A page about how the client may use the data it gets. */
  readonly resource_policy_uri?: string;
  /** The resource's terms of service. */
  readonly resource_tos_uri?: string;
  /** Present when it supports certificate-bound tokens (RFC 8705 §3). */
  readonly tls_client_certificate_bound_access_tokens?: true;
  /** The DPoP proof algorithms it accepts (RFC 9449 §5.1). */
  readonly dpop_signing_alg_values_supported?: readonly string[];
  /** Present when it accepts only DPoP-bound tokens (RFC 9449 §5.1). */
  readonly dpop_bound_access_tokens_required?: true;
}

/** What the gate knows when it builds the document for one request. */
export interface ResourceMetadataInput {
  /** The validated option, from `resourceMetadataPolicy()`. */
  readonly options: ResourceMetadataPolicy;
  /** The request's public origin, e.g. `https://api.example.com` (see `publicOrigin`). */
  readonly origin: string;
  /**
   * The request target (`req.url`); when given, the document is only built if it is this
   * resource's metadata path (see `matchMetadataPath`). Without it, the document of the
   * configured resource, or of the origin.
   */
  readonly requestPath?: string | undefined;
  /** The configured issuers' `issuer` identifiers: the default `authorization_servers`. */
  readonly issuers: readonly string[];
  /** How the gate reads tokens: `header`, plus `body`/`query` when allowed. */
  readonly bearerMethods: readonly BearerMethod[];
  /** DPoP proof algorithms accepted (RFC 9449 §5.1); `undefined` or empty when DPoP is disabled. */
  readonly dpopAlgorithms?: readonly string[] | undefined;
  /** DPoP mode `required`: every token must be DPoP-bound (RFC 9449 §5.1). */
  readonly dpopRequired: boolean;
  /** Certificate-bound tokens are checked (RFC 8705 §3). */
  readonly mtls: boolean;
}

/**
 * Whether `origin` is one a resource may be named after: an origin exactly as WHATWG URL
 * serialises it (`https://host[:port]`, no path, no trailing slash, no credentials), `https:`,
 * or `http:` on loopback only (RFC 9728 §1.2: the resource identifier uses `https`).
 */
export function isResourceOrigin(origin: string): boolean {
  if (typeof origin !== 'string' || !URL.canParse(origin)) return false;
  const url = new URL(origin);
  if (url.origin !== origin) return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

/**
 * Builds the RFC 9728 §2 document for a request. `resource` is the configured one, else the
 * request's origin plus the resource path of a path-suffixed request (§3.1: the document at
 * `/.well-known/oauth-protected-resource/mcp` describes `https://host/mcp`), so that it is
 * identical to the identifier the client derived the URL from (§3.3).
 *
 * `undefined` when nothing may be served: `requestPath` is not a metadata path of this
 * resource (a configured resource's document lives only at its own metadata path), or,
 * without a configured resource, `origin` is not an `https:` (or loopback) origin — a server
 * behind a TLS-terminating proxy must be told its `publicOrigin` rather than advertise
 * `http://`.
 *
 * @example
 * ```ts
 * const document = protectedResourceMetadata({
 *   options: resourceMetadataPolicy(true)!,
 *   origin: 'https://api.example.com',
 *   requestPath: '/.well-known/oauth-protected-resource',
 *   issuers: ['https://issuer.example.com'],
 *   bearerMethods: ['header'],
 *   dpopRequired: false,
 *   mtls: false,
 * });
 * // { resource: 'https://api.example.com', authorization_servers: ['https://issuer.example.com'], bearer_methods_supported: ['header'] }
 * ```
 */
export function protectedResourceMetadata(
  input: ResourceMetadataInput,
): ResourceMetadataDocument | undefined {
  const { options } = input;
  let resource = options.resource;
  if (input.requestPath !== undefined) {
    const match = matchMetadataPath(input.requestPath, options.path);
    if (match === undefined) return undefined;
    if (resource !== undefined) {
      if (metadataPathOf(match.resourcePath, options.path) !== options.resourceMetadataPath) {
        return undefined;
      }
    } else {
      if (!isResourceOrigin(input.origin)) return undefined;
      resource = input.origin + match.resourcePath;
    }
  } else if (resource === undefined) {
    if (!isResourceOrigin(input.origin)) return undefined;
    resource = input.origin;
  }
  const authorizationServers = options.authorizationServers ?? unique(input.issuers);
  const dpopAlgorithms = input.dpopAlgorithms ?? [];
  // Members in the order of RFC 9728 §2.
  const document: Record<string, unknown> = { resource };
  if (authorizationServers.length > 0) document.authorization_servers = authorizationServers;
  if (options.scopesSupported !== undefined) document.scopes_supported = options.scopesSupported;
  // RFC 9728 §2: omitted, no method is implied; so always said, even when empty.
  document.bearer_methods_supported = [...input.bearerMethods];
  if (options.resourceName !== undefined) document.resource_name = options.resourceName;
  if (options.resourceDocumentation !== undefined) {
    document.resource_documentation = options.resourceDocumentation;
  }
  if (options.resourcePolicyUri !== undefined) {
    document.resource_policy_uri = options.resourcePolicyUri;
  }
  if (options.resourceTosUri !== undefined) document.resource_tos_uri = options.resourceTosUri;
  if (input.mtls) document.tls_client_certificate_bound_access_tokens = true;
  if (dpopAlgorithms.length > 0) document.dpop_signing_alg_values_supported = [...dpopAlgorithms];
  if (input.dpopRequired) document.dpop_bound_access_tokens_required = true;
  return document as unknown as ResourceMetadataDocument;
}

/**
 * The URL of the metadata document of the resource `origin` + `resourcePath` (RFC 9728 §3.1):
 * the well-known path inserted between the origin and the path. This is the value of the
 * `resource_metadata` challenge parameter (§5.1). A `TypeError` for an origin or path that
 * could not be served (see `isResourceOrigin`, `matchMetadataPath`): pass the configured
 * resource's parts, or a validated public origin and `''`.
 *
 * @example
 * ```ts
 * resourceMetadataUrl('https://mcp.example.com', '/mcp');
 * // 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp'
 * ```
 */
export function resourceMetadataUrl(origin: string, resourcePath: string, path?: string): string {
  if (!isResourceOrigin(origin)) {
    throw new TypeError(`origin must be an https: (or loopback http:) origin, got ${origin}`);
  }
  if (resourcePath !== '/' && !isPlainPath(resourcePath)) {
    throw new TypeError(`resourcePath must be '' or a plain absolute path, got ${resourcePath}`);
  }
  return origin + metadataPathOf(resourcePath, path);
}

/**
 * The `resource_metadata` URL for a gate's challenges: the configured resource's metadata
 * URL, or else that of the request's origin; `undefined` when that origin could not be
 * served (see `protectedResourceMetadata`), so no challenge points at a document that is not
 * there.
 */
export function challengeMetadataUrl(
  options: ResourceMetadataPolicy,
  origin: string,
): string | undefined {
  if (options.resourceOrigin !== undefined && options.resourceMetadataPath !== undefined) {
    return options.resourceOrigin + options.resourceMetadataPath;
  }
  return isResourceOrigin(origin) ? origin + options.path : undefined;
}

function unique(values: readonly string[]): readonly string[] {
  return [...new Set(values)];
}
