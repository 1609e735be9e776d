import { AccessDeniedError, InsufficientScopeError } from './errors.js';
import type { Rule } from './rules.js';
import type { VerifiedToken } from './types.js';

/** Why a rule failed: `scopes` lists what would satisfy it when scopes alone would. */
interface Denial {
  readonly scopes: readonly string[] | undefined;
}

const DENIED: Denial = Object.freeze({ scopes: undefined });

/**
 * Whether a verified token satisfies a rule. Matching is exact: no substrings, no case
 * folding, no trimming; claims of the wrong JSON type do not match. Never throws.
 *
 * @example
 * ```ts
 * if (isAllowed(auth, anyGroup('admin'))) showAdminMenu();
 * ```
 */
export function isAllowed(auth: VerifiedToken, rule: Rule): boolean {
  return evaluate(rule, auth) === undefined;
}

/**
 * Throws when a verified token does not satisfy a rule: `InsufficientScopeError` (403
 * `insufficient_scope`, RFC 6750 §3.1) when missing scopes are the reason, otherwise
 * `AccessDeniedError` (403). The token itself was fine, so it is never a 401.
 *
 * @example
 * ```ts
 * authorize(await verifier.verify(token), allScopes('orders:write'));
 * ```
 */
export function authorize(
  auth: VerifiedToken,
  rule: Rule,
  options: { realm?: string | undefined } = {},
): void {
  const denial = evaluate(rule, auth);
  if (denial === undefined) return;
  if (denial.scopes !== undefined) {
    throw new InsufficientScopeError(denial.scopes, {
      description: 'Token lacks the scope this resource requires',
      realm: options.realm,
    });
  }
  throw new AccessDeniedError({
    description: 'Token does not grant access to this resource',
    realm: options.realm,
  });
}

function evaluate(rule: Rule, auth: VerifiedToken): Denial | undefined {
  switch (rule.type) {
    case 'scopes': {
      const ok =
        rule.match === 'all'
          ? containsAll(auth.scopes, rule.values)
          : containsAny(auth.scopes, rule.values);
      return ok ? undefined : { scopes: rule.values };
    }
    case 'groups': {
      const ok =
        rule.match === 'all'
          ? containsAll(auth.groups, rule.values)
          : rule.match === 'any'
            ? containsAny(auth.groups, rule.values)
            : !containsAny(auth.groups, rule.values);
      return ok ? undefined : DENIED;
    }
    case 'client':
      return auth.clientId !== undefined && rule.values.includes(auth.clientId)
        ? undefined
        : DENIED;
    case 'claim':
      return claimMatches(rule, auth) ? undefined : DENIED;
    case 'and': {
      for (const child of rule.rules) {
        const denial = evaluate(child, auth);
        if (denial !== undefined) return denial;
      }
      return undefined;
    }
    case 'or': {
      const scopes = new Set<string>();
      let scopesOnly = true;
      for (const child of rule.rules) {
        const denial = evaluate(child, auth);
        if (denial === undefined) return undefined;
        if (denial.scopes === undefined) scopesOnly = false;
        else for (const scope of denial.scopes) scopes.add(scope);
      }
      return scopesOnly ? { scopes: [...scopes] } : DENIED;
    }
    case 'not':
      return evaluate(rule.rule, auth) === undefined ? DENIED : undefined;
    default:
      // A rule object we do not know (hand-written, misspelt) must never grant access.
      return DENIED;
  }
}

function claimMatches(rule: Extract<Rule, { type: 'claim' }>, auth: VerifiedToken): boolean {
  const value = readPath(auth.claims, rule.path);
  switch (rule.match) {
    case 'equals':
      return value === rule.value;
    case 'includes':
      return Array.isArray(value) && value.includes(rule.value);
    case 'satisfies':
      try {
        return rule.predicate(value, auth) === true;
      } catch {
        return false;
      }
  }
}

// Own enumerable properties only: `__proto__` or `constructor` never reach Object.prototype,
// and an array's `length` is not a JSON member.
function readPath(claims: object, path: readonly string[]): unknown {
  let value: unknown = claims;
  for (const key of path) {
    if (
      typeof value !== 'object' ||
      value === null ||
      !Object.prototype.propertyIsEnumerable.call(value, key)
    ) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function containsAll(have: readonly string[], wanted: readonly string[]): boolean {
  for (const item of wanted) if (!have.includes(item)) return false;
  return true;
}

function containsAny(have: readonly string[], wanted: readonly string[]): boolean {
  for (const item of wanted) if (have.includes(item)) return true;
  return false;
}
