import { isTokengateError } from '../errors.js';
import type { VerifiedToken, VerifierEvent, VerifierEventListener } from '../types.js';

/** Hands an event to the app's listener; a listener's failure never changes an outcome. */
export function notify(onEvent: VerifierEventListener | undefined, event: VerifierEvent): void {
  if (onEvent === undefined) return;
  try {
    onEvent(event);
  } catch {
    // An observer's failure must never change a verification outcome.
  }
}

/**
 * Wraps a verify function so every outcome is reported as a `verified` or `rejected` event.
 * Without a listener the function is returned as is: no cost on the hot path.
 */
export function observed<T extends (token: string) => Promise<VerifiedToken>>(
  verify: T,
  onEvent: VerifierEventListener | undefined,
): T {
  if (onEvent === undefined) return verify;
  return (async (token: string): Promise<VerifiedToken> => {
    try {
      const result = await verify(token);
      notify(onEvent, { type: 'verified', issuer: result.issuer, kid: result.header.kid });
      return result;
    } catch (error) {
      if (isTokengateError(error)) {
        notify(onEvent, {
          type: 'rejected',
          code: error.code,
          status: error.status,
          issuer: undefined,
        });
      }
      throw error;
    }
  }) as T;
}
