import { UsageError, type CliIo } from './io.js';

/** What a token decodes to before any verification. */
export interface DecodedToken {
  readonly header: Record<string, unknown>;
  readonly claims: Record<string, unknown>;
}

/**
 * The token from the argument, or from stdin for `-`. Surrounding whitespace and an
 * `Authorization`-style `Bearer ` prefix (RFC 6750 §2.1) are removed, so a pasted header works.
 */
export async function readToken(argument: string, io: CliIo): Promise<string> {
  const raw = argument === '-' ? await io.readStdin() : argument;
  const token = raw.trim().replace(/^bearer\s+/i, '');
  if (token === '') throw new UsageError('the token is empty');
  return token;
}

/** Thrown for input that is not a compact JWS: exit status 2, like a usage error. */
export class MalformedTokenError extends UsageError {}

const SEGMENT = /^[A-Za-z0-9_-]*$/;

/**
 * Splits and decodes a compact JWS (RFC 7515 §7.1) without checking anything else: header and
 * claims must be base64url JSON objects (RFC 7519 §7.2 steps 1–5).
 */
export function decodeToken(token: string): DecodedToken {
  const parts = token.split('.');
  if (parts.length === 5) {
    throw new MalformedTokenError(
      'this is an encrypted token (JWE, 5 parts): it cannot be read without the key',
    );
  }
  if (parts.length !== 3) {
    throw new MalformedTokenError(
      `not a JWT: expected 3 dot-separated parts (header.payload.signature), got ${parts.length}`,
    );
  }
  return {
    header: decodeSegment(parts[0] ?? '', 'header'),
    claims: decodeSegment(parts[1] ?? '', 'payload'),
  };
}

function decodeSegment(segment: string, name: string): Record<string, unknown> {
  if (segment === '' || !SEGMENT.test(segment)) {
    throw new MalformedTokenError(`not a JWT: the ${name} is not base64url`);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new MalformedTokenError(`not a JWT: the ${name} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MalformedTokenError(`not a JWT: the ${name} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}
