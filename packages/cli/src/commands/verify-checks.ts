import type { TokengateErrorCode } from '@tokengate/core';

/** The steps of verification, in the order the verifier runs them. */
export const CHECKS = [
  'decode',
  'algorithm',
  'issuer',
  'key',
  'signature',
  'claims',
  'time',
  'audience',
  'revocation',
  'scopes',
  'groups',
] as const;

export type CheckName = (typeof CHECKS)[number];

export type CheckStatus = 'pass' | 'fail' | 'not reached' | 'skipped';

export interface Check {
  readonly name: CheckName;
  readonly label: string;
  readonly status: CheckStatus;
  readonly detail?: string;
}

export const CHECK_LABELS: Readonly<Record<CheckName, string>> = {
  decode: 'decode',
  algorithm: 'algorithm allowed',
  issuer: 'issuer trusted',
  key: 'key found',
  signature: 'signature',
  claims: 'claim formats',
  time: 'time (exp/nbf/iat)',
  audience: 'audience / client_id / token_use',
  revocation: 'revocation',
  scopes: 'rule: scopes',
  groups: 'rule: groups',
};

/**
 * The check each error code reports. The verifier stops at its first failure and says only
 * which one, so the list is derived: checks before it passed, later ones were not reached.
 * Typed as a full record so a new code in core fails to compile here until it is placed.
 */
export const CHECK_OF_CODE: Readonly<Record<TokengateErrorCode, CheckName>> = {
  // Request-level codes (an Authorization header); the CLI passes the token itself.
  AUTHORIZATION_MALFORMED: 'decode',
  AUTHORIZATION_DUPLICATE: 'decode',
  MULTIPLE_TOKENS: 'decode',
  BODY_UNREADABLE: 'decode',
  HOST_INVALID: 'decode',
  TOKEN_SOURCE_FAILED: 'decode',
  CSRF_HEADER_MISSING: 'decode',
  CERTIFICATE_HEADER_MALFORMED: 'decode',
  CREDENTIALS_MISSING: 'decode',
  TOKEN_MALFORMED: 'decode',
  TOKEN_TOO_LARGE: 'decode',
  ALG_NOT_ALLOWED: 'algorithm',
  CRIT_UNSUPPORTED: 'algorithm',
  ISSUER_UNKNOWN: 'issuer',
  KEY_NOT_FOUND: 'key',
  // The keys (or the discovery document that locates them) could not be fetched.
  IDP_UNAVAILABLE: 'key',
  SIGNATURE_INVALID: 'signature',
  CLAIM_INVALID: 'claims',
  CLAIM_MISSING: 'claims',
  TOKEN_EXPIRED: 'time',
  TOKEN_NOT_YET_VALID: 'time',
  TOKEN_ISSUED_IN_FUTURE: 'time',
  TOKEN_TOO_OLD: 'time',
  TOKEN_LIFETIME_EXCEEDED: 'time',
  AUDIENCE_MISMATCH: 'audience',
  CLIENT_ID_MISMATCH: 'audience',
  TOKEN_USE_MISMATCH: 'audience',
  TYP_MISMATCH: 'audience',
  TOKEN_REVOKED: 'revocation',
  REVOCATION_UNAVAILABLE: 'revocation',
  SCOPE_INSUFFICIENT: 'scopes',
  ACCESS_DENIED: 'groups',
  // A step-up rule (RFC 9470) is a rule like a group rule; the CLI evaluates none of them.
  USER_AUTHENTICATION_INSUFFICIENT: 'groups',
  // Sender-constrained tokens: `cnf` is a claim; the proof itself is a request-level check.
  CONFIRMATION_UNSUPPORTED: 'claims',
  TOKEN_BINDING_UNCHECKED: 'claims',
  DPOP_SCHEME_REQUIRED: 'decode',
  DPOP_SCHEME_UNBOUND: 'decode',
  DPOP_DISABLED: 'decode',
  CERTIFICATE_MISSING: 'decode',
  CERTIFICATE_BINDING_MISMATCH: 'decode',
  DPOP_PROOF_MISSING: 'decode',
  DPOP_PROOF_DUPLICATE: 'decode',
  DPOP_PROOF_INVALID: 'decode',
  DPOP_PROOF_EXPIRED: 'decode',
  DPOP_PROOF_REPLAYED: 'decode',
  DPOP_METHOD_MISMATCH: 'decode',
  DPOP_URL_MISMATCH: 'decode',
  DPOP_ATH_MISMATCH: 'decode',
  DPOP_PROOF_ISSUED_IN_FUTURE: 'decode',
  DPOP_ALG_NOT_ALLOWED: 'decode',
  DPOP_KEY_INVALID: 'decode',
  DPOP_SIGNATURE_INVALID: 'decode',
  DPOP_BINDING_MISMATCH: 'decode',
  DPOP_NONCE_REQUIRED: 'decode',
  DPOP_REPLAY_UNAVAILABLE: 'decode',
  // Opaque tokens: the authorization server's answer stands for the signature and claims.
  TOKEN_INACTIVE: 'signature',
  INTROSPECTION_UNAVAILABLE: 'key',
  // Only a gate given a foreign verifier says this; the CLI builds its own.
  VERIFIER_FAILED: 'key',
};

export interface CheckInput {
  /** The check that failed, or `undefined` when every step passed. */
  readonly failed: CheckName | undefined;
  /** Rules that were not asked for (`--scope`, `--group` absent) are `skipped`. */
  readonly skipped: ReadonlySet<CheckName>;
  /** Rule results computed by the CLI itself, which evaluates both rules independently. */
  readonly ruleFailures: ReadonlySet<CheckName>;
  readonly details: Partial<Record<CheckName, string>>;
}

/** The full list: passes up to the failure, the failure, then "not reached". */
export function deriveChecks(input: CheckInput): Check[] {
  const failedAt = input.failed === undefined ? CHECKS.length : CHECKS.indexOf(input.failed);
  return CHECKS.map((name, index) => {
    let status: CheckStatus;
    if (input.skipped.has(name)) status = 'skipped';
    else if (index < failedAt) status = 'pass';
    else if (index === failedAt || input.ruleFailures.has(name)) status = 'fail';
    else status = isRule(name) && isRule(CHECKS[failedAt]) ? 'pass' : 'not reached';
    const detail = input.details[name];
    return {
      name,
      label: CHECK_LABELS[name],
      status,
      ...(detail === undefined ? {} : { detail }),
    };
  });
}

/** Both rules are evaluated against a verified token, so one failing does not hide the other. */
function isRule(name: CheckName | undefined): boolean {
  return name === 'scopes' || name === 'groups';
}

const MARKS: Readonly<Record<CheckStatus, string>> = {
  pass: 'PASS',
  fail: 'FAIL',
  'not reached': '----',
  skipped: 'SKIP',
};

/** `PASS  issuer trusted                    https://…`, one line per check. */
export function renderChecks(checks: readonly Check[]): string[] {
  const width = Math.max(...checks.map((check) => check.label.length));
  return checks.map((check) => {
    const suffix =
      check.status === 'not reached'
        ? 'not reached'
        : check.detail === undefined
          ? ''
          : check.detail;
    return `  ${MARKS[check.status]}  ${check.label.padEnd(width)}  ${suffix}`.trimEnd();
  });
}
