import { observed } from '../lib/observe.js';
import type { RequestSource, VerifiedToken, VerifierEventListener } from '../lib/types.js';
import { refuseBoundToken } from './bound-token.js';
import type { VerifyCallOptions } from './verifier-options.js';

/** A verifier's two entries over its synchronous-when-possible verdict. */
export interface VerifyEntries {
  /** The public `verify()`: always a promise, a rejected one for every refusal. */
  verify(
    token: string,
    source?: RequestSource,
    options?: VerifyCallOptions,
  ): Promise<VerifiedToken>;
  /** The gate's entry: the verdict itself when nothing needs to wait, else a promise. */
  verifyFast(
    token: string,
    source?: RequestSource,
    options?: VerifyCallOptions,
  ): VerifiedToken | Promise<VerifiedToken>;
}

/**
 * Builds `verify()` and the gate's fast entry over `verifyNow` (which answers a cache hit
 * without a promise, and throws its refusals synchronously). Both fail closed for bound tokens:
 * a sender-constrained token is only as good as the proof of possession checked with it, which
 * only the gate (or a caller that says so with `allowBoundTokens`) does.
 */
export function verifyEntries(
  verifyNow: (token: string) => VerifiedToken | Promise<VerifiedToken>,
  onEvent: VerifierEventListener | undefined,
): VerifyEntries {
  function verifyPromise(token: string): Promise<VerifiedToken> {
    try {
      return Promise.resolve(verifyNow(token));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  const verifyAny = observed(verifyPromise, onEvent) as (
    token: string,
    source?: RequestSource,
  ) => Promise<VerifiedToken>;

  function verify(
    token: string,
    source?: RequestSource,
    callOptions?: VerifyCallOptions,
  ): Promise<VerifiedToken> {
    const pending = verifyAny(token, source);
    return callOptions?.allowBoundTokens === true ? pending : pending.then(refuseBoundToken);
  }

  // With an `onEvent` listener, every outcome goes through `verify()` so it is reported.
  function verifyFast(
    token: string,
    source?: RequestSource,
    callOptions?: VerifyCallOptions,
  ): VerifiedToken | Promise<VerifiedToken> {
    if (onEvent !== undefined) return verify(token, source, callOptions);
    const verdict = verifyNow(token);
    if (callOptions?.allowBoundTokens === true) return verdict;
    return verdict instanceof Promise ? verdict.then(refuseBoundToken) : refuseBoundToken(verdict);
  }

  return { verify, verifyFast };
}
