import type { VerifiedToken } from '../lib/types.js';

// The shape of a rule, below both its builders (`rules.ts`) and its validation
// (`rule-check.ts`), which each need it.

/** A claim value rules can compare with: JSON primitives only, compared with `===`. */
export type ClaimValue = string | number | boolean | null;

/** A predicate over one claim; it may return anything but only `true` matches, and a throw does not match. */
export type ClaimPredicate = (value: unknown, auth: VerifiedToken) => boolean;

/**
 * An authorization rule over a verified token. Rules are plain, frozen values: declare them
 * once and reuse them on many routes. Build them with the functions below; a hand-written
 * object of this shape is accepted only after the same structural checks (`toRule`).
 */
export type Rule =
  | { readonly type: 'scopes'; readonly match: 'all' | 'any'; readonly values: readonly string[] }
  | {
      readonly type: 'groups';
      readonly match: 'all' | 'any' | 'none';
      readonly values: readonly string[];
    }
  | { readonly type: 'client'; readonly values: readonly string[] }
  | {
      readonly type: 'claim';
      readonly path: readonly string[];
      readonly match: 'equals' | 'includes';
      readonly value: ClaimValue;
    }
  | {
      readonly type: 'claim';
      readonly path: readonly string[];
      readonly match: 'satisfies';
      readonly predicate: ClaimPredicate;
    }
  // Step-up rules (RFC 9470): failing them answers 401 `insufficient_user_authentication`.
  | {
      readonly type: 'authTime';
      /** Seconds since `auth_time`, at most; the challenge's `max_age`. */
      readonly maxAge: number;
      readonly clockTolerance: number;
    }
  | { readonly type: 'acr'; readonly values: readonly string[] }
  | {
      readonly type: 'amr';
      readonly method: string;
      /** `acr_values` to put in the challenge, as `amr` has no challenge parameter of its own. */
      readonly acrValues?: readonly string[];
    }
  | { readonly type: 'and' | 'or'; readonly rules: readonly Rule[] }
  | { readonly type: 'not'; readonly rule: Rule };
