// The `htu` comparison of RFC 9449 §4.3 check 9: the proof's `htu` must be the request's URI,
// query and fragment ignored, after syntax-based (RFC 3986 §6.2.2) and scheme-based (§6.2.3)
// normalization. A hand-written parser, not `new URL()`: WHATWG URL rewrites far more (IDNA,
// IPv4 spellings such as `0x7f.1`, backslashes read as slashes, tabs and newlines removed), so
// two strings RFC 3986 calls different would compare equal, and it throws on input it dislikes.

const UNRESERVED = 1;
const SUB_DELIM = 2;
const PATH_EXTRA = 4;

/** RFC 3986 §2.2–2.3 classes of the ASCII characters: unreserved, sub-delims, and `:@/`. */
const CLASSES = (() => {
  const table = new Uint8Array(128);
  const mark = (chars: string, bit: number): void => {
    for (let i = 0; i < chars.length; i += 1) table[chars.charCodeAt(i)] = bit;
  };
  mark('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~', UNRESERVED);
  mark("!$&'()*+,;=", SUB_DELIM);
  mark(':@/', PATH_EXTRA);
  return table;
})();

/** RFC 3986 §3.2.2 reg-name: unreserved, sub-delims and percent-encodings. */
const HOST_CHARS = UNRESERVED | SUB_DELIM;
/** RFC 3986 §3.3 path-abempty: segments of pchar joined by `/`. */
const PATH_CHARS = UNRESERVED | SUB_DELIM | PATH_EXTRA;

const HEX_DIGITS = '0123456789ABCDEF';
const MAX_PORT = 65_535;

/**
 * `url` in normal form (RFC 3986 §6.2.2–6.2.3): scheme and host lowercase, the default port and
 * an empty port dropped, an empty path as `/`, percent-encodings of unreserved characters
 * decoded and the others in uppercase hex, `.` and `..` segments removed; the query and the
 * fragment cut off. `undefined` for anything that is not an absolute `http:`/`https:` URI with
 * a host: another scheme, userinfo (RFC 9110 §4.2.4 forbids it in http URIs), a character
 * outside RFC 3986 §2, a broken percent-encoding, a port that is not a number up to 65535.
 * Never throws.
 */
export function normalizeHttpUrl(url: string): string | undefined {
  let end = url.indexOf('?');
  if (end === -1) end = url.length;
  const hash = url.indexOf('#');
  if (hash !== -1 && hash < end) end = hash;

  const colon = url.indexOf(':');
  if (colon !== 4 && colon !== 5) return undefined;
  // RFC 3986 §3.1: the scheme is case-insensitive.
  const scheme = url.slice(0, colon).toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return undefined;
  if (url.charCodeAt(colon + 1) !== 0x2f || url.charCodeAt(colon + 2) !== 0x2f) return undefined;
  const start = colon + 3;

  let authorityEnd = url.indexOf('/', start);
  if (authorityEnd === -1 || authorityEnd > end) authorityEnd = end;

  let host: string | undefined;
  let portStart: number;
  if (url.charCodeAt(start) === 0x5b /* [ */) {
    const close = url.indexOf(']', start);
    if (close === -1 || close >= authorityEnd) return undefined;
    host = ipLiteral(url, start, close + 1);
    portStart = close + 1;
    if (portStart < authorityEnd && url.charCodeAt(portStart) !== 0x3a) return undefined;
  } else {
    const portColon = url.indexOf(':', start);
    portStart = portColon === -1 || portColon > authorityEnd ? authorityEnd : portColon;
    host = normalizeComponent(url, start, portStart, HOST_CHARS, true);
  }
  if (host === undefined || host.length === 0) return undefined;

  const port = portStart < authorityEnd ? portNumber(url, portStart + 1, authorityEnd) : -1;
  if (port === undefined) return undefined;
  // RFC 3986 §6.2.3: the scheme's default port is the same as no port.
  const portText = port === -1 || port === (scheme === 'https' ? 443 : 80) ? '' : `:${port}`;

  let path = normalizeComponent(url, authorityEnd, end, PATH_CHARS, false);
  if (path === undefined) return undefined;
  // RFC 3986 §6.2.3: an empty path is `/` for http(s). Dot segments after percent-decoding,
  // so an encoded `%2E%2E` is removed like `..` (§6.2.2.3).
  if (path.length === 0) path = '/';
  else if (path.includes('/.')) path = removeDotSegments(path);
  return `${scheme}://${host}${portText}${path}`;
}

/**
 * One component with RFC 3986 §6.2.2.1–6.2.2.2 applied: unreserved characters decoded, other
 * percent-encodings in uppercase hex, and letters lowercased when `lower` (the host, §3.2.2).
 * `undefined` when a character is not allowed there. Slices the input unless something
 * changes, so an already normal component costs no new string.
 */
function normalizeComponent(
  url: string,
  start: number,
  end: number,
  allowed: number,
  lower: boolean,
): string | undefined {
  let built: string | undefined;
  let copied = start;
  for (let i = start; i < end; i += 1) {
    const code = url.charCodeAt(i);
    if (code === 0x25 /* % */) {
      if (i + 2 >= end) return undefined;
      const high = hexValue(url.charCodeAt(i + 1));
      const low = hexValue(url.charCodeAt(i + 2));
      if (high === -1 || low === -1) return undefined;
      const byte = high * 16 + low;
      let replacement: string | undefined;
      if (byte < 128 && CLASSES[byte] === UNRESERVED) {
        replacement = String.fromCharCode(lower ? lowerCase(byte) : byte);
      } else if (isLowerHex(url.charCodeAt(i + 1)) || isLowerHex(url.charCodeAt(i + 2))) {
        replacement = `%${HEX_DIGITS[high]!}${HEX_DIGITS[low]!}`;
      }
      if (replacement !== undefined) {
        built = `${built ?? ''}${url.slice(copied, i)}${replacement}`;
        copied = i + 3;
      }
      i += 2;
      continue;
    }
    if (code >= 128 || (CLASSES[code]! & allowed) === 0) return undefined;
    if (lower && code >= 0x41 && code <= 0x5a) {
      built = `${built ?? ''}${url.slice(copied, i)}${String.fromCharCode(code + 32)}`;
      copied = i + 1;
    }
  }
  return built === undefined ? url.slice(start, end) : built + url.slice(copied, end);
}

/** RFC 3986 §3.2.2 IP-literal holding an IPv6 address, lowercased; IPvFuture and zones refused. */
function ipLiteral(url: string, start: number, end: number): string | undefined {
  if (end - start < 4) return undefined; // `[::]` at least
  for (let i = start + 1; i < end - 1; i += 1) {
    const code = url.charCodeAt(i);
    if (hexValue(code) === -1 && code !== 0x3a /* : */ && code !== 0x2e /* . */) return undefined;
  }
  return url.slice(start, end).toLowerCase();
}

/** RFC 3986 §3.2.3 port: digits; empty is -1 (no port, §6.2.3), anything else `undefined`. */
function portNumber(url: string, start: number, end: number): number | undefined {
  let port = 0;
  for (let i = start; i < end; i += 1) {
    const digit = url.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    port = port * 10 + digit;
    if (port > MAX_PORT) return undefined;
  }
  return start === end ? -1 : port;
}

/** RFC 3986 §5.2.4 remove_dot_segments, for a path that starts with `/`. */
function removeDotSegments(path: string): string {
  const input = path.split('/');
  const output: string[] = [];
  const last = input.length - 1;
  for (let i = 1; i <= last; i += 1) {
    const segment = input[i]!;
    if (segment === '.' || segment === '..') {
      if (segment === '..') output.pop();
      // A trailing dot segment leaves the directory: `/a/b/..` is `/a/`.
      if (i === last) output.push('');
    } else {
      output.push(segment);
    }
  }
  return `/${output.join('/')}`;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

function isLowerHex(code: number): boolean {
  return code >= 0x61 && code <= 0x66;
}

function lowerCase(code: number): number {
  return code >= 0x41 && code <= 0x5a ? code + 32 : code;
}
