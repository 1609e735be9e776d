// Option checks run once, at creation, and throw `TypeError` (STYLE.md §3).

export function nonEmptyString(value: unknown, name: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${name} must be a non-empty string`);
  }
  return value;
}

export function integerAtLeast(
  value: unknown,
  name: string,
  min: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new TypeError(`${name} must be an integer of at least ${min}`);
  }
  return value;
}

/**
 * The longest delay Node's timers honour: `setTimeout` turns anything above 2^31 - 1 ms (about
 * 24.8 days) into 1 ms, with only a warning, so a long grace would silently become none.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A whole number of milliseconds that a timer can wait for, from `min` to `MAX_TIMER_MS`. */
export function timerMs(value: unknown, name: string, min: number, fallback: number): number {
  const ms = integerAtLeast(value, name, min, fallback);
  if (ms > MAX_TIMER_MS) {
    throw new TypeError(`${name} must be an integer from ${min} to ${MAX_TIMER_MS}`);
  }
  return ms;
}

export function oneOf<T extends string>(
  value: unknown,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw new TypeError(`${name} must be one of ${allowed.map((v) => `'${v}'`).join(', ')}`);
  }
  return value as T;
}

/**
 * Whether Redis answered with an error reply (it refused the command: WRONGTYPE, OOM, an
 * invalid expire time), as opposed to a lost connection, after which the write may or may not
 * have happened. Checked by name too: a client given by the caller may come from another copy
 * of `@redis/client`.
 */
export function isErrorReply(error: unknown): boolean {
  for (let proto = error; typeof proto === 'object' && proto !== null;) {
    if ((proto as { constructor?: { name?: unknown } }).constructor?.name === 'ErrorReply') {
      return true;
    }
    proto = Object.getPrototypeOf(proto);
  }
  return false;
}
