import type { ClientRevocation, SubjectRevocation } from './revocation.js';
import type { VerifiedToken } from './types.js';

/**
 * How a token maps onto revocation entries, shared by every store so they agree exactly.
 * Entries are per issuer: a `sub` or `jti` means nothing across issuers.
 */
export const revocationKeys = {
  token: (issuer: string, tokenId: string): string => `t\u0000${issuer}\u0000${tokenId}`,
  subject: (issuer: string, subject: string): string => `s\u0000${issuer}\u0000${subject}`,
  client: (issuer: string, clientId: string): string => `c\u0000${issuer}\u0000${clientId}`,
};

/** The token ids to look up: its own `jti` and Cognito's `origin_jti`. */
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
 */
export function issuedAtOf(token: VerifiedToken): number | undefined {
  const { iat, auth_time: authTime } = token.claims;
  if (typeof iat === 'number') return iat;
  return typeof authTime === 'number' ? authTime : undefined;
}

const DAY_SECONDS = 86_400;

/**
 * An "issued before" entry's cut-off (default: now) and until when it must live (the cut-off
 * plus the longest token lifetime, default a day), in seconds since the epoch.
 */
export function revocationCutOff(entry: SubjectRevocation | ClientRevocation): {
  before: number;
  until: number;
} {
  const before = entry.before ?? Math.floor(Date.now() / 1000);
  return { before, until: before + (entry.maxTokenLifetimeSeconds ?? DAY_SECONDS) };
}

/**
 * Whether entries cover `token`: its `jti`/`origin_jti`, or an "issued before" cut-off for its
 * subject or client that its `iat` (else `auth_time`) does not pass. `lookup` returns an
 * entry's value (the cut-off in seconds; anything for a token entry) or `undefined`. Every
 * store decides with this one function, so they can never disagree.
 */
export function isRevokedBy(
  token: VerifiedToken,
  lookup: (key: string) => number | undefined,
): boolean {
  const issuer = token.issuer;
  for (const id of tokenIdsOf(token))
    if (lookup(revocationKeys.token(issuer, id)) !== undefined) return true;
  const issuedAt = issuedAtOf(token);
  // A token issued at or before the cut-off is revoked; one that cannot be placed in time is too.
  const covers = (before: number | undefined): boolean =>
    before !== undefined && (issuedAt === undefined || issuedAt <= before);
  return (
    (token.subject !== undefined &&
      covers(lookup(revocationKeys.subject(issuer, token.subject)))) ||
    (token.clientId !== undefined && covers(lookup(revocationKeys.client(issuer, token.clientId))))
  );
}
