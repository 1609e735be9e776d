// What the fuzz properties assert: when a changed token may be accepted (neutrality), what a
// rejection must look like (a TokengateError with a known code and its status), and tallies.
import {
  TokengateError,
  type BearerErrorCode,
  type TokengateErrorCode,
  type VerifiedToken,
} from '@tokengate/core';
import type { IAsyncPropertyWithHooks } from 'fast-check';

/** Every code, with the status and RFC 6750 `error` it must come with. */
export const KNOWN_CODES: Readonly<
  Record<TokengateErrorCode, readonly [status: number, error: BearerErrorCode | undefined]>
> = {
  AUTHORIZATION_MALFORMED: [400, 'invalid_request'],
  AUTHORIZATION_DUPLICATE: [400, 'invalid_request'],
  MULTIPLE_TOKENS: [400, 'invalid_request'],
  BODY_UNREADABLE: [400, 'invalid_request'],
  HOST_INVALID: [400, 'invalid_request'],
  TOKEN_SOURCE_FAILED: [400, 'invalid_request'],
  CSRF_HEADER_MISSING: [400, 'invalid_request'],
  CERTIFICATE_HEADER_MALFORMED: [400, 'invalid_request'],
  CREDENTIALS_MISSING: [401, undefined],
  TOKEN_MALFORMED: [401, 'invalid_token'],
  TOKEN_TOO_LARGE: [401, 'invalid_token'],
  ALG_NOT_ALLOWED: [401, 'invalid_token'],
  CRIT_UNSUPPORTED: [401, 'invalid_token'],
  TYP_MISMATCH: [401, 'invalid_token'],
  ISSUER_UNKNOWN: [401, 'invalid_token'],
  KEY_NOT_FOUND: [401, 'invalid_token'],
  SIGNATURE_INVALID: [401, 'invalid_token'],
  CLAIM_INVALID: [401, 'invalid_token'],
  CLAIM_MISSING: [401, 'invalid_token'],
  TOKEN_EXPIRED: [401, 'invalid_token'],
  TOKEN_NOT_YET_VALID: [401, 'invalid_token'],
  TOKEN_ISSUED_IN_FUTURE: [401, 'invalid_token'],
  TOKEN_TOO_OLD: [401, 'invalid_token'],
  AUDIENCE_MISMATCH: [401, 'invalid_token'],
  CLIENT_ID_MISMATCH: [401, 'invalid_token'],
  TOKEN_USE_MISMATCH: [401, 'invalid_token'],
  TOKEN_REVOKED: [401, 'invalid_token'],
  TOKEN_LIFETIME_EXCEEDED: [401, 'invalid_token'],
  SCOPE_INSUFFICIENT: [403, 'insufficient_scope'],
  ACCESS_DENIED: [403, 'access_denied'],
  USER_AUTHENTICATION_INSUFFICIENT: [401, 'insufficient_user_authentication'],
  IDP_UNAVAILABLE: [503, 'temporarily_unavailable'],
  REVOCATION_UNAVAILABLE: [503, 'temporarily_unavailable'],
  CONFIRMATION_UNSUPPORTED: [401, 'invalid_token'],
  TOKEN_BINDING_UNCHECKED: [401, 'invalid_token'],
  DPOP_SCHEME_REQUIRED: [401, 'invalid_token'],
  DPOP_SCHEME_UNBOUND: [401, 'invalid_token'],
  DPOP_DISABLED: [401, 'invalid_token'],
  CERTIFICATE_MISSING: [401, 'invalid_token'],
  CERTIFICATE_BINDING_MISMATCH: [401, 'invalid_token'],
  TOKEN_INACTIVE: [401, 'invalid_token'],
  DPOP_PROOF_MISSING: [401, 'invalid_dpop_proof'],
  DPOP_PROOF_DUPLICATE: [401, 'invalid_dpop_proof'],
  DPOP_PROOF_INVALID: [401, 'invalid_dpop_proof'],
  DPOP_PROOF_EXPIRED: [401, 'invalid_dpop_proof'],
  DPOP_PROOF_REPLAYED: [401, 'invalid_dpop_proof'],
  DPOP_METHOD_MISMATCH: [401, 'invalid_dpop_proof'],
  DPOP_URL_MISMATCH: [401, 'invalid_dpop_proof'],
  DPOP_ATH_MISMATCH: [401, 'invalid_dpop_proof'],
  DPOP_PROOF_ISSUED_IN_FUTURE: [401, 'invalid_dpop_proof'],
  DPOP_ALG_NOT_ALLOWED: [401, 'invalid_dpop_proof'],
  DPOP_KEY_INVALID: [401, 'invalid_dpop_proof'],
  DPOP_SIGNATURE_INVALID: [401, 'invalid_dpop_proof'],
  DPOP_BINDING_MISMATCH: [401, 'invalid_dpop_proof'],
  DPOP_NONCE_REQUIRED: [401, 'use_dpop_nonce'],
  DPOP_REPLAY_UNAVAILABLE: [503, 'temporarily_unavailable'],
  INTROSPECTION_UNAVAILABLE: [503, 'temporarily_unavailable'],
  VERIFIER_FAILED: [503, 'temporarily_unavailable'],
};

/** The `error` values a JSON error body may carry (`unauthorized`: no credentials at all). */
export const KNOWN_BODY_ERRORS: ReadonlySet<string> = new Set([
  'invalid_request',
  'invalid_token',
  'insufficient_scope',
  'insufficient_user_authentication',
  'access_denied',
  'temporarily_unavailable',
  'invalid_dpop_proof',
  'use_dpop_nonce',
  'unauthorized',
]);

/** A violated property: the message says what and how to look at it. */
export class FuzzViolation extends Error {
  override readonly name = 'FuzzViolation';
}

/**
 * How a changed token relates to the valid one it came from. Only a neutral change may be
 * accepted:
 * - `identical`: the mutation produced the very same string;
 * - `non-canonical-signature`: header and payload segments are the same strings (so the signed
 *   bytes are identical) and the signature segment differs only in its last character, in
 *   the bits that base64url leaves unused (RFC 4648 §3.5), so it decodes to the same bytes.
 *   RFC 7515 does not say whether a verifier must refuse such an encoding; either verdict is
 *   allowed, and which one tokengate gives is counted.
 * Anything else changes the signed bytes or the signature and must be rejected.
 */
export type Neutrality = 'identical' | 'non-canonical-signature' | 'changed';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function neutrality(original: string, mutant: string): Neutrality {
  if (mutant === original) return 'identical';
  const a = original.split('.');
  const b = mutant.split('.');
  if (a.length !== 3 || b.length !== 3 || a[0] !== b[0] || a[1] !== b[1]) return 'changed';
  const sa = a[2] as string;
  const sb = b[2] as string;
  if (
    sa.length !== sb.length ||
    !BASE64URL.test(sb) ||
    sa.slice(0, -1) !== sb.slice(0, -1) ||
    !Buffer.from(sa, 'base64url').equals(Buffer.from(sb, 'base64url'))
  ) {
    return 'changed';
  }
  return 'non-canonical-signature';
}

export type Verdict =
  | { readonly accepted: true; readonly result: VerifiedToken }
  | { readonly accepted: false; readonly error: TokengateError };

/**
 * Runs one verification and checks its failure shape: a `TokengateError` with a known code, the
 * status and `error` of that code, a well-formed body, no token in the description, settled
 * within `timeoutMs`. Anything else throws `FuzzViolation`.
 */
export async function verdictOf(
  token: string,
  verify: (token: string) => Promise<VerifiedToken>,
  timeoutMs = 5000,
): Promise<Verdict> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new FuzzViolation(`verify() did not settle within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    const result = await Promise.race([verify(token), hang]);
    return { accepted: true, result };
  } catch (error) {
    if (error instanceof FuzzViolation) throw error;
    checkRejection(error, token);
    return { accepted: false, error: error as TokengateError };
  } finally {
    clearTimeout(timer);
  }
}

/** Throws `FuzzViolation` unless `error` is a well-formed `TokengateError`. */
export function checkRejection(error: unknown, token: string): asserts error is TokengateError {
  if (!(error instanceof TokengateError)) {
    throw new FuzzViolation(`untyped rejection: ${describeError(error)}`, { cause: error });
  }
  const known = Object.hasOwn(KNOWN_CODES, error.code)
    ? KNOWN_CODES[error.code as TokengateErrorCode]
    : undefined;
  if (known === undefined) throw new FuzzViolation(`unknown code ${String(error.code)}`);
  const [status, bearerError] = known;
  if (error.status !== status || error.statusCode !== status || error.error !== bearerError) {
    throw new FuzzViolation(
      `${error.code} came with status ${error.status} and error ${String(error.error)}, expected ${status} ${String(bearerError)}`,
    );
  }
  const body = error.toJSON();
  if (typeof body.error !== 'string' || typeof body.error_description !== 'string') {
    throw new FuzzViolation(`${error.code}: malformed toJSON() ${JSON.stringify(body)}`);
  }
  if (typeof error.headers !== 'object' || error.headers === null) {
    throw new FuzzViolation(`${error.code}: headers is not an object`);
  }
  if (error.expose !== status < 500) throw new FuzzViolation(`${error.code}: wrong expose`);
  // The description reaches clients and logs: it must not echo the token (or its signature).
  const signature = token.slice(token.lastIndexOf('.') + 1);
  if (signature.length >= 16 && error.description.includes(signature)) {
    throw new FuzzViolation(`${error.code}: the description contains the token`);
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.constructor.name}: ${error.message}`;
  return `${typeof error}: ${String(error)}`;
}

/** Counts of outcomes for one property, for the fuzz summary. */
export class Tally {
  cases = 0;
  readonly outcomes = new Map<string, number>();

  count(outcome: string): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
  }

  toJSON(): { cases: number; outcomes: Record<string, number> } {
    const sorted = [...this.outcomes].sort((a, b) => b[1] - a[1]);
    return { cases: this.cases, outcomes: Object.fromEntries(sorted) };
  }
}

/** Any fuzz property, whatever it generates, so runners can hold them in one list. */
export type FuzzProperty = IAsyncPropertyWithHooks<[unknown]>;
