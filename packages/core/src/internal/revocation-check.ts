import { IdpUnavailableError, TokengateError } from '../errors.js';
import type { RevocationStore } from '../revocation.js';
import type { VerifiedToken } from '../types.js';
import { invalid } from './claims-check.js';

/** The last check, on every request: has the token, its subject or its client been revoked? */
export async function checkRevocation(
  store: RevocationStore | undefined,
  result: VerifiedToken,
): Promise<VerifiedToken> {
  if (store === undefined) return result;
  let revoked: boolean;
  try {
    const answer = store.isRevoked(result);
    // Anything but a plain `false` counts as revoked: a confused store fails closed.
    revoked = (typeof answer === 'boolean' ? answer : await answer) !== false;
  } catch (cause) {
    if (cause instanceof TokengateError) throw cause;
    // Fail closed: an unknown revocation state must not let a revoked token through.
    throw new IdpUnavailableError({
      code: 'REVOCATION_UNAVAILABLE',
      description: 'Revocation state is unavailable; retry later',
      cause,
    });
  }
  if (revoked) throw invalid('TOKEN_REVOKED', 'Token has been revoked');
  return result;
}
