import type { RevocationCheckContext } from './revocation.js';
import type { VerifiedToken } from '../lib/types.js';

/**
 * How long an "issued before" entry covers tokens by default: a day, the common longest lifetime.
 *
 * @example
 * ```ts
 * // A custom store that takes the same option as the built-in ones:
 * const entryLifetimeSeconds = options.entryLifetimeSeconds ?? DEFAULT_ENTRY_LIFETIME_SECONDS;
 * ```
 */
export const DEFAULT_ENTRY_LIFETIME_SECONDS = 86_400;

/**
 * Every entry lives this much longer than the tokens it covers. It absorbs the verifiers' clock
 * tolerance at both ends (a token is accepted up to `clockToleranceSeconds` after its `exp`,
 * and an `iat` that far in the future, RFC 7519 §4.1.4/§4.1.6) and the skew between the clock
 * of the instance that wrote the entry and the one that checks it.
 *
 * @example
 * ```ts
 * // A token entry lives until the token could no longer be accepted anywhere:
 * const ttlMs = (expiresAt + REVOCATION_CLOCK_MARGIN_SECONDS) * 1000 - Date.now();
 * ```
 */
export const REVOCATION_CLOCK_MARGIN_SECONDS = 300;

/** The verifier's default `clockToleranceSeconds`, used when a check does not say. */
const DEFAULT_TOLERANCE_SECONDS = 5;

// `https://cognito-idp.<region>.amazonaws.com/<region>_<id>` and the `issuer-cognito-idp` form
// Cognito uses with multi-region replication, in any region. The pool id carries its home
// region and is globally unique, so every spelling names the same pool. Full match, lower-case
// only (how AWS writes `iss`); anything else is left alone.
const COGNITO_ISSUER =
  /^https:\/\/(?:issuer-)?cognito-idp\.[a-z]{2}(?:-[a-z]+)+-\d+\.amazonaws\.com\/(([a-z]{2}(?:-[a-z]+)+-\d+)_[0-9A-Za-z]+)$/;
const GOOGLE_BARE = 'accounts.google.com';
const GOOGLE = 'https://accounts.google.com';

// Canonical forms of the Cognito spellings seen, so the hot path runs the regex once per `iss`.
// Bounded: cleared when full (a resolver could route many pools); recomputing is cheap.
const canonicalCache = new Map<string, string>();
const CANONICAL_CACHE_MAX = 512;

/**
 * The one spelling revocation entries are keyed by, for every `iss` form one issuer uses:
 * Cognito's `issuer-cognito-idp` and replica-region forms map to
 * `https://cognito-idp.<home region>.amazonaws.com/<pool id>`, Google's `accounts.google.com` to
 * `https://accounts.google.com`; every other issuer is its own canonical form. Never merges two
 * issuers: only spellings that can name nothing but the same pool (AWS's own host names, the
 * globally unique pool id) or Google's two documented forms are rewritten.
 *
 * @example
 * ```ts
 * canonicalIssuer('https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC');
 * // 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC'
 * ```
 */
export function canonicalIssuer(iss: string): string {
  if (iss === GOOGLE_BARE) return GOOGLE;
  // Cheap prefix tests first: most issuers never reach the regex.
  if (!iss.startsWith('https://cognito-idp.') && !iss.startsWith('https://issuer-cognito-idp.')) {
    return iss;
  }
  const known = canonicalCache.get(iss);
  if (known !== undefined) return known;
  const match = COGNITO_ISSUER.exec(iss);
  const canonical =
    match === null ? iss : `https://cognito-idp.${match[2]}.amazonaws.com/${match[1]}`;
  if (canonicalCache.size >= CANONICAL_CACHE_MAX) canonicalCache.clear();
  canonicalCache.set(iss, canonical);
  return canonical;
}

/**
 * How a token maps onto revocation entries, shared by every store so they agree exactly.
 * Entries are per issuer (a `sub` or `jti` means nothing across issuers), keyed by the
 * issuer's canonical spelling so that every `iss` form of one issuer shares them. `issuer`
 * never contains NUL (`prepareRevocation` refuses one), so the first two NULs delimit it.
 *
 * @example
 * ```ts
 * const key = revocationKeys.subject('https://accounts.google.com', '1234567890');
 * await redis.set(key, String(cutOffSeconds), { PXAT: untilSeconds * 1000 });
 * ```
 */
export const revocationKeys = {
  /** The key of a single-token entry (`jti` or `origin_jti`). */
  token: (issuer: string, tokenId: string): string =>
    `t\u0000${canonicalIssuer(issuer)}\u0000${tokenId}`,
  /** The key of a subject's "issued before" entry. */
  subject: (issuer: string, subject: string): string =>
    `s\u0000${canonicalIssuer(issuer)}\u0000${subject}`,
  /** The key of a client's "issued before" entry. */
  client: (issuer: string, clientId: string): string =>
    `c\u0000${canonicalIssuer(issuer)}\u0000${clientId}`,
};

/**
 * The token ids to look up: its own `jti` and Cognito's `origin_jti`.
 *
 * @example
 * ```ts
 * const keys = tokenIdsOf(auth).map((id) => revocationKeys.token(auth.issuer, id));
 * ```
 */
export function tokenIdsOf(token: VerifiedToken): readonly string[] {
  const ids: string[] = [];
  const { jti, origin_jti: originJti } = token.claims;
  if (typeof jti === 'string') ids.push(jti);
  if (typeof originJti === 'string') ids.push(originJti);
  return ids;
}

/**
 * When the token was issued, for "issued before T" entries: `iat`, else Cognito's
 * `auth_time`; `undefined` when neither is a number (such a token cannot be placed in time,
 * so a subject or client revocation covers it).
 *
 * @example
 * ```ts
 * const issuedAt = issuedAtOf(auth); // e.g. 1767225600, or undefined
 * ```
 */
export function issuedAtOf(token: VerifiedToken): number | undefined {
  const { iat, auth_time: authTime } = token.claims;
  if (typeof iat === 'number') return iat;
  return typeof authTime === 'number' ? authTime : undefined;
}

/**
 * An "issued before" entry's cut-off (default: now) and until when it must live, in seconds
 * since the epoch: the cut-off plus the store's entry lifetime (a longer per-entry
 * `maxTokenLifetimeSeconds` lengthens it, a shorter one never shortens it) plus the clock margin.
 *
 * @example
 * ```ts
 * const { before, until } = revocationCutOff({ before: 1767225600 }, 86_400);
 * // until = before + 86 400 + REVOCATION_CLOCK_MARGIN_SECONDS
 * ```
 */
export function revocationCutOff(
  entry: { readonly before?: number; readonly maxTokenLifetimeSeconds?: number },
  entryLifetimeSeconds: number = DEFAULT_ENTRY_LIFETIME_SECONDS,
): {
  /** The cut-off: tokens issued at or before it are revoked. */
  before: number;
  /** When the entry may be forgotten. */
  until: number;
} {
  const before = entry.before ?? Math.floor(Date.now() / 1000);
  const lifetime = Math.max(entryLifetimeSeconds, entry.maxTokenLifetimeSeconds ?? 0);
  return { before, until: before + lifetime + REVOCATION_CLOCK_MARGIN_SECONDS };
}

/**
 * Whether entries cover `token`: its `jti`/`origin_jti`, or an "issued before" cut-off for its
 * subject or client that its `iat` (else `auth_time`) does not pass by more than the clock
 * tolerance. `lookup` returns an entry's value (the cut-off in seconds; anything for a token
 * entry) or `undefined`. Every store decides with this one function, so they never disagree.
 *
 * @example
 * ```ts
 * // A custom store over a Map of key → value (cut-off seconds, or 0 for a token entry):
 * const entries = new Map<string, number>();
 * const store: RevocationStore = {
 *   isRevoked: (token, context) => isRevokedBy(token, (key) => entries.get(key), context),
 * };
 * ```
 */
export function isRevokedBy(
  token: VerifiedToken,
  lookup: (key: string) => number | undefined,
  context?: RevocationCheckContext,
): boolean {
  // `token.issuer` stays the token's exact `iss`; only the lookup uses the canonical spelling.
  const issuer = canonicalIssuer(token.issuer);
  for (const id of tokenIdsOf(token))
    if (lookup(`t\u0000${issuer}\u0000${id}`) !== undefined) return true;
  const issuedAt = issuedAtOf(token);
  // The verifier accepts an `iat` up to its tolerance ahead of its clock (an IdP clock running
  // fast), so a token minted just before the sign-out may carry an `iat` a little after the
  // cut-off: the cut-off stretches by the same tolerance. The price: tokens minted within that
  // many seconds after the sign-out are refused too.
  const tolerance = context?.clockToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  return (
    (token.subject !== undefined &&
      covers(lookup(`s\u0000${issuer}\u0000${token.subject}`), issuedAt, tolerance)) ||
    (token.clientId !== undefined &&
      covers(lookup(`c\u0000${issuer}\u0000${token.clientId}`), issuedAt, tolerance))
  );
}

/** A token issued at or before the cut-off (plus tolerance) is covered; one that cannot be placed in time is too. */
function covers(before: number | undefined, issuedAt: number | undefined, tolerance: number) {
  return before !== undefined && (issuedAt === undefined || issuedAt <= before + tolerance);
}
