import {
  assertKnownKeys,
  describe,
  isLoopbackHost,
  isPlainObject,
  nonEmptyString,
  optionKeys,
  secureUrl,
  stringList,
} from '../lib/options.js';
import { DEFAULT_METADATA_PATH, isPlainPath, metadataPathOf } from './metadata-path.js';

/**
 * What the protected-resource metadata document (RFC 9728 §2) says beyond what tokengate knows
 * from its own configuration. Every member is optional; `resourceMetadata: true` takes them all
 * from the defaults.
 *
 * @example
 * ```ts
 * const requireAuth = authenticate({
 *   issuers,
 *   publicOrigin: 'https://mcp.example.com',
 *   resourceMetadata: { resource: 'https://mcp.example.com/mcp', scopesSupported: ['mcp:tools'] },
 * });
 * ```
 */
export interface ResourceMetadataOptions {
  /**
   * The resource identifier (RFC 9728 §1.2, RFC 8707 §2): the URL clients ask tokens for, which
   * they put in the `resource` parameter of their token requests, and the `aud` your tokens
   * carry. An `https:` URL (`http:` only on loopback) without query or fragment, written as
   * WHATWG URL serialises it (lowercase host, no default port). Default: the request's public
   * origin, and for a path-suffixed request (`/.well-known/oauth-protected-resource/mcp`) the
   * origin plus that path. Set it for an MCP server: `https://mcp.example.com/mcp`; its document
   * is then served only at its own metadata path (`/.well-known/oauth-protected-resource/mcp`).
   */
  readonly resource?: string;
  /**
   * Issuer identifiers of the authorization servers clients get tokens from (RFC 8414 §2:
   * `https:`, no query or fragment). Default: the configured issuers' `issuer` strings.
   */
  readonly authorizationServers?: readonly string[];
  /** Scope values clients should request (RFC 9728 §2 `scopes_supported`, RECOMMENDED). */
  readonly scopesSupported?: readonly string[];
  /** A human-readable name of the API, shown to end users (RFC 9728 §2 `resource_name`). */
  readonly resourceName?: string;
  /** A page for developers on how to use the API (RFC 9728 §2 `resource_documentation`). */
  readonly resourceDocumentation?: string;
  /** The API's data-use policy (RFC 9728 §2 `resource_policy_uri`). */
  readonly resourcePolicyUri?: string;
  /** The API's terms of service (RFC 9728 §2 `resource_tos_uri`). */
  readonly resourceTosUri?: string;
  /**
   * The well-known path the document is served under. Default
   * `/.well-known/oauth-protected-resource`; another one must also sit under `/.well-known/`
   * (RFC 8615 §3; RFC 9728 §3 lets applications register their own suffix).
   */
  readonly path?: string;
}

/** Validated `ResourceMetadataOptions`, built once by `resourceMetadataPolicy()`. */
export interface ResourceMetadataPolicy {
  /** The configured resource identifier, as written; `undefined`: the request's origin. */
  readonly resource: string | undefined;
  /** The configured resource's origin (`https://mcp.example.com`), if one is configured. */
  readonly resourceOrigin: string | undefined;
  /** Where the configured resource's document lives (`/.well-known/oauth-protected-resource/mcp`). */
  readonly resourceMetadataPath: string | undefined;
  readonly authorizationServers: readonly string[] | undefined;
  readonly scopesSupported: readonly string[] | undefined;
  readonly resourceName: string | undefined;
  readonly resourceDocumentation: string | undefined;
  readonly resourcePolicyUri: string | undefined;
  readonly resourceTosUri: string | undefined;
  /** The well-known path (default `/.well-known/oauth-protected-resource`). */
  readonly path: string;
}

const OPTION_KEYS = optionKeys<ResourceMetadataOptions>({
  resource: true,
  authorizationServers: true,
  scopesSupported: true,
  resourceName: true,
  resourceDocumentation: true,
  resourcePolicyUri: true,
  resourceTosUri: true,
  path: true,
});

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ): printable ASCII but space, `"`, `\`.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * Validates the `resourceMetadata` option once, at creation: `undefined` or `false` is off,
 * `true` the defaults, an object its members. Every mistake is a `TypeError` naming
 * `resourceMetadata.<member>`.
 *
 * @example
 * ```ts
 * const policy = resourceMetadataPolicy({ resource: 'https://mcp.example.com/mcp', scopesSupported: ['mcp:tools'] });
 * policy?.resourceMetadataPath; // '/.well-known/oauth-protected-resource/mcp'
 * ```
 */
export function resourceMetadataPolicy(
  options: boolean | ResourceMetadataOptions | undefined,
): ResourceMetadataPolicy | undefined {
  if (options === undefined || options === false) return undefined;
  const given: ResourceMetadataOptions = options === true ? {} : options;
  // A plain object only: a Map or a class instance would pass as "no options" and publish the
  // defaults in silence.
  if (!isPlainObject(given)) {
    throw new TypeError(
      `resourceMetadata must be true or an object of options, got ${describe(options)}`,
    );
  }
  assertKnownKeys(given, OPTION_KEYS, 'resourceMetadata');
  const path = wellKnownPath(given.path);
  const resource = resourceIdentifier(given.resource);
  return Object.freeze({
    resource: resource?.text,
    resourceOrigin: resource?.origin,
    resourceMetadataPath: resource === undefined ? undefined : metadataPathOf(resource.path, path),
    authorizationServers:
      given.authorizationServers === undefined
        ? undefined
        : authorizationServers(given.authorizationServers),
    scopesSupported:
      given.scopesSupported === undefined ? undefined : scopes(given.scopesSupported),
    resourceName:
      given.resourceName === undefined
        ? undefined
        : nonEmptyString(given.resourceName, 'resourceMetadata.resourceName'),
    resourceDocumentation: link(given.resourceDocumentation, 'resourceDocumentation'),
    resourcePolicyUri: link(given.resourcePolicyUri, 'resourcePolicyUri'),
    resourceTosUri: link(given.resourceTosUri, 'resourceTosUri'),
    path,
  });
}

function wellKnownPath(value: unknown): string {
  if (value === undefined) return DEFAULT_METADATA_PATH;
  const path = nonEmptyString(value, 'resourceMetadata.path');
  if (!path.startsWith('/.well-known/') || path.endsWith('/') || !isPlainPath(path)) {
    throw new TypeError(
      `resourceMetadata.path must be a path under /.well-known/ of plain segments (no %, //, . or .., no trailing slash), got ${describe(value)}`,
    );
  }
  return path;
}

interface ResourceIdentifier {
  readonly text: string;
  readonly origin: string;
  /** The URL's path, `''` when it is the origin alone. */
  readonly path: string;
}

function resourceIdentifier(value: unknown): ResourceIdentifier | undefined {
  if (value === undefined) return undefined;
  const name = 'resourceMetadata.resource';
  const text = httpsUrl(value, name);
  // RFC 9728 §1.2 and RFC 8707 §2: no fragment; a query SHOULD NOT be used, and would have to
  // follow the path in the metadata URL (§3.1), which this server does not match on.
  if (text.includes('#') || text.includes('?')) {
    throw new TypeError(`${name} must have no query or fragment, got ${describe(value)}`);
  }
  const url = new URL(text);
  // RFC 9728 §3.3: clients compare `resource` with their own identifier as strings, and they
  // hold it as their URL parser serialised it. So the identifier is accepted only in that
  // form (the origin alone may drop the slash, as MCP's canonical URIs do), never rewritten.
  const serialised = url.origin + url.pathname;
  if (text !== serialised && !(url.pathname === '/' && text === url.origin)) {
    throw new TypeError(
      `${name} must be written as URL serialises it (lowercase scheme and host, no default port, no dot segments), e.g. ${JSON.stringify(serialised)}; got ${describe(value)}`,
    );
  }
  const path = url.pathname === '/' ? '' : url.pathname;
  if (!isPlainPath(path)) {
    throw new TypeError(
      `${name} path must be plain segments (letters, digits, -._~!$&'()*+,;=:@; no percent-encoding), got ${describe(value)}`,
    );
  }
  return { text, origin: url.origin, path };
}

function authorizationServers(value: unknown): readonly string[] {
  const name = 'resourceMetadata.authorizationServers';
  const list = stringList(value, name);
  list.forEach((issuer, index) => {
    httpsUrl(issuer, `${name}[${index}]`);
    // RFC 8414 §2: an issuer identifier has no query or fragment.
    if (issuer.includes('?') || issuer.includes('#')) {
      throw new TypeError(`${name}[${index}] must have no query or fragment`);
    }
  });
  return list;
}

function scopes(value: unknown): readonly string[] {
  const name = 'resourceMetadata.scopesSupported';
  const list = stringList(value, name);
  list.forEach((scope, index) => {
    if (!SCOPE_TOKEN.test(scope)) {
      throw new TypeError(
        `${name}[${index}] must be one scope token (RFC 6749 §3.3: printable ASCII without space, " or \\), got ${describe(scope)}`,
      );
    }
  });
  return list;
}

/** A link for humans: `https:` (or loopback `http:`); query and fragment are fine here. */
function link(value: unknown, member: string): string | undefined {
  return value === undefined ? undefined : httpsUrl(value, `resourceMetadata.${member}`);
}

/**
 * An absolute `https:` URL without credentials, or `http:` on loopback only: these URLs are
 * published to clients, which fetch them or send tokens there (RFC 9728 §7.1 asks for TLS).
 */
function httpsUrl(value: unknown, name: string): string {
  const text = secureUrl(value, name, true);
  const url = new URL(text);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new TypeError(
      `${name} must use https: (http: only on 127.0.0.0/8, [::1] and localhost), got ${describe(value)}`,
    );
  }
  return text;
}
