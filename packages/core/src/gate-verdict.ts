// What a gate accepts from its verifier. A verifier passed in (`verifier`, `albVerifier`) is
// code the gate did not build: whatever it throws or answers, only TokengateErrors and verified
// tokens leave the request path.
import { IdpUnavailableError, type TokengateError } from './errors/errors.js';
import { isVerifiedToken } from './claims/verified-token.js';
import type { VerifiedToken } from './lib/types.js';

/**
 * Only `TokengateError`s leave the request path: anything else thrown by a verifier passed in
 * (a wrapper of the app's, a mock left in) is a 503 with the original as its `cause`, never a
 * 500 and never a pass.
 */
export function verifierFailed(cause: unknown, realm: string | undefined): TokengateError {
  return new IdpUnavailableError({
    code: 'VERIFIER_FAILED',
    description: 'The token could not be verified',
    realm,
    cause,
  });
}

/**
 * A verifier's answer is a token it verified (marked by `markVerified`), whichever copy of the
 * core built it; a verifier passed in that answers with anything else has failed.
 */
export function verifiedOnly(result: unknown, realm: string | undefined): VerifiedToken {
  if (isVerifiedToken(result)) return result;
  throw verifierFailed(new TypeError('the verifier answered with no verified token'), realm);
}
