// What a `TrustedIssuer` must look like, checked once when a verifier takes it (a hand-made
// issuer, a resolver's answer), and the frozen copies the issuer factories return.
import { describe, nonEmptyString } from '../lib/options.js';
import type { TrustedIssuer } from '../lib/types.js';
import { optionalBoolean } from '../lib/options.js';

/** How an issuer is named in a TypeError: its place in `issuers` when known, and its `iss`. */
export interface IssuerLabel {
  /** The issuer as a whole: `issuers[1] (issuer "https://…")`, or `issuer "https://…"`. */
  readonly whole: string;
  /** One of its options: `issuers[1].audience (issuer "https://…")`, or `issuer "https://…": audience`. */
  key(name: string): string;
}

/** The label of `trusted`, at `path` (`issuers[1]`) when the caller knows where it came from. */
export function issuerLabel(trusted: unknown, path: string | undefined): IssuerLabel {
  const endpoints = (trusted as { endpoints?: unknown } | null | undefined)?.endpoints;
  const first: unknown = Array.isArray(endpoints)
    ? (endpoints[0] as { issuer?: unknown } | undefined)?.issuer
    : undefined;
  const iss = typeof first === 'string' ? `issuer ${describe(first)}` : undefined;
  if (path === undefined) {
    const whole = iss ?? 'issuer';
    return { whole, key: (name) => `${whole}: ${name}` };
  }
  const suffix = iss === undefined ? '' : ` (${iss})`;
  return { whole: `${path}${suffix}`, key: (name) => `${path}.${name}${suffix}` };
}

/**
 * Checks the parts of an issuer that are called or read on every request, so that a hand-made
 * issuer (or a resolver's answer) missing `normalize`, or with an endpoint whose `issuer` is not
 * a string, is a TypeError now rather than a crash on the first token.
 */
export function checkIssuerShape(trusted: unknown, label: IssuerLabel): void {
  if (typeof trusted !== 'object' || trusted === null || Array.isArray(trusted)) {
    throw new TypeError(
      `${label.whole} must be built with oidcIssuer(), cognitoIssuer() or a preset, got ${describe(trusted)}`,
    );
  }
  const issuer = trusted as Partial<Record<keyof TrustedIssuer, unknown>>;
  const endpoints = issuer.endpoints;
  if (!Array.isArray(endpoints) || endpoints.length === 0) {
    throw new TypeError(
      `${label.key('endpoints')} must be a non-empty array of { issuer, jwksUri? }, got ${describe(endpoints)}; ` +
        'build issuers with oidcIssuer(), cognitoIssuer() or a preset',
    );
  }
  endpoints.forEach((endpoint: unknown, index) => {
    const at = (name: string): string => label.key(`endpoints[${index}]${name}`);
    if (typeof endpoint !== 'object' || endpoint === null || Array.isArray(endpoint)) {
      throw new TypeError(`${at('')} must be an object, got ${describe(endpoint)}`);
    }
    const { issuer: iss, jwksUri, secondary } = endpoint as Record<string, unknown>;
    nonEmptyString(iss, at('.issuer'));
    if (jwksUri !== undefined) nonEmptyString(jwksUri, at('.jwksUri'));
    optionalBoolean(secondary, at('.secondary'), false);
  });
  if (typeof issuer.normalize !== 'function') {
    throw new TypeError(
      `${label.key('normalize')} must be a function, got ${describe(issuer.normalize)}`,
    );
  }
  if (issuer.validate !== undefined && typeof issuer.validate !== 'function') {
    throw new TypeError(
      `${label.key('validate')} must be a function, got ${describe(issuer.validate)}`,
    );
  }
  optionalBoolean(issuer.allowInsecureHttp, label.key('allowInsecureHttp'), false);
}

const ISSUER_FIELDS = [
  'kind',
  'endpoints',
  'allowInsecureHttp',
  'validate',
  'normalize',
  'audience',
  'algorithms',
  'clockToleranceSeconds',
  'maxTokenAgeSeconds',
  'typ',
  'requiredClaims',
] as const satisfies readonly (keyof TrustedIssuer)[];
const ENDPOINT_FIELDS = ['issuer', 'jwksUri', 'secondary', 'jwks'] as const;

/**
 * What a verifier reads of an issuer, read once by name into a frozen copy: through the
 * prototype chain and getters alike (a class-based or hand-made issuer keeps every member it
 * has, inherited and non-enumerable ones included), each getter called once, so what is
 * checked is what every request runs.
 */
export function readIssuer(trusted: object): TrustedIssuer {
  const copy = readFields(trusted, ISSUER_FIELDS);
  if (Array.isArray(copy['endpoints'])) {
    copy['endpoints'] = Object.freeze(
      (copy['endpoints'] as unknown[]).map((endpoint) =>
        typeof endpoint === 'object' && endpoint !== null
          ? Object.freeze(readFields(endpoint, ENDPOINT_FIELDS))
          : endpoint,
      ),
    );
  }
  return Object.freeze(copy) as unknown as TrustedIssuer;
}

function readFields(from: object, fields: readonly string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of fields) {
    if (!(key in from)) continue;
    const value: unknown = (from as Record<string, unknown>)[key];
    if (value !== undefined) copy[key] = key === 'endpoints' ? value : frozenCopy(value);
  }
  return copy;
}

// A JWK Set is a few levels deep; anything deeper is not one (or is cyclic).
const MAX_DEPTH = 16;

/**
 * A deep, frozen copy of what an issuer factory built: its endpoints (each endpoint, and the key
 * set given up front), policy lists and functions, so that neither the caller's objects nor the
 * returned issuer can be changed after creation. Functions are kept as they are.
 */
export function frozenIssuer<T extends TrustedIssuer>(issuer: T): T {
  return frozenCopy(issuer, 0) as T;
}

/**
 * A deep, frozen copy of plain data (objects, arrays, primitives; functions kept as they are),
 * for options read again after creation (a resolver building one issuer per tenant).
 */
export function frozenCopy<T>(value: T, depth = 0): T {
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_DEPTH) {
    throw new TypeError(`options nest deeper than ${MAX_DEPTH} levels (a cycle?)`);
  }
  if (Array.isArray(value)) {
    return Object.freeze(value.map((item: unknown) => frozenCopy(item, depth + 1))) as T;
  }
  const copy: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    // A data property even for `__proto__` (a JSON-parsed key set may carry one).
    Object.defineProperty(copy, key, {
      value: frozenCopy(member, depth + 1),
      enumerable: true,
    });
  }
  return Object.freeze(copy) as T;
}
