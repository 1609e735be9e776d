import { InvalidTokenError } from '../errors.js';
import type { JwtClaims, JwtHeader } from '../types.js';

/** A JWS in compact serialization, split and decoded but not yet trusted. */
export interface DecodedJws {
  readonly header: JwtHeader;
  readonly claims: JwtClaims;
  /** ASCII bytes of `<header>.<payload>`: what the signature covers (RFC 7515 §5.2). */
  readonly signingInput: Buffer;
  readonly signature: Buffer;
}

// RFC 7515 §2 / RFC 4648 §5: unpadded base64url only. Buffer's own decoder silently skips
// foreign characters, so the alphabet is checked first, in one pass over the whole token.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Splits and decodes a compact JWS strictly: exactly three non-empty segments of unpadded
 * base64url, header and payload each a JSON object.
 */
export function decodeCompactJws(token: string): DecodedJws {
  if (!COMPACT_JWS.test(token)) throw explainMalformed(token);
  const firstDot = token.indexOf('.');
  const secondDot = token.indexOf('.', firstDot + 1);
  const header = decodeJsonSegment(token.slice(0, firstDot), 'header');
  const claims = decodeJsonSegment(token.slice(firstDot + 1, secondDot), 'payload');
  const signatureSegment = token.slice(secondDot + 1);
  if (signatureSegment.length % 4 === 1) throw malformed('Token signature is not base64url');
  return {
    header: header as unknown as JwtHeader,
    claims: claims as JwtClaims,
    signingInput: Buffer.from(token.slice(0, secondDot), 'latin1'),
    signature: Buffer.from(signatureSegment, 'base64url'),
  };
}

/** The slow path, for refused tokens only: which rule did the token break? */
function explainMalformed(token: string): InvalidTokenError {
  const segments = token.split('.');
  if (segments.length !== 3) return malformed('Token must have exactly three segments');
  const names = ['header', 'payload', 'signature'];
  const bad = segments.findIndex((segment) => !BASE64URL.test(segment));
  return malformed(`Token ${names[bad] ?? 'segment'} is not base64url`);
}

function decodeJsonSegment(segment: string, part: string): Record<string, unknown> {
  // A length of 4n+1 cannot come from any byte string (RFC 4648 §5).
  if (segment.length % 4 === 1) throw malformed(`Token ${part} is not base64url`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch (cause) {
    throw malformed(`Token ${part} is not JSON`, cause);
  }
  // RFC 7515 §4 and RFC 7519 §7.2: both must be JSON objects; arrays and scalars are not.
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed(`Token ${part} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function malformed(description: string, cause?: unknown): InvalidTokenError {
  return new InvalidTokenError('TOKEN_MALFORMED', { description, cause });
}
