import { TokengateError } from '@tokengate/core';
import { expect } from 'vitest';

/** Awaits a rejection and returns it as a `TokengateError`, failing the test on anything else. */
export async function rejectionOf(promise: Promise<unknown>): Promise<TokengateError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, 'expected a rejection').toBeInstanceOf(TokengateError);
  return error as TokengateError;
}

/** Base64url of a JSON value, for hand-built tokens. */
export function segment(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString(
    'base64url',
  );
}

/** Replaces one of the three segments of a compact token. */
export function withSegment(token: string, index: 0 | 1 | 2, replacement: string): string {
  const parts = token.split('.');
  parts[index] = replacement;
  return parts.join('.');
}

export function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
