// What a rejection's `detail` may hold: bounded, printable values for logs. Much of it comes
// from the token, which anyone can write, so every string is capped and stripped of control
// characters (no forged log lines, no terminal escapes), every list is cut to its first few.
// Built only when an error is thrown: the success path never pays for it.

/**
 * A token value, a rejection's cause, or what was expected: never the token or its signature.
 *
 * @example
 * ```ts
 * const trusted: DetailValue = ['https://auth.example.com/', 'https://login.example.org/'];
 * ```
 */
export type DetailValue =
  | string
  | number
  | boolean
  | null
  | readonly DetailValue[]
  | { readonly [name: string]: DetailValue };

/**
 * A rejection's `detail` ({@link TokengateError.detail}): what was expected and what the token
 * held, for logs and `onEvent`, never for the response.
 *
 * @example
 * ```ts
 * // An expired token's detail:
 * const detail: ErrorDetail = { exp: 1767225600, now: 1767229200, leewaySeconds: 5 };
 * ```
 */
export type ErrorDetail = { readonly [name: string]: DetailValue };

export const MAX_DETAIL_STRING = 200;
export const MAX_DETAIL_LIST = 5;

// C0, DEL, C1, and the Unicode line and paragraph separators and bidi controls that can make a
// log line lie about its content.
// eslint-disable-next-line no-control-regex -- matching control characters is the point.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** A string capped at 200 characters, control characters replaced by `?`. */
export function detailString(value: string): string {
  const capped = value.length > MAX_DETAIL_STRING ? `${value.slice(0, MAX_DETAIL_STRING)}…` : value;
  return capped.replace(UNPRINTABLE, '?');
}

/**
 * Any value read from a token, as a log can safely hold it: capped strings, finite numbers
 * and booleans as they are, `null` when absent, and a type name for anything else (an object
 * or array is never copied whole).
 */
export function seen(value: unknown): DetailValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return detailString(value);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  return Array.isArray(value) ? `(array of ${value.length})` : `(${typeof value})`;
}

/** The first five of a list, capped, with the full count when it was cut. */
export function detailList(values: Iterable<unknown>): DetailValue {
  const first: DetailValue[] = [];
  let total = 0;
  for (const value of values) {
    if (total < MAX_DETAIL_LIST) first.push(seen(value));
    total += 1;
  }
  return total > MAX_DETAIL_LIST ? { first, total } : first;
}

/** A claim that may be a string or a list of them (`aud`), as seen in the token. */
export function seenList(value: unknown): DetailValue {
  return Array.isArray(value) ? detailList(value) : seen(value);
}

/** A NumericDate (RFC 7519 §2) as seconds and, when it is one, an ISO 8601 string. */
export function detailTime(seconds: number): DetailValue {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? { seconds } : { seconds, iso: date.toISOString() };
}
