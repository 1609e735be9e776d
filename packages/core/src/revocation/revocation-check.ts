import { IdpUnavailableError, isTokengateError } from '../errors/errors.js';
import type { RevocationStore } from './revocation.js';
import { entryLifetimeOption } from './revocation-entry.js';
import { REVOCATION_CLOCK_MARGIN_SECONDS } from './revocation-keys.js';
import type { JwtClaims, VerifiedToken } from '../lib/types.js';
import { invalid, type ResolvedPolicy } from '../claims/claims-check.js';
import { withinDeadline } from '../lib/deadline.js';
import { seen } from '../errors/error-detail.js';

/** The verifier's revocation store, with how long a token may live and still be revocable. */
export interface RevocationGuard {
  readonly store: RevocationStore;
  /** The longest token lifetime, in seconds, that an "issued before" entry outlives. */
  readonly coveredSeconds: number;
  /** How long a request waits for the store (`revocationTimeoutMs`). */
  readonly timeoutMs: number;
}

/** Validates the `revocation` option at creation (TypeError); `undefined` when there is none. */
export function revocationGuard(store: unknown, timeoutMs: number): RevocationGuard | undefined {
  if (store === undefined) return undefined;
  if (typeof (store as RevocationStore | null)?.isRevoked !== 'function') {
    throw new TypeError('revocation must be a store with isRevoked()');
  }
  const lifetime = entryLifetimeOption(
    (store as RevocationStore).entryLifetimeSeconds,
    'revocation.entryLifetimeSeconds',
  );
  return {
    store: store as RevocationStore,
    coveredSeconds: lifetime + REVOCATION_CLOCK_MARGIN_SECONDS,
    timeoutMs,
  };
}

/**
 * With a revocation store, a token must not outlive the entry that would revoke it: entries
 * expire, so a longer-lived token would work again once its entry is gone. An entry lives
 * `entryLifetimeSeconds` + margin past its cut-off; it covers `iat` up to the tolerance past
 * the cut-off, and the token is accepted up to the tolerance past `exp` (RFC 7519 §4.1.4), so
 * `exp − iat + 2 × tolerance` must fit. A token that cannot be placed in time (no `iat` nor
 * `auth_time`, or no `exp`) cannot be bounded and is refused too: fail closed, and so is one
 * whose `auth_time` (standing in for `iat`) lies in the future. Full path only: a cached
 * verdict has passed it.
 */
export function checkRevocable(
  guard: RevocationGuard,
  claims: JwtClaims,
  policy: ResolvedPolicy,
): void {
  const { exp, iat, auth_time: authTime } = claims;
  const issuedAt = typeof iat === 'number' ? iat : typeof authTime === 'number' ? authTime : NaN;
  // `iat` was held to the clock by checkClaims (RFC 7519 §4.1.6); `auth_time`, standing in for
  // it, was not. One in the future would pass the bound below (exp − auth_time is then small)
  // and never be covered by an "issued before" entry: a revoked subject's token kept working.
  // A sign-in cannot happen in the future (OIDC Core §2), so such a token is refused.
  if (issuedAt > Date.now() / 1000 + policy.clockToleranceSeconds) {
    throw invalid('TOKEN_ISSUED_IN_FUTURE', 'Token was issued in the future');
  }
  const lifetime = (typeof exp === 'number' ? exp : NaN) - issuedAt;
  // NaN (no `exp`, or nothing to place it in time) fails the comparison: refused.
  if (!(lifetime + 2 * policy.clockToleranceSeconds <= guard.coveredSeconds)) {
    throw invalid('TOKEN_LIFETIME_EXCEEDED', 'Token lives longer than revocations are kept', {
      lifetimeSeconds: Number.isNaN(lifetime) ? null : lifetime,
      coveredSeconds: guard.coveredSeconds,
      leewaySeconds: policy.clockToleranceSeconds,
    });
  }
}

/** The last check, on every request: has the token, its subject or its client been revoked? */
export function checkRevocation(
  guard: RevocationGuard,
  result: VerifiedToken,
  policy: ResolvedPolicy,
): VerifiedToken | Promise<VerifiedToken> {
  let answer: unknown;
  try {
    // The policy carries `clockToleranceSeconds`: passed as the context, no allocation.
    answer = guard.store.isRevoked(result, policy);
  } catch (cause) {
    throw unavailable(cause);
  }
  // A store that answers at once (the in-memory one) costs no promise and no timer; a
  // non-boolean answer that is no promise either is a confused store: revoked.
  if (typeof (answer as PromiseLike<unknown> | null)?.then !== 'function') {
    return verdict(answer, result);
  }
  // A hung store (a Redis failover, a lost connection) must not hold the request: past the
  // deadline its answer is unknown, which fails closed as 503 like any store failure.
  return withinDeadline(answer as Promise<boolean>, guard.timeoutMs, 'revocation store').then(
    (revoked) => verdict(revoked, result),
    (cause: unknown) => {
      throw unavailable(cause);
    },
  );
}

/** Anything but a plain `false` counts as revoked: a confused store fails closed. */
function verdict(revoked: unknown, result: VerifiedToken): VerifiedToken {
  if (revoked !== false) {
    throw invalid('TOKEN_REVOKED', 'Token has been revoked', {
      issuer: seen(result.issuer),
      sub: seen(result.subject),
      jti: seen(result.claims.jti),
    });
  }
  return result;
}

function unavailable(cause: unknown): Error {
  // A store built on another copy of the core (its other build) throws that copy's errors.
  if (isTokengateError(cause)) return cause;
  // Fail closed: an unknown revocation state must not let a revoked token through.
  return new IdpUnavailableError({
    code: 'REVOCATION_UNAVAILABLE',
    description: 'Revocation state is unavailable; retry later',
    cause,
  });
}
