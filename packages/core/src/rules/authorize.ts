import {
  AccessDeniedError,
  InsufficientScopeError,
  InsufficientUserAuthenticationError,
  type StepUpRequirement,
} from '../errors/errors.js';
import { knownRule, toRule } from './rule-check.js';
import type { Rule } from './rule.js';
import type { VerifiedToken } from '../lib/types.js';
import { isThenable } from '../lib/options.js';

/**
 * Why a rule failed: `scopes` lists what would satisfy it when scopes alone would; `stepUp`
 * what a new sign-in must meet when re-authenticating the user alone would (RFC 9470).
 */
interface Denial {
  readonly scopes: readonly string[] | undefined;
  readonly stepUp?: StepUpRequirement;
}

const DENIED: Denial = Object.freeze({ scopes: undefined });
/** A step-up rule with nothing to ask for (`amr` without `acrValues`): a bare RFC 9470 401. */
const STEP_UP: Denial = Object.freeze({ scopes: undefined, stepUp: Object.freeze({}) });

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
  const checked = knownRule(rule) ?? lateRule(rule);
  if ('refused' in checked) return false;
  try {
    return evaluate(checked, auth) === undefined;
  } catch {
    return false;
  }
}

/**
 * Throws when a verified token does not satisfy a rule: `InsufficientScopeError` (403
 * `insufficient_scope`, RFC 6750 §3.1) when missing scopes are the reason,
 * `InsufficientUserAuthenticationError` (401 `insufficient_user_authentication` with `max_age`
 * / `acr_values`, RFC 9470 §3) when a fresher or stronger sign-in would grant access, otherwise
 * `AccessDeniedError` (403).
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
  const realm = options?.realm;
  // A rule built by the rule functions, or checked by an adapter, is one lookup away.
  const checked = knownRule(rule) ?? lateRule(rule);
  let denial: Denial | undefined;
  let cause: unknown;
  if ('refused' in checked) {
    denial = DENIED;
    cause = checked.cause;
  } else {
    try {
      denial = evaluate(checked, auth);
    } catch (error) {
      // Only a malformed `auth` (not from a verifier) gets here: deny, never a 500.
      denial = DENIED;
      cause = error;
    }
  }
  if (denial === undefined) return;
  if (denial.stepUp !== undefined) {
    throw new InsufficientUserAuthenticationError(denial.stepUp, {
      description: 'A more recent or stronger user authentication is required',
      realm,
    });
  }
  if (denial.scopes !== undefined) {
    throw new InsufficientScopeError(denial.scopes, {
      description: 'Token lacks the scope this resource requires',
      realm,
    });
  }
  throw new AccessDeniedError({
    description: 'Token does not grant access to this resource',
    realm,
    cause,
  });
}

/** Why a rule handed over only at request time was refused; no rule has a `refused` key. */
interface Refusal {
  readonly refused: true;
  readonly cause: unknown;
}

// A rule this copy of the core has not seen: hand-written, or from another copy of the core.
// It gets the full build-time check now; a malformed one denies (fail closed) instead of
// granting or throwing a TypeError, and only the frozen copy the check returns is evaluated.
function lateRule(rule: unknown): Rule | Refusal {
  try {
    const checked = toRule(rule, 'authorize()');
    if (checked !== undefined) return checked;
  } catch (error) {
    return { refused: true, cause: error };
  }
  return { refused: true, cause: new TypeError('authorize() needs a rule') };
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
    case 'authTime': {
      const authTime = readPath(auth.claims, AUTH_TIME);
      if (typeof authTime === 'number' && Number.isFinite(authTime)) {
        const age = Date.now() / 1000 - authTime;
        if (age >= -rule.clockTolerance && age <= rule.maxAge + rule.clockTolerance)
          return undefined;
      }
      // RFC 9470 §3: `max_age` is whole seconds; rounding down never asks for less.
      return { scopes: undefined, stepUp: { maxAge: Math.floor(rule.maxAge) } };
    }
    case 'acr': {
      const acr = readPath(auth.claims, ACR);
      return typeof acr === 'string' && rule.values.includes(acr)
        ? undefined
        : { scopes: undefined, stepUp: { acrValues: rule.values } };
    }
    case 'amr': {
      const amr = readPath(auth.claims, AMR);
      if (Array.isArray(amr) && amr.includes(rule.method)) return undefined;
      return rule.acrValues === undefined
        ? STEP_UP
        : { scopes: undefined, stepUp: { acrValues: rule.acrValues } };
    }
    // How denials combine. A step-up 401 invites the client to sign the user in again, so it is
    // answered only when that alone could grant access; otherwise the 403 that would remain is.
    // `and`: children are evaluated in order and the first plain or scope denial is returned, as
    // before (re-authenticating cannot fix it); step-up denials of several children merge, the
    // smallest `max_age` and the acr values every child accepts (none in common: a plain 403).
    case 'and': {
      let pending: Denial | undefined;
      for (const child of rule.rules) {
        const denial = evaluate(child, auth);
        if (denial === undefined) continue;
        if (denial.stepUp === undefined) return denial;
        pending = pending === undefined ? denial : mergeStepUps(pending, denial);
        if (pending === DENIED) return DENIED;
      }
      return pending;
    }
    // `or`: satisfying any one alternative grants access, so the first step-up alternative wins
    // (the client can act on it by itself); else missing scopes, when all alternatives are scopes.
    case 'or': {
      const scopes = new Set<string>();
      let scopesOnly = true;
      let stepUp: Denial | undefined;
      for (const child of rule.rules) {
        const denial = evaluate(child, auth);
        if (denial === undefined) return undefined;
        if (denial.stepUp !== undefined) stepUp ??= denial;
        else if (denial.scopes === undefined) scopesOnly = false;
        else for (const scope of denial.scopes) scopes.add(scope);
      }
      if (stepUp !== undefined) return stepUp;
      return scopesOnly ? { scopes: [...scopes] } : DENIED;
    }
    // `not`: a fresher or stronger sign-in can only make its child pass, so it is a plain 403.
    case 'not':
      return evaluate(rule.rule, auth) === undefined ? DENIED : undefined;
    default:
      // A rule object we do not know (hand-written, misspelt) must never grant access.
      return DENIED;
  }
}

const AUTH_TIME = Object.freeze(['auth_time']);
const ACR = Object.freeze(['acr']);
const AMR = Object.freeze(['amr']);

/** Two step-up requirements that must both hold (`and`). */
function mergeStepUps(a: Denial, b: Denial): Denial {
  const first = a.stepUp ?? {};
  const second = b.stepUp ?? {};
  const maxAge =
    first.maxAge === undefined || second.maxAge === undefined
      ? (first.maxAge ?? second.maxAge)
      : Math.min(first.maxAge, second.maxAge);
  let acrValues = first.acrValues ?? second.acrValues;
  if (first.acrValues !== undefined && second.acrValues !== undefined) {
    const other = second.acrValues;
    acrValues = first.acrValues.filter((value) => other.includes(value));
    if (acrValues.length === 0) return DENIED; // no sign-in can meet both
  }
  return { scopes: undefined, stepUp: { maxAge, acrValues } };
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
        const verdict: unknown = rule.predicate(value, auth);
        // Only `true` grants. A promise (a predicate that is async after all) denies, and its
        // rejection is dropped: left unhandled it would end the process.
        if (isThenable(verdict)) verdict.then(undefined, () => undefined);
        return verdict === true;
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

// `have` comes from `auth`, which `isAllowed` and `authorize` take from their caller: a string
// there (a hand-built `groups: 'admin-x'`) would match by substring, and `noGroup` would pass
// on anything. Throwing makes the caller deny.
function containsAll(have: readonly string[], wanted: readonly string[]): boolean {
  if (!Array.isArray(have)) throw new TypeError('auth lists must be arrays');
  for (const item of wanted) if (!have.includes(item)) return false;
  return true;
}

function containsAny(have: readonly string[], wanted: readonly string[]): boolean {
  if (!Array.isArray(have)) throw new TypeError('auth lists must be arrays');
  for (const item of wanted) if (have.includes(item)) return true;
  return false;
}
