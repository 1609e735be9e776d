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

/** Checks a revocation entry's fields; a mistake rejects the `revoke*` call with `TypeError`. */
export function checkEntry(entry: unknown, idField: 'tokenId' | 'subject' | 'clientId'): void {
  if (typeof entry !== 'object' || entry === null) {
    throw new TypeError('revocation entry must be an object');
  }
  const record = entry as Record<string, unknown>;
  for (const name of ['issuer', idField]) {
    if (typeof record[name] !== 'string' || record[name] === '') {
      throw new TypeError(`${name} must be a non-empty string`);
    }
  }
  for (const name of ['expiresAt', 'before', 'maxTokenLifetimeSeconds']) {
    const value = record[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw new TypeError(`${name} must be a finite number of seconds`);
    }
  }
  if (idField === 'tokenId' && record.expiresAt === undefined) {
    throw new TypeError('expiresAt must be a finite number of seconds');
  }
}
