import { InvalidRequestError } from '../errors/errors.js';

/**
 * The value of a header that must appear at most once, read from Node's `rawHeaders`.
 * Node keeps only the first of repeated lines in `req.headers` while a proxy may keep
 * another, so a repeat is refused as ambiguous (RFC 9110 §5.3: these fields are not lists).
 *
 * @param lowerName the header name in lower case
 */
export function singleHeader(
  rawHeaders: readonly string[],
  lowerName: string,
  displayName: string,
  realm: string | undefined,
): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length !== lowerName.length || name.toLowerCase() !== lowerName) continue;
    if (value !== undefined) {
      throw new InvalidRequestError('AUTHORIZATION_DUPLICATE', {
        description: `Request has more than one ${displayName} header`,
        realm,
      });
    }
    value = rawHeaders[i + 1] ?? '';
  }
  return value;
}
