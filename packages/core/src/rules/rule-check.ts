// Structural validation of authorization rules. Every rule a guard or a combinator receives is
// checked here once, when it is built, so a malformed rule is a TypeError at startup naming
// where it went wrong, never an open door (or a 500) per request. Anything not recognised is
// refused: fail closed.
import type { ClaimPredicate, Rule } from './rule.js';
import { names, oneOf, only, primitive } from './rule-fields.js';
import { synchronousFunction } from '../lib/options.js';
import { stepUp } from './step-up-check.js';

/** Deeper nesting is a configuration bug; the bound also keeps evaluation off the stack limit. */
const MAX_DEPTH = 32;
/** Sub-rules in one rule, a shared one counted at each use: bounds the work per request. */
const MAX_NODES = 1000;

interface Facts {
  readonly rule: Rule;
  readonly depth: number;
  readonly nodes: number;
}

/** One validation walk: where it started (limits are reported there), the rules being checked
 * (to find cycles) and how many were visited. */
interface Walk {
  readonly root: string;
  readonly stack: object[];
  nodes: number;
}

// The rules this copy of the core built or validated, keyed by the object its caller holds and
// mapped to the deeply frozen rule to evaluate. Module-private, so membership cannot be forged
// the way a `Symbol.for` brand can (and a brand is copied by `Object.getOwnPropertyDescriptors`).
// A rule made by another copy of the core (ESM next to CJS) is not lost: it is validated in
// full, once, and remembered when it is deeply frozen, as builders' rules are.
const known = new WeakMap<object, Facts>();

const TYPES =
  "'scopes', 'groups', 'client', 'claim', 'authTime', 'acr', 'amr', 'and', 'or' or 'not'";
const LIST_MATCH = { scopes: ['all', 'any'], groups: ['all', 'any', 'none'] } as const;
const CLAIM_MATCH = ['equals', 'includes', 'satisfies'] as const;

/**
 * Validates `rule` once, when a guard is built, and returns the deeply frozen rule to evaluate
 * (`undefined` stays `undefined`: any valid token). A rule from the builders is returned as is;
 * a hand-written object must pass the same structural checks and is replaced by a frozen copy,
 * so mutating it later cannot change the guard. Throws a `TypeError` naming the path in the rule.
 *
 * @example
 * ```ts
 * const checked = toRule(options.rule, 'authorize()');
 * // authorize(): rule.rules[1].match must be 'all' or 'any'
 * ```
 */
export function toRule(rule: unknown, where: string): Rule | undefined {
  if (rule === undefined) return undefined;
  const at = `${where}: rule`;
  return check(rule, at, { root: at, stack: [], nodes: 0 }).rule;
}

/**
 * Like {@link toRule}, for callers that keep their own reference: throws a `TypeError` naming
 * the path unless `rule` is a valid rule or `undefined`. Prefer `toRule`, whose result cannot
 * be changed after the check.
 *
 * @example
 * ```ts
 * assertRule(anyGroup('admin'), 'authorize()');
 * ```
 */
export function assertRule(rule: unknown, where: string): asserts rule is Rule | undefined {
  toRule(rule, where);
}

/** The validated form of `rule` when this copy of the core already knows it: one lookup. */
export function knownRule(rule: unknown): Rule | undefined {
  return typeof rule === 'object' && rule !== null ? known.get(rule)?.rule : undefined;
}

/** A builder's leaf rule: frozen and remembered. Its parts are already checked and frozen. */
export function leaf(rule: Rule): Rule {
  return seal(rule, 1, 1, '').rule;
}

/** `and(...)` / `or(...)` from a builder: each child is a known rule or passes full validation. */
export function combine(type: 'and' | 'or', rules: readonly unknown[], at: string): Rule {
  return combined(type, rules, at, { root: at, stack: [], nodes: 0 }).rule;
}

/** `not(rule)` from a builder. */
export function negate(rule: unknown, at: string): Rule {
  return negated(rule, at, { root: at, stack: [], nodes: 0 }).rule;
}

function check(value: unknown, at: string, walk: Walk): Facts {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`${at} must be a rule object such as anyGroup('admin')`);
  }
  const seen = known.get(value);
  if (seen !== undefined) {
    count(walk, seen.nodes);
    return seen;
  }
  if (walk.stack.includes(value)) throw new TypeError(`${at} contains itself`);
  if (walk.stack.length >= MAX_DEPTH) {
    throw new TypeError(`${walk.root} nests rules more than ${MAX_DEPTH} deep`);
  }
  count(walk, 1);
  const fields = fieldsOf(value, at);
  const type = fields.type;
  let facts: Facts;
  let parts: readonly unknown[];
  walk.stack.push(value);
  switch (type) {
    case 'scopes':
    case 'groups':
    case 'client': {
      only(fields, type === 'client' ? ['type', 'values'] : ['type', 'match', 'values'], at);
      const values = names(fields.values, `${at}.values`);
      const rule =
        type === 'client'
          ? { type, values }
          : { type, match: oneOf(fields.match, LIST_MATCH[type], `${at}.match`), values };
      facts = seal(rule as Rule, 1, 1, at);
      parts = [fields.values];
      break;
    }
    case 'claim':
      facts = seal(claim(fields, at), 1, 1, at);
      parts = [fields.path];
      break;
    case 'authTime':
    case 'acr':
    case 'amr':
      facts = seal(stepUp(fields, at), 1, 1, at);
      parts = [fields.values, fields.acrValues];
      break;
    case 'and':
    case 'or':
      only(fields, ['type', 'rules'], at);
      facts = combined(type, fields.rules, `${at}.rules`, walk);
      parts = Array.isArray(fields.rules) ? [fields.rules, ...(fields.rules as unknown[])] : [];
      break;
    case 'not':
      only(fields, ['type', 'rule'], at);
      facts = negated(fields.rule, `${at}.rule`, walk);
      parts = [fields.rule];
      break;
    default:
      throw new TypeError(`${at}.type must be ${TYPES}`);
  }
  walk.stack.pop();
  // A deeply frozen object cannot change, so the next check of it is one lookup; a mutable one
  // is checked again each time, and only the frozen copy is ever evaluated.
  if (Object.isFrozen(value) && parts.every(isSettled)) known.set(value, facts);
  return facts;
}

function combined(type: 'and' | 'or', rules: unknown, at: string, walk: Walk): Facts {
  if (!Array.isArray(rules)) throw new TypeError(`${at} must be an array of rules`);
  // An empty `and` would grant everything (and an empty `or` nothing): always a mistake.
  if (rules.length === 0) throw new TypeError(`${at} must not be empty`);
  const children: Rule[] = [];
  let depth = 0;
  let nodes = 1;
  for (let i = 0; i < rules.length; i += 1) {
    const child = check(rules[i], `${at}[${i}]`, walk);
    children.push(child.rule);
    depth = Math.max(depth, child.depth);
    nodes += child.nodes;
  }
  return seal({ type, rules: Object.freeze(children) }, depth + 1, nodes, walk.root);
}

function negated(rule: unknown, at: string, walk: Walk): Facts {
  const child = check(rule, at, walk);
  return seal({ type: 'not', rule: child.rule }, child.depth + 1, child.nodes + 1, walk.root);
}

function claim(fields: Record<string, unknown>, at: string): Rule {
  const match = oneOf(fields.match, CLAIM_MATCH, `${at}.match`);
  const path = names(fields.path, `${at}.path`);
  if (match === 'satisfies') {
    only(fields, ['type', 'path', 'match', 'predicate'], at);
    if (typeof fields.predicate !== 'function') {
      throw new TypeError(`${at}.predicate must be a function`);
    }
    // A verdict is needed now: an async predicate's promise would never be `true`.
    const predicate = synchronousFunction(
      fields.predicate,
      `${at}.predicate`,
      '(value, auth) => boolean',
    );
    return { type: 'claim', path, match, predicate: predicate as ClaimPredicate };
  }
  only(fields, ['type', 'path', 'match', 'value'], at);
  // `value` must be present: a missing one is `undefined`, which is no JSON value.
  return { type: 'claim', path, match, value: primitive(fields.value, `${at}.value`) };
}

function seal(rule: Rule, depth: number, nodes: number, at: string): Facts {
  if (depth > MAX_DEPTH) throw new TypeError(`${at} nests rules more than ${MAX_DEPTH} deep`);
  if (nodes > MAX_NODES) throw new TypeError(`${at} has more than ${MAX_NODES} sub-rules`);
  const facts: Facts = { rule: Object.freeze(rule), depth, nodes };
  known.set(facts.rule, facts);
  return facts;
}

function count(walk: Walk, nodes: number): void {
  walk.nodes += nodes;
  if (walk.nodes > MAX_NODES) {
    throw new TypeError(`${walk.root} has more than ${MAX_NODES} sub-rules`);
  }
}

// Own data properties of a plain object (any realm's `Object.prototype`, or none). A class
// instance, array, function or getter is refused: its answer could change after the check.
function fieldsOf(value: object, at: string): Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== null && Object.getPrototypeOf(proto) !== null) {
    throw new TypeError(`${at} must be a plain object such as anyGroup('admin') returns`);
  }
  const fields: Record<string, unknown> = Object.create(null);
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key !== 'string') throw new TypeError(`${at} has an unexpected symbol key`);
    const descriptor = Reflect.getOwnPropertyDescriptor(value, key);
    if (descriptor === undefined || !('value' in descriptor)) {
      throw new TypeError(`${at}.${key} must be a data property, not a getter`);
    }
    fields[key] = descriptor.value;
  }
  return fields;
}

/** A part of a checked rule that can no longer change: frozen, or itself a known rule. */
function isSettled(part: unknown): boolean {
  if (typeof part !== 'object' || part === null) return true;
  return known.has(part) || (Array.isArray(part) && Object.isFrozen(part));
}
