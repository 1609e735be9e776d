import { backend } from '#crypto-backend';
import { InvalidTokenError } from '../errors/errors.js';
import type { JwtClaims, JwtHeader } from '../lib/types.js';

/** A JWS in compact serialization, split and decoded but not yet trusted. */
export interface DecodedJws {
  readonly header: JwtHeader;
  readonly claims: JwtClaims;
  /** ASCII bytes of `<header>.<payload>`: what the signature covers (RFC 7515 §5.2). */
  readonly signingInput: Uint8Array;
  readonly signature: Uint8Array;
}

const SEGMENT_NAMES = ['header', 'payload', 'signature'] as const;

// RFC 7519 §7.2 / RFC 8259 §8.1: JSON text is UTF-8. `fatal` refuses malformed bytes instead
// of replacing them (two byte strings must never read as the same claims); `ignoreBOM` keeps a
// byte order mark in the text, so JSON.parse refuses it rather than it being skipped.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Splits and decodes a compact JWS strictly: exactly three non-empty segments of unpadded
 * base64url, header and payload each a JSON object.
 *
 * Precondition: `assertTokenCharset` passed. The Node backend's decoders (Buffer's base64 and
 * `latin1`) read only a character's low byte, so a non-ASCII look-alike (`\u0141` for `A`) would decode, and sign,
 * exactly like the character it imitates; the checks below do not catch it.
 */
export function decodeCompactJws(token: string): DecodedJws {
  const firstDot = token.indexOf('.');
  const secondDot = firstDot === -1 ? -1 : token.indexOf('.', firstDot + 1);
  if (secondDot === -1 || token.indexOf('.', secondDot + 1) !== -1) {
    throw malformed('Token must have exactly three segments');
  }
  const header = parseJsonObject(decodeSegment(token.slice(0, firstDot), 0), 'header');
  const claims = parseJsonObject(decodeSegment(token.slice(firstDot + 1, secondDot), 1), 'payload');
  return {
    header: header as unknown as JwtHeader,
    claims: claims as JwtClaims,
    signingInput: backend.asciiBytes(token.slice(0, secondDot)),
    signature: decodeSegment(token.slice(secondDot + 1), 2),
  };
}

/**
 * RFC 7515 §2 / RFC 4648 §5: unpadded base64url only. The backend's decoder is lenient (Buffer's
 * on Node, lib/base64.ts elsewhere: see `CryptoBackend.decodeBase64Url`), so the
 * result is checked instead of the input: a foreign ASCII or latin1 character (padding,
 * whitespace) is skipped by the decoder and shows as a short output; `+` and `/`, which it
 * accepts from the other alphabet, are looked for directly. Characters above U+00FF are
 * not skipped but read by their low byte: only `assertTokenCharset` refuses those.
 */
function decodeSegment(segment: string, index: 0 | 1 | 2): Uint8Array {
  const bytes = backend.decodeBase64Url(segment);
  if (
    segment.length === 0 ||
    // A length of 4n+1 cannot come from any byte string.
    segment.length % 4 === 1 ||
    bytes.length !== (segment.length * 3) >>> 2 ||
    segment.includes('+') ||
    segment.includes('/') ||
    hasStrayBits(segment)
  ) {
    throw malformed(`Token ${SEGMENT_NAMES[index]} is not base64url`);
  }
  return bytes;
}

/**
 * RFC 4648 §3.5: in a segment whose length is not a multiple of 4, the last character's
 * unused low bits must be zero. Decoders ignore them, so without this check one signature
 * has up to 16 spellings, and a token string could dodge anything keyed by it.
 */
function hasStrayBits(segment: string): boolean {
  const remainder = segment.length % 4;
  if (remainder === 0) return false;
  const code = segment.charCodeAt(segment.length - 1);
  const value =
    code >= 97 ? code - 71 : code >= 65 ? code - 65 : code >= 48 ? code + 4 : code === 45 ? 62 : 63;
  return (value & (remainder === 2 ? 0x0f : 0x03)) !== 0;
}

function parseJsonObject(bytes: Uint8Array, part: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(bytes));
  } catch (cause) {
    // JSON.parse's message quotes the input, i.e. decoded token text: keep only the error's type.
    throw malformed(`Token ${part} is not JSON`, new Error((cause as Error).name));
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
