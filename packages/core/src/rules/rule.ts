import type { VerifiedToken } from '../lib/types.js';

// The shape of a rule, below both its builders (`rules.ts`) and its validation
// (`rule-check.ts`), which each need it.

/**
 * A claim value rules can compare with: JSON primitives only, compared with `===`.
 *
 * @example
 * ```ts
 * const value: ClaimValue = 'acme';
 * const sameTenant = claimEquals('custom:tenant', value);
 * ```
 */
export type ClaimValue = string | number | boolean | null;

/**
 * A predicate over one claim; it may return anything but only `true` matches, and a throw does not match.
 *
 * @example
 * ```ts
 * const emailVerified: ClaimPredicate = (value) => value === true || value === 'true';
 * const verifiedOnly = claimSatisfies('email_verified', emailVerified);
 * ```
 */
export type ClaimPredicate = (value: unknown, auth: VerifiedToken) => boolean;

/**
 * An authorization rule over a verified token. Rules are plain, frozen values: declare them
 * once and reuse them on many routes. Build them with the functions below; a hand-written
 * object of this shape is accepted only after the same structural checks (`toRule`).
 *
 * @example
 * ```ts
 * const canRefund: Rule = and(allScopes('orders:write'), or(anyGroup('support'), anyGroup('admin')));
 * app.post('/refunds', requireAuth, authorize(canRefund), refund);
 * ```
 */
export type Rule =
  | {
      /** Scopes of the token (`allScopes`, `anyScope`). */
      readonly type: 'scopes';
      /** Whether all the values, or any one, must be granted. */
      readonly match: 'all' | 'any';
      /** The scopes. */
      readonly values: readonly string[];
    }
  | {
      /** Groups of the token (`allGroups`, `anyGroup`, `noGroup`). */
      readonly type: 'groups';
      /** Whether the token must be in all, any one, or none of the groups. */
      readonly match: 'all' | 'any' | 'none';
      /** The groups. */
      readonly values: readonly string[];
    }
  | {
      /** The client the token was issued to (`clientIdIn`). */
      readonly type: 'client';
      /** The accepted client ids. */
      readonly values: readonly string[];
    }
  | {
      /** One claim compared with a value (`claimEquals`, `claimIncludes`). */
      readonly type: 'claim';
      /** The claim's name, then member names into nested objects. */
      readonly path: readonly string[];
      /** Equal to the value, or an array that includes it. */
      readonly match: 'equals' | 'includes';
      /** The value, compared with `===`. */
      readonly value: ClaimValue;
    }
  | {
      /** One claim checked by a predicate (`claimSatisfies`). */
      readonly type: 'claim';
      /** The claim's name, then member names into nested objects. */
      readonly path: readonly string[];
      /** Checked by the predicate. */
      readonly match: 'satisfies';
      /** The predicate; only `true` matches. */
      readonly predicate: ClaimPredicate;
    }
  // Step-up rules (RFC 9470): failing them answers 401 `insufficient_user_authentication`.
  | {
      /** A recent sign-in (`authenticatedWithin`). */
      readonly type: 'authTime';
      /** Seconds since `auth_time`, at most; the challenge's `max_age`. */
      readonly maxAge: number;
      /** Leeway for clock skew, in seconds. */
      readonly clockTolerance: number;
    }
  | {
      /** An authentication context class (`acrIn`). */
      readonly type: 'acr';
      /** The accepted `acr` values, preferred first. */
      readonly values: readonly string[];
    }
  | {
      /** An authentication method (`amrIncludes`). */
      readonly type: 'amr';
      /** The `amr` value the token must list (RFC 8176). */
      readonly method: string;
      /** `acr_values` to put in the challenge, as `amr` has no challenge parameter of its own. */
      readonly acrValues?: readonly string[];
    }
  | {
      /** Every rule (`and`) or at least one (`or`) must match. */
      readonly type: 'and' | 'or';
      /** The combined rules. */
      readonly rules: readonly Rule[];
    }
  | {
      /** The rule must not match (`not`). */
      readonly type: 'not';
      /** The negated rule. */
      readonly rule: Rule;
    };
