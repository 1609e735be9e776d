// Option validation: every mistake is a TypeError thrown at creation, never at request time.

export function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive integer, got ${describe(value)}`);
  }
  return value;
}

/**
 * Timers hold at most 2^31 − 1 ms (about 24.8 days): Node turns a longer delay into 1 ms with a
 * warning, and browsers and workers wrap it, so a larger deadline would fire at once.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A positive whole number of milliseconds a timer can hold (see `MAX_TIMER_MS`). */
export function durationMs(value: unknown, name: string, fallback: number): number {
  const ms = positiveInteger(value, name, fallback);
  if (ms > MAX_TIMER_MS) {
    throw new TypeError(`${name} must be at most ${MAX_TIMER_MS} ms (a timer's limit), got ${ms}`);
  }
  return ms;
}

/**
 * A boolean option (`allowInsecureHttp`, `discovery`): `undefined` is `fallback`; anything
 * else but `true`/`false` (`'true'`, `1`) is a TypeError rather than read as `false`.
 */
export function optionalBoolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new TypeError(`${name} must be a boolean, got ${describe(value)}`);
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

/**
 * A callback the request path needs an answer from synchronously (a token, a verdict): an
 * `async` function would hand back a promise, which is neither, so it is refused at creation.
 * A plain function returning a promise is caught where it is called.
 */
export function synchronousFunction<T>(
  value: T | undefined,
  name: string,
  shape: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') {
    throw new TypeError(`${name} must be a function ${shape}, got ${describe(value)}`);
  }
  const kind = (value as { constructor?: { name?: unknown } }).constructor?.name;
  if (kind === 'AsyncFunction' || kind === 'AsyncGeneratorFunction') {
    throw new TypeError(
      `${name} must answer synchronously ${shape}: an async function returns a promise`,
    );
  }
  return value;
}

/** A promise or any other thenable, whose rejection must not go unhandled. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
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

// RFC 5735 §3: 127.0.0.0/8 is loopback. WHATWG URL already rewrites every IPv4 form
// (`2130706433`, `0x7f.1`, `127.1`, `127.0.0.1.`) to dotted decimal, and a host whose last label
// is numeric is an IPv4 literal or a parse error, so a match here is a real address, never a
// name such as `127.0.0.1.attacker.example` that DNS could point anywhere.
const LOOPBACK_IPV4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * Whether a WHATWG URL `hostname` is certainly this machine: an IPv4 literal in 127.0.0.0/8,
 * the IPv6 literal `[::1]` (RFC 4291 §2.5.3; URL folds `0:0:…:1` into it), or exactly
 * `localhost`. Refused, failing closed: `localhost.` and `*.localhost` (RFC 6761 §6.3 asks
 * resolvers to answer loopback for them, but a plain DNS lookup may not), `[::ffff:127.0.0.1]`
 * (IPv4-mapped: reaches loopback only through a dual-stack socket), and `0.0.0.0` ("this host",
 * not loopback: RFC 1122 §3.2.1.3).
 */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || LOOPBACK_IPV4.test(hostname);
}

/**
 * An absolute `https:` URL, or `http:` on loopback (local issuers in tests and development),
 * or any `http:` when explicitly allowed. RFC 8725 §3.10 asks for authenticated key transport.
 * The one place that decides this, at creation and for URLs learnt at run time (a discovered
 * `jwks_uri`, an ALB key URL), whose TypeError the caller turns into a request-time error.
 */
export function secureUrl(value: unknown, name: string, allowInsecureHttp: boolean): string {
  const text = nonEmptyString(value, name);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`${name} must be an absolute URL, got ${describe(value)}`);
  }
  // Refused without echoing the value, which would print the password. fetch() refuses such a
  // URL anyway (WHATWG Fetch, "new Request"), so it could only ever fail at request time.
  if (url.username !== '' || url.password !== '') {
    throw new TypeError(`${name} must not contain credentials`);
  }
  if (
    url.protocol === 'https:' ||
    (url.protocol === 'http:' && (allowInsecureHttp || isLoopbackHost(url.hostname)))
  ) {
    return text;
  }
  throw new TypeError(
    `${name} must use https: (http: is allowed on 127.0.0.0/8, [::1] and localhost, or with allowInsecureHttp), got ${describe(value)}`,
  );
}

export function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : String(value);
}

/**
 * The option names of `T`, as a set. The mapped type makes the compiler hold the list to the
 * interface: a name missing here, or one the interface does not declare, fails to compile.
 */
export function optionKeys<T>(keys: { readonly [K in keyof Required<T>]: true }): Set<string> {
  return new Set(Object.keys(keys));
}

/**
 * Throws a `TypeError` for an option name `known` does not hold, suggesting the closest known
 * one (same letters in another case, or at most two edits away): a misspelt `cahce` or
 * `optinal` would otherwise be ignored and leave the default silently in force.
 *
 * @example
 * ```ts
 * assertKnownKeys({ cahce: false }, new Set(['cache', 'url']), 'createMyStore');
 * // TypeError: createMyStore: unknown option "cahce"; did you mean `cache`?
 * ```
 */
export function assertKnownKeys(options: object, known: ReadonlySet<string>, where: string): void {
  // `for…in`, not `Object.keys`: an option inherited from a prototype is read like an own one
  // (`options.cache`), so a misspelt inherited one must be caught too.
  for (const key in options) {
    if (known.has(key)) continue;
    const suggestion = closestKey(key, known);
    throw new TypeError(
      `${where}: unknown option ${describe(key)}` +
        (suggestion === undefined ? '' : `; did you mean \`${suggestion}\`?`),
    );
  }
}

function closestKey(key: string, known: ReadonlySet<string>): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    if (candidate.toLowerCase() === lower) return candidate;
    const distance = editDistance(lower, candidate.toLowerCase(), bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * The options as given, read once into a plain object, so every later read sees what was
 * checked and a copy made later (`{ ...options }`) drops nothing: each enumerable key, own or
 * inherited (what `assertKnownKeys` checks), and each `known` option however it is reachable
 * (a class getter, a non-enumerable or inherited property), each read exactly once.
 */
export function optionsSnapshot<T extends object>(options: T, known: Iterable<string>): T {
  const copy: Record<string, unknown> = {};
  const take = (key: string): void => {
    // A data property even for `__proto__`.
    Object.defineProperty(copy, key, {
      value: (options as Record<string, unknown>)[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  };
  for (const key in options) take(key);
  for (const key of known) if (!Object.hasOwn(copy, key) && key in options) take(key);
  return copy as T;
}

/**
 * A nested options object (`cache: { … }`): absent (`{}`), or an object of known keys, so a typo
 * inside it fails like one at the top level instead of silently taking the default.
 *
 * @example
 * nestedOptions({ maxEntrys: 10 }, 'cache', new Set(['maxEntries'])); // TypeError: cache: unknown option "maxEntrys"; did you mean `maxEntries`?
 */
export function nestedOptions<T extends object>(
  value: T | undefined,
  path: string,
  known: ReadonlySet<string>,
  expected = 'an object',
): Partial<T> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) {
    throw new TypeError(`${path} must be ${expected}, got ${describe(value)}`);
  }
  assertKnownKeys(value, known, path);
  return value;
}

/**
 * An object literal (or `Object.create(null)`): not an array, a `Map`, a `Date` or a class
 * instance, whose fields would be read as options they never meant to be.
 */
export function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Optimal string alignment distance (a swap of two letters counts once), capped at `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (before[j - 2] as number) + 1);
      }
      current.push(value);
    }
    before = previous;
    previous = current;
  }
  return Math.min(previous[b.length] as number, limit);
}
