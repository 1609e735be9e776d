import { SUPPORTED_ALGORITHMS, isSupportedAlgorithm } from '../jws/algorithms.js';
import { describe, nonNegativeNumber, positiveInteger, stringList } from '../lib/options.js';
import type { Algorithm, ClaimPolicy } from '../lib/types.js';

const POLICY_KEYS = [
  'audience',
  'algorithms',
  'clockToleranceSeconds',
  'maxTokenAgeSeconds',
  'typ',
  'requiredClaims',
] as const satisfies readonly (keyof ClaimPolicy)[];

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The `ClaimPolicy` members an issuer's options set, so unset ones fall back to verifier defaults. */
export function pickPolicy(options: ClaimPolicy): ClaimPolicy {
  const policy: Record<string, unknown> = {};
  for (const key of POLICY_KEYS) if (options[key] !== undefined) policy[key] = options[key];
  return policy as ClaimPolicy;
}

/**
 * The `ClaimPolicy` members `source` sets, validated and copied into a frozen object, so a
 * mistake is a TypeError naming the option (`name(key)` gives its full path) and a later change
 * to the caller's object (or its arrays) changes nothing. Only `undefined` means "not set":
 * `null` is a choice for `audience` (skip the check, RFC 8725 §3.9) and a mistake elsewhere,
 * never a silent fallback to the default.
 */
export function checkedPolicy(source: ClaimPolicy, name: (key: string) => string): ClaimPolicy {
  const policy: Mutable<ClaimPolicy> = {};
  const { audience, algorithms, clockToleranceSeconds, maxTokenAgeSeconds, typ, requiredClaims } =
    source as Record<keyof ClaimPolicy, unknown>;
  if (audience !== undefined) {
    const list = audience === null ? null : stringList(audience, name('audience'));
    // A single audience stays a string, as given (strings cannot change).
    policy.audience = typeof audience === 'string' ? audience : list;
  }
  if (algorithms !== undefined) policy.algorithms = algorithmList(algorithms, name('algorithms'));
  if (clockToleranceSeconds !== undefined) {
    policy.clockToleranceSeconds = nonNegativeNumber(
      clockToleranceSeconds,
      name('clockToleranceSeconds'),
      0,
    );
  }
  if (maxTokenAgeSeconds !== undefined) {
    policy.maxTokenAgeSeconds = positiveInteger(maxTokenAgeSeconds, name('maxTokenAgeSeconds'), 0);
  }
  if (typ !== undefined) {
    // One media type (RFC 7515 §4.1.9): `ClaimPolicy.typ` is a string, and a list would have
    // to mean "any of them", which the claim check does not do.
    if (typeof typ !== 'string' || typ.length === 0) {
      throw new TypeError(
        `${name('typ')} must be one media type as a non-empty string (e.g. 'at+jwt'), got ${describe(typ)}`,
      );
    }
    policy.typ = typ;
  }
  if (requiredClaims !== undefined) {
    // An empty list is a choice (not even `exp`); `null` or a bare string are mistakes.
    policy.requiredClaims =
      Array.isArray(requiredClaims) && requiredClaims.length === 0
        ? Object.freeze([])
        : claimList(requiredClaims, name('requiredClaims'));
  }
  return Object.freeze(policy);
}

function algorithmList(value: unknown, name: string): readonly Algorithm[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every(isSupportedAlgorithm)) {
    throw new TypeError(
      `${name} must be a non-empty list of ${SUPPORTED_ALGORITHMS.join(', ')} (HMAC and none are never accepted), got ${describe(value)}`,
    );
  }
  return Object.freeze([...(value as Algorithm[])]);
}

function claimList(value: unknown, name: string): readonly string[] {
  if (!Array.isArray(value)) {
    throw new TypeError(`${name} must be a list of claim names, got ${describe(value)}`);
  }
  return stringList(value, name);
}
