// The one gate every revocation entry passes, shared by every store: a `revoke*` argument on
// its way in (`prepareRevocation`), and an entry read back from shared storage
// (`parseStoredRevocation`). One bad entry must never poison a store: a value Redis refuses
// (a TTL past its range), a lone surrogate that the wire garbles into U+FFFD and so revokes
// another subject, or a key that collides with another issuer's.
import { MAX_ISSUER_LENGTH } from '../claims/claims-check.js';
import {
  DEFAULT_ENTRY_LIFETIME_SECONDS,
  REVOCATION_CLOCK_MARGIN_SECONDS,
  canonicalIssuer,
  revocationCutOff,
} from './revocation-keys.js';

/**
 * The longest lifetime, and the farthest future timestamp, an entry may carry: a year.
 *
 * @example
 * ```ts
 * if (lifetimeSeconds > MAX_REVOCATION_SECONDS) throw new TypeError('entryLifetimeSeconds must be at most a year');
 * ```
 */
export const MAX_REVOCATION_SECONDS = 366 * 86_400;
/**
 * Longest `tokenId`, `subject` or `clientId`: OpenID Connect Core §2 caps `sub` at 255 ASCII characters.
 *
 * @example
 * ```ts
 * if (subject.length > MAX_REVOCATION_ID_LENGTH) throw new TypeError('subject is too long');
 * ```
 */
export const MAX_REVOCATION_ID_LENGTH = 1024;

// A UTF-16 code unit sequence with an unpaired surrogate (not well-formed, ECMA-262 §6.1.4).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Which `revoke*` call an entry comes from: `revokeToken`, `revokeSubject` or `revokeClient`.
 *
 * @example
 * ```ts
 * const kind: RevocationKind = 'subject';
 * const prepared = prepareRevocation(kind, { issuer, subject }, 86_400);
 * ```
 */
export type RevocationKind = 'token' | 'subject' | 'client';

/**
 * What a store writes: the same value under each key, kept until `until` (seconds since the epoch).
 *
 * @example
 * ```ts
 * const { keys, value, until }: PreparedRevocation = prepareRevocation('token', { issuer, tokenId, expiresAt }, 86_400);
 * for (const key of keys) map.set(key, { value, until });
 * ```
 */
export interface PreparedRevocation {
  /** One key per distinct canonical issuer spelling (one, for every preset). */
  readonly keys: readonly string[];
  /** `0` for a token entry; the cut-off in seconds for a subject or client entry. */
  readonly value: number;
  /** When the entry may be forgotten, in seconds since the epoch. */
  readonly until: number;
}

const ID_FIELD = { token: 'tokenId', subject: 'subject', client: 'clientId' } as const;
const PREFIX = { token: 't', subject: 's', client: 'c' } as const;

/**
 * Validates a `revoke*` argument and turns it into keys, value and lifetime. Every mistake is
 * a `TypeError` naming the field, so the `revoke*` promise rejects and nothing is stored.
 *
 * @example
 * ```ts
 * const { keys, value, until } = prepareRevocation('subject', { issuer, subject }, 86_400);
 * ```
 */
export function prepareRevocation(
  kind: RevocationKind,
  entry: unknown,
  entryLifetimeSeconds: number,
  nowSeconds: number = Date.now() / 1000,
): PreparedRevocation {
  if (typeof entry !== 'object' || entry === null) {
    throw new TypeError('revocation entry must be an object');
  }
  const record = entry as Record<string, unknown>;
  const issuers = issuersOf(record.issuer);
  const idField = ID_FIELD[kind];
  const id = text(record[idField], idField, MAX_REVOCATION_ID_LENGTH, false);
  const keys = issuers.map((issuer) => `${PREFIX[kind]}\u0000${issuer}\u0000${id}`);
  if (kind === 'token') {
    if (record.expiresAt === undefined) throw new TypeError('expiresAt is required');
    const expiresAt = timestamp(record.expiresAt, 'expiresAt', nowSeconds);
    // A token is accepted up to the verifier's tolerance past its `exp`: the margin covers it.
    return { keys, value: 0, until: expiresAt + REVOCATION_CLOCK_MARGIN_SECONDS };
  }
  const before =
    record.before === undefined
      ? Math.floor(nowSeconds)
      : timestamp(record.before, 'before', nowSeconds);
  const maxTokenLifetimeSeconds =
    record.maxTokenLifetimeSeconds === undefined
      ? undefined
      : lifetime(record.maxTokenLifetimeSeconds, 'maxTokenLifetimeSeconds');
  const { until } = revocationCutOff(
    maxTokenLifetimeSeconds === undefined ? { before } : { before, maxTokenLifetimeSeconds },
    entryLifetimeSeconds,
  );
  return { keys, value: before, until };
}

/**
 * A store's `entryLifetimeSeconds` option: whole seconds, 1 to a year. TypeError otherwise.
 *
 * @example
 * ```ts
 * const entryLifetimeSeconds = entryLifetimeOption(options.entryLifetimeSeconds); // 86400 when undefined
 * ```
 */
export function entryLifetimeOption(value: unknown, name = 'entryLifetimeSeconds'): number {
  return value === undefined ? DEFAULT_ENTRY_LIFETIME_SECONDS : lifetime(value, name);
}

/**
 * An entry read back from shared storage (a resync, another instance's message), checked as
 * strictly as a new one: the key re-spelled with the canonical issuer (entries written before
 * canonicalization still apply), or `undefined` when anything is out of range.
 *
 * @example
 * ```ts
 * const entry = parseStoredRevocation(redisKey.slice(prefix.length), Number(redisValue), pttl);
 * if (entry !== undefined) nearCache.set(entry.key, entry.value, entry.ttlMs);
 * ```
 */
export function parseStoredRevocation(
  key: string,
  value: number,
  ttlMs: number,
  nowSeconds: number = Date.now() / 1000,
):
  | {
      /** The key, with the issuer's canonical spelling. */
      key: string;
      /** The entry's value, as stored. */
      value: number;
      /** The time to live, in milliseconds. */
      ttlMs: number;
    }
  | undefined {
  const kind = key[0];
  const end = key.indexOf('\u0000', 2);
  if ((kind !== 't' && kind !== 's' && kind !== 'c') || key[1] !== '\u0000' || end < 3) {
    return undefined;
  }
  const issuer = key.slice(2, end);
  const id = key.slice(end + 1);
  if (
    !isText(issuer, MAX_ISSUER_LENGTH, true) ||
    !isText(id, MAX_REVOCATION_ID_LENGTH, false) ||
    !Number.isSafeInteger(ttlMs) ||
    ttlMs <= 0 ||
    ttlMs > (2 * MAX_REVOCATION_SECONDS + REVOCATION_CLOCK_MARGIN_SECONDS) * 1000 ||
    (kind === 't' ? value !== 0 : !isTimestamp(value, nowSeconds))
  ) {
    return undefined;
  }
  return { key: `${kind}\u0000${canonicalIssuer(issuer)}\u0000${id}`, value, ttlMs };
}

/** The distinct canonical spellings of the entry's issuer: a string, or every endpoint of a `TrustedIssuer`. */
function issuersOf(value: unknown): string[] {
  if (typeof value === 'string') {
    return [canonicalIssuer(text(value, 'issuer', MAX_ISSUER_LENGTH, true))];
  }
  const endpoints = (value as { endpoints?: unknown } | null)?.endpoints;
  if (typeof value !== 'object' || !Array.isArray(endpoints) || endpoints.length === 0) {
    throw new TypeError(
      'issuer must be an iss string or a TrustedIssuer (cognitoIssuer(), a preset, oidcIssuer())',
    );
  }
  const issuers = new Set<string>();
  endpoints.forEach((endpoint: { issuer?: unknown } | null, index) => {
    const issuer = text(
      endpoint?.issuer,
      `issuer.endpoints[${index}].issuer`,
      MAX_ISSUER_LENGTH,
      true,
    );
    issuers.add(canonicalIssuer(issuer));
  });
  return [...issuers];
}

function text(value: unknown, name: string, maxLength: number, isIssuer: boolean): string {
  if (typeof value !== 'string' || !isText(value, maxLength, isIssuer)) {
    throw new TypeError(
      `${name} must be a non-empty, well-formed UTF-16 string of at most ${maxLength} characters${isIssuer ? ' without NUL' : ''}`,
    );
  }
  return value;
}

// NUL separates the parts of a key: one in an issuer would let two issuers' keys collide
// (`s␀a␀b␀c` is both issuer `a` with subject `b␀c` and issuer `a␀b` with subject `c`).
function isText(value: string, maxLength: number, isIssuer: boolean): boolean {
  return (
    value.length > 0 &&
    value.length <= maxLength &&
    !(isIssuer && value.includes('\u0000')) &&
    !LONE_SURROGATE.test(value)
  );
}

/** A NumericDate (RFC 7519 §2: fractions allowed) from the epoch up to a year ahead. */
function timestamp(value: unknown, name: string, nowSeconds: number): number {
  if (!isTimestamp(value, nowSeconds)) {
    throw new TypeError(`${name} must be seconds since the epoch, at most a year from now`);
  }
  return value as number;
}

function isTimestamp(value: unknown, nowSeconds: number): boolean {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 0 &&
    value <= nowSeconds + MAX_REVOCATION_SECONDS
  );
}

function lifetime(value: unknown, name: string): number {
  if (
    typeof value !== 'number' ||
    !Number.isSafeInteger(value) ||
    value <= 0 ||
    value > MAX_REVOCATION_SECONDS
  ) {
    throw new TypeError(
      `${name} must be a whole number of seconds from 1 to ${MAX_REVOCATION_SECONDS}`,
    );
  }
  return value;
}
