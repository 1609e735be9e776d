import { combine, leaf, negate } from './rule-check.js';
import { names, primitive } from './rule-fields.js';
import type { ClaimPredicate, ClaimValue, Rule } from './rule.js';

/**
 * The token has every one of these scopes. A failure answers 403 `insufficient_scope` with the
 * scopes in the challenge (RFC 6750 §3.1).
 *
 * @example
 * ```ts
 * const canWriteOrders = allScopes('orders:read', 'orders:write');
 * ```
 */
export function allScopes(...scopes: string[]): Rule {
  return leaf({ type: 'scopes', match: 'all', values: names(scopes, 'allScopes(): scopes') });
}

/**
 * The token has at least one of these scopes.
 *
 * @example
 * ```ts
 * const canReadOrders = anyScope('orders:read', 'orders:admin');
 * ```
 */
export function anyScope(...scopes: string[]): Rule {
  return leaf({ type: 'scopes', match: 'any', values: names(scopes, 'anyScope(): scopes') });
}

/**
 * The token's subject is in every one of these groups (Cognito `cognito:groups`, OIDC `groups`).
 *
 * @example
 * ```ts
 * const staffAdmins = allGroups('staff', 'admin');
 * ```
 */
export function allGroups(...groups: string[]): Rule {
  return leaf({ type: 'groups', match: 'all', values: names(groups, 'allGroups(): groups') });
}

/**
 * The token's subject is in at least one of these groups.
 *
 * @example
 * ```ts
 * const admins = anyGroup('admin');
 * ```
 */
export function anyGroup(...groups: string[]): Rule {
  return leaf({ type: 'groups', match: 'any', values: names(groups, 'anyGroup(): groups') });
}

/**
 * The token's subject is in none of these groups.
 *
 * @example
 * ```ts
 * const notSuspended = noGroup('suspended');
 * ```
 */
export function noGroup(...groups: string[]): Rule {
  return leaf({ type: 'groups', match: 'none', values: names(groups, 'noGroup(): groups') });
}

/**
 * The token was issued to one of these clients (`client_id`; `azp` for OIDC ID tokens): an
 * allowlist for service-to-service calls.
 *
 * @example
 * ```ts
 * const billingService = clientIdIn('4u2v3example');
 * ```
 */
export function clientIdIn(...clientIds: string[]): Rule {
  return leaf({ type: 'client', values: names(clientIds, 'clientIdIn(): clientIds') });
}

/**
 * A claim equals a JSON primitive, with the same type (`'1'` never equals `1`). `name` is a
 * top-level claim (`custom:tenant` works as is) or a path such as `['realm_access', 'roles']`.
 *
 * @example
 * ```ts
 * const tenantAcme = claimEquals('custom:tenant', 'acme');
 * ```
 */
export function claimEquals(name: string | readonly string[], value: ClaimValue): Rule {
  return leaf({
    type: 'claim',
    path: claimPath(name, 'claimEquals(): name'),
    match: 'equals',
    value: primitive(value, 'claimEquals(): value'),
  });
}

/**
 * A claim is an array that contains this JSON primitive.
 *
 * @example
 * ```ts
 * const mfa = claimIncludes('amr', 'mfa');
 * ```
 */
export function claimIncludes(name: string | readonly string[], value: ClaimValue): Rule {
  return leaf({
    type: 'claim',
    path: claimPath(name, 'claimIncludes(): name'),
    match: 'includes',
    value: primitive(value, 'claimIncludes(): value'),
  });
}

/**
 * A custom predicate over one claim, e.g. the `identities` of federated Cognito users. Only a
 * return of `true` matches; a throw counts as no match.
 *
 * @example
 * ```ts
 * const viaGoogle = claimSatisfies('identities', (ids) =>
 *   Array.isArray(ids) && ids.some((id) => id?.providerName === 'Google'),
 * );
 * ```
 */
export function claimSatisfies(name: string | readonly string[], predicate: ClaimPredicate): Rule {
  if (typeof predicate !== 'function')
    throw new TypeError('claimSatisfies(): predicate must be a function');
  return leaf({
    type: 'claim',
    path: claimPath(name, 'claimSatisfies(): name'),
    match: 'satisfies',
    predicate,
  });
}

/**
 * Every rule holds.
 *
 * @example
 * ```ts
 * const tenantAdmin = and(anyGroup('admin'), claimEquals('custom:tenant', 'acme'));
 * ```
 */
export function and(...rules: Rule[]): Rule {
  return combine('and', rules, 'and(): rules');
}

/**
 * At least one rule holds.
 *
 * @example
 * ```ts
 * const readers = or(anyScope('orders:read'), anyGroup('admin'));
 * ```
 */
export function or(...rules: Rule[]): Rule {
  return combine('or', rules, 'or(): rules');
}

/**
 * The rule does not hold.
 *
 * @example
 * ```ts
 * const humans = not(claimEquals('token_use', 'access'));
 * ```
 */
export function not(rule: Rule): Rule {
  return negate(rule, 'not(): rule');
}

// A claim name is one top-level member (`custom:tenant` as is) or a path of member names.
function claimPath(name: string | readonly string[], at: string): readonly string[] {
  if (typeof name === 'string' && name.length === 0) throw new TypeError(`${at} must not be empty`);
  return names(typeof name === 'string' ? [name] : name, at);
}
