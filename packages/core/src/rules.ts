import type { VerifiedToken } from './types.js';

/** A claim value rules can compare with: JSON primitives only, compared with `===`. */
export type ClaimValue = string | number | boolean | null;

/** A predicate over one claim; it may return anything but only `true` matches, and a throw does not match. */
export type ClaimPredicate = (value: unknown, auth: VerifiedToken) => boolean;

/**
 * An authorization rule over a verified token. Rules are plain, frozen values: declare them
 * once and reuse them on many routes. Build them with the functions below.
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
  | { readonly type: 'and' | 'or'; readonly rules: readonly Rule[] }
  | { readonly type: 'not'; readonly rule: Rule };

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
  return freeze({ type: 'scopes', match: 'all', values: names(scopes, 'allScopes') });
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
  return freeze({ type: 'scopes', match: 'any', values: names(scopes, 'anyScope') });
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
  return freeze({ type: 'groups', match: 'all', values: names(groups, 'allGroups') });
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
  return freeze({ type: 'groups', match: 'any', values: names(groups, 'anyGroup') });
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
  return freeze({ type: 'groups', match: 'none', values: names(groups, 'noGroup') });
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
  return freeze({ type: 'client', values: names(clientIds, 'clientIdIn') });
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
  return freeze({
    type: 'claim',
    path: claimPath(name, 'claimEquals'),
    match: 'equals',
    value: primitive(value, 'claimEquals'),
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
  return freeze({
    type: 'claim',
    path: claimPath(name, 'claimIncludes'),
    match: 'includes',
    value: primitive(value, 'claimIncludes'),
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
    throw new TypeError('claimSatisfies needs a predicate function');
  return freeze({
    type: 'claim',
    path: claimPath(name, 'claimSatisfies'),
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
  return freeze({ type: 'and', rules: ruleList(rules, 'and') });
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
  return freeze({ type: 'or', rules: ruleList(rules, 'or') });
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
  return freeze({ type: 'not', rule: ruleList([rule], 'not')[0] as Rule });
}

function freeze(rule: Rule): Rule {
  return Object.freeze(rule);
}

function names(values: readonly unknown[], fn: string): readonly string[] {
  // An index loop, not .some(): holes in a sparse array must fail too.
  const list: string[] = [];
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    if (typeof value !== 'string' || value.length === 0) break;
    list.push(value);
  }
  if (list.length === 0 || list.length !== values.length) {
    throw new TypeError(`${fn} needs one or more non-empty strings`);
  }
  return Object.freeze(list);
}

function claimPath(name: string | readonly string[], fn: string): readonly string[] {
  return names(
    typeof name === 'string' ? [name] : Array.isArray(name) ? name : [undefined],
    `${fn}'s claim name`,
  );
}

function primitive(value: unknown, fn: string): ClaimValue {
  const type = typeof value;
  if (
    value === null ||
    type === 'string' ||
    type === 'boolean' ||
    (type === 'number' && Number.isFinite(value))
  ) {
    return value as ClaimValue;
  }
  throw new TypeError(`${fn} compares with a string, finite number, boolean or null`);
}

const RULE_TYPES = new Set<unknown>(['scopes', 'groups', 'client', 'claim', 'and', 'or', 'not']);

/**
 * Checks, when a guard is built, that `rule` is a rule from the functions above (or
 * `undefined`: any valid token). Adapters call it so a mistake is a TypeError at startup.
 *
 * @example
 * ```ts
 * assertRule(anyGroup('admin'), 'authorize()');
 * ```
 */
export function assertRule(rule: unknown, where: string): asserts rule is Rule | undefined {
  if (rule !== undefined && !isRule(rule)) {
    throw new TypeError(`${where} takes a rule such as anyGroup("admin")`);
  }
}

function isRule(value: unknown): value is Rule {
  return (
    typeof value === 'object' &&
    value !== null &&
    RULE_TYPES.has((value as { type?: unknown }).type)
  );
}

function ruleList(rules: readonly unknown[], fn: string): readonly Rule[] {
  const list: Rule[] = [];
  for (let i = 0; i < rules.length; i += 1) {
    const rule = rules[i];
    if (!isRule(rule)) break;
    list.push(rule);
  }
  if (list.length === 0 || list.length !== rules.length) {
    throw new TypeError(`${fn} needs one or more rules built by tokengate's rule functions`);
  }
  return Object.freeze(list);
}
