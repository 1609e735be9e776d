import { backend } from '#crypto-backend';
import { InvalidTokenError } from '../errors/errors.js';
import { decodeCompactJws, type DecodedJws } from '../jws/compact-jws.js';

/**
 * ALB key ids are lower-case UUIDs (RFC 9562 §4: 8-4-4-4-12 hex digits). Checked before the kid
 * becomes part of a URL, so it can carry no `/`, `..`, `%`, `?`, `#` or anything else that would
 * change which resource is fetched, and so that any other string (`deadbeef`, an upper-case
 * spelling of a known kid) is a 401 that costs no fetch and no share of the fetch budget.
 */
const KID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Decodes the `x-amzn-oidc-data` value. The ALB pads its base64url segments with `=`, which
 * RFC 7515 §2 forbids, so this is the one place padding is accepted: a segment may end in
 * the exact padding its length calls for, and is otherwise held to the strict decoder
 * (`+`, `/`, whitespace and foreign characters are still refused). The signature covers the
 * segments as sent, padding included.
 */
export function decodeAlbToken(token: string): DecodedJws {
  const firstDot = token.indexOf('.');
  const secondDot = firstDot === -1 ? -1 : token.indexOf('.', firstDot + 1);
  if (secondDot === -1 || token.indexOf('.', secondDot + 1) !== -1) {
    throw malformed('Token must have exactly three segments');
  }
  const unpadded = `${unpad(token.slice(0, firstDot))}.${unpad(token.slice(firstDot + 1, secondDot))}.${unpad(token.slice(secondDot + 1))}`;
  const decoded = decodeCompactJws(unpadded);
  return { ...decoded, signingInput: backend.asciiBytes(token.slice(0, secondDot)) };
}

/** The ALB key id, if it is a lower-case UUID: the strict shape that is safe in a URL path. */
export function albKid(value: unknown): string {
  if (typeof value !== 'string' || !KID.test(value)) {
    throw malformed('Token kid header is missing or not a key id');
  }
  return value;
}

/** Strips RFC 4648 §4 padding, but only padding that completes the segment to 4n characters. */
function unpad(segment: string): string {
  let end = segment.length;
  while (end > 0 && segment.charCodeAt(end - 1) === 0x3d /* = */) end -= 1;
  const padding = segment.length - end;
  if (padding === 0) return segment;
  if (padding > 2 || segment.length % 4 !== 0) {
    throw malformed('Token segment has invalid base64 padding');
  }
  return segment.slice(0, end);
}

function malformed(description: string): InvalidTokenError {
  return new InvalidTokenError('TOKEN_MALFORMED', { description });
}
