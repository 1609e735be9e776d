import { detailTime, seen } from '../errors/error-detail.js';
import { IdpUnavailableError, isTokengateError } from '../errors/errors.js';
import { withinDeadline } from '../lib/deadline.js';
import type { DpopPolicy } from './dpop-options.js';
import { refused } from './proof-error.js';

/**
 * RFC 9449 §11.1: each proof is accepted once. Its id is remembered, keyed by the token's key
 * (ids are chosen by clients, so two clients' ids may collide), until the proof could no longer
 * pass the `iat` check; a second sighting is a replay. A store that fails, answers anything
 * but a boolean, or misses its deadline leaves the question open: 503, never a 401 and never a
 * pass.
 */
export function rememberProof(
  policy: DpopPolicy,
  jkt: string,
  jti: string,
  iat: number,
): void | Promise<void> {
  const key = `${jkt}:${jti}`;
  // One second past the last instant the `iat` check accepts this proof.
  const expiresAtMs =
    Math.ceil((iat + policy.proofMaxAgeSeconds + policy.clockToleranceSeconds) * 1000) + 1000;
  let answer: boolean | PromiseLike<boolean>;
  try {
    answer = policy.replayStore.remember(key, expiresAtMs);
  } catch (cause) {
    throw storeFailed(cause);
  }
  if (answer === true) return;
  if (answer === false) throw replayed(jti, iat);
  return withinDeadline(answer, policy.replayTimeoutMs, 'DPoP replay store').then(
    (settled) => {
      if (settled === true) return;
      if (settled === false) throw replayed(jti, iat);
      throw storeFailed(new TypeError('DPoP replay store answered neither true nor false'));
    },
    (cause: unknown) => {
      throw storeFailed(cause);
    },
  );
}

function replayed(jti: string, iat: number): Error {
  return refused('DPOP_PROOF_REPLAYED', 'DPoP proof has already been used', {
    jti: seen(jti),
    iat: detailTime(iat),
  });
}

function storeFailed(cause: unknown): Error {
  // A store built on another copy of the core (its other build) throws that copy's errors.
  if (isTokengateError(cause)) return cause;
  return new IdpUnavailableError({
    code: 'DPOP_REPLAY_UNAVAILABLE',
    description: 'DPoP replay state is unavailable; retry later',
    cause,
  });
}
