// Field-level checks shared by the rule validator, the step-up checks and the builders: each
// throws a TypeError naming the path inside the rule.
import type { ClaimValue } from './rule.js';

/** A non-empty array of non-empty strings, copied (a getter is read once) and frozen. */
export function names(value: unknown, at: string): readonly string[] {
  if (!Array.isArray(value)) throw new TypeError(`${at} must be an array of non-empty strings`);
  if (value.length === 0) throw new TypeError(`${at} must not be empty`);
  const list: string[] = [];
  // An index loop: a hole in a sparse array reads `undefined` and fails too.
  for (let i = 0; i < value.length; i += 1) {
    const item: unknown = value[i];
    if (typeof item !== 'string' || item.length === 0) {
      throw new TypeError(`${at}[${i}] must be a non-empty string`);
    }
    list.push(item);
  }
  return Object.freeze(list);
}

/** A JSON primitive a claim can equal; `NaN` and infinities are no JSON numbers (RFC 8259 §6). */
export function primitive(value: unknown, at: string): ClaimValue {
  const type = typeof value;
  if (
    value === null ||
    type === 'string' ||
    type === 'boolean' ||
    (type === 'number' && Number.isFinite(value))
  ) {
    return value as ClaimValue;
  }
  throw new TypeError(`${at} must be a string, finite number, boolean or null`);
}

/** Refuses any key a rule of this type does not have. */
export function only(
  fields: Record<string, unknown>,
  allowed: readonly string[],
  at: string,
): void {
  for (const key of Object.keys(fields)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`${at} has unknown key ${JSON.stringify(key)} for type '${fields.type}'`);
    }
  }
}

/** One of `allowed`, or a TypeError listing them. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], at: string): T {
  if ((allowed as readonly unknown[]).includes(value)) return value as T;
  const quoted = allowed.map((option) => `'${option}'`);
  throw new TypeError(`${at} must be ${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`);
}
