// Option validation: every mistake is a TypeError thrown at creation, never at request time.

export function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive integer, got ${describe(value)}`);
  }
  return value;
}

export function nonNegativeNumber(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${name} must be a non-negative number, got ${describe(value)}`);
  }
  return value;
}

export function optionalFunction<T>(value: T | undefined, name: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`${name} must be a function, got ${describe(value)}`);
  }
  return value;
}

export function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${name} must be a non-empty string, got ${describe(value)}`);
  }
  return value;
}

/** A string or a non-empty list of strings, as a frozen list. */
export function stringList(value: unknown, name: string): readonly string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    list.some((item) => typeof item !== 'string' || item.length === 0)
  ) {
    throw new TypeError(
      `${name} must be a non-empty string or list of strings, got ${describe(value)}`,
    );
  }
  return Object.freeze([...(list as string[])]);
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * An absolute `https:` URL, or `http:` on loopback (local issuers in tests and development),
 * or any `http:` when explicitly allowed. RFC 8725 §3.10 asks for authenticated key transport.
 */
export function secureUrl(value: unknown, name: string, allowInsecureHttp: boolean): string {
  const text = nonEmptyString(value, name);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`${name} must be an absolute URL, got ${describe(value)}`);
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname) || url.hostname.startsWith('127.');
  if (url.protocol === 'https:' || (url.protocol === 'http:' && (loopback || allowInsecureHttp))) {
    return text;
  }
  throw new TypeError(
    `${name} must use https: (http: is allowed on loopback, or with allowInsecureHttp), got ${describe(value)}`,
  );
}

export function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : String(value);
}
