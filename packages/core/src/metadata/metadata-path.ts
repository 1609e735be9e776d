// Where a protected resource's metadata document lives (RFC 9728 §3.1): the well-known path,
// followed by the resource identifier's own path when it has one.

/** RFC 9728 §3: the default well-known URI string, registered in §8.3. */
export const DEFAULT_METADATA_PATH = '/.well-known/oauth-protected-resource';

// RFC 3986 §3.3 `pchar` without percent-encoding: unreserved, sub-delims, ':' and '@'. A `%` is
// refused outright: `%2e%2e` is `..` once a server or proxy decodes it (RFC 3986 §6.2.2.2 even
// asks normalisers to decode unreserved octets), and `%2f` a slash, so an encoded path could
// name a resource other than the one it appears to. Backslashes (which some servers read as
// slashes) and every non-ASCII or control character fall outside this set too.
const SEGMENT = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]+$/;

/** Longest resource path served in the path-suffixed form; far beyond any real API's. */
const MAX_RESOURCE_PATH = 1024;

/**
 * Whether `path` is `''` or a plain absolute path of `SEGMENT`s: no empty segment (`//`), no
 * `.` or `..` (RFC 3986 §3.3 dot-segments, which resolve to another path), a trailing slash
 * allowed only after a segment (`/mcp/`), bounded in length.
 */
export function isPlainPath(path: string): boolean {
  if (path === '') return true;
  if (path.length > MAX_RESOURCE_PATH || path[0] !== '/') return false;
  const segments = path.slice(1).split('/');
  // `/mcp/` splits into ['mcp', '']: the empty last segment is the trailing slash.
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  return segments.every((segment) => segment !== '.' && segment !== '..' && SEGMENT.test(segment));
}

/** What `matchMetadataPath` found: the path of the resource the document describes. */
export interface MetadataPathMatch {
  /**
   * The resource identifier's path: `''` for the well-known path itself (the resource is the
   * origin), `'/mcp'` for `/.well-known/oauth-protected-resource/mcp` (RFC 9728 §3.1).
   */
  readonly resourcePath: string;
}

/**
 * Whether a request target (`/path?query`, as in Node's `req.url`) asks for protected-resource
 * metadata: exactly the well-known path, or that path followed by a resource path (RFC 9728
 * §3.1). The query is ignored. Anything else is `undefined`: a longer name
 * (`/.well-known/oauth-protected-resourceX`), another case (paths are case-sensitive, RFC 3986
 * §6.2.2.1), `//`, `.` or `..` segments, any percent-encoding, a backslash, a fragment, an
 * absolute-form target, or `…/oauth-protected-resource/` (the resource `https://host/` has its
 * metadata at the well-known path itself, §3.1, so no client asks for this form).
 *
 * @example
 * ```ts
 * matchMetadataPath('/.well-known/oauth-protected-resource/mcp'); // { resourcePath: '/mcp' }
 * matchMetadataPath('/.well-known/oauth-protected-resource');     // { resourcePath: '' }
 * matchMetadataPath('/.well-known/oauth-protected-resource/%2e%2e/admin'); // undefined
 * ```
 */
export function matchMetadataPath(
  target: string,
  path: string = DEFAULT_METADATA_PATH,
): MetadataPathMatch | undefined {
  if (typeof target !== 'string' || !target.startsWith(path)) return undefined;
  const query = target.indexOf('?');
  const rest = target.slice(path.length, query === -1 ? undefined : query);
  // A request target carries no fragment (RFC 9112 §3.2); one here is a malformed request.
  if (rest.includes('#')) return undefined;
  if (rest === '') return { resourcePath: '' };
  if (rest === '/' || !isPlainPath(rest)) return undefined;
  return { resourcePath: rest };
}

/**
 * The metadata path of a resource path: the well-known path with the resource path appended
 * (RFC 9728 §3.1), except that a bare `/` is dropped (the "terminating slash").
 */
export function metadataPathOf(resourcePath: string, path: string = DEFAULT_METADATA_PATH): string {
  return resourcePath === '' || resourcePath === '/' ? path : path + resourcePath;
}
