import * as crypto from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { JwtClaims, VerifiedToken } from '../types.js';
import type { ResolvedPolicy } from './claims-check.js';
import type { JwksKey } from './jwk-import.js';

/** A verified token remembered with the time window in which the verdict still holds. */
export interface CachedVerdict {
  readonly result: VerifiedToken;
  /** Where the key that verified it is published: a hit holds only while it still is. */
  readonly jwksUri: string;
  readonly key: JwksKey;
  /** Milliseconds since the epoch; the verdict holds in [notBefore, notAfter). */
  readonly notBefore: number;
  readonly notAfter: number;
}

export interface TokenCache {
  /** The key of a token in the cache: its SHA-256, computed once per request. */
  digest(token: string): string;
  /** The cached verdict, if the token verified before and its time window still holds now. */
  get(digest: string, nowMs: number): CachedVerdict | undefined;
  /** Offers a fresh verdict; it is kept from the token's second verification on. */
  admit(digest: string, verdict: CachedVerdict): void;
}

// crypto.hash() (Node ≥ 20.12) hashes in one call without a Hash object.
const oneShotHash = crypto.hash as typeof crypto.hash | undefined;

/**
 * Keys are SHA-256 digests: a fresh 1 KB token string would be re-hashed by V8 on every lookup,
 * and the digest keeps the map's keys small.
 */
function digest(token: string): string {
  return oneShotHash === undefined
    ? crypto.createHash('sha256').update(token).digest('base64')
    : oneShotHash('sha256', token, 'base64');
}

/**
 * A bounded cache of successful verifications. Only verified tokens enter it, so forged
 * tokens cannot evict the working set; a hit re-checks the time window on every use, and the
 * verifier re-checks that the key is still published.
 *
 * Admission needs a second sighting (a "doorkeeper", as in TinyLFU): the first verification
 * of a token only remembers its digest. Clients reuse a token for its lifetime, so reused
 * tokens still get in after one more verification, while a stream of one-off tokens no longer
 * fills the heap with kilobyte-sized verdicts the garbage collector must promote and scan.
 */
export function createTokenCache(maxEntries: number, maxTtlMs: number): TokenCache {
  const verdicts = new LRUCache<string, CachedVerdict>({ max: maxEntries });
  const seenOnce = new LRUCache<string, true>({ max: maxEntries });
  return {
    digest,
    get(key, nowMs) {
      const verdict = verdicts.get(key);
      if (verdict === undefined) return undefined;
      if (nowMs < verdict.notBefore || nowMs >= verdict.notAfter) {
        verdicts.delete(key);
        return undefined;
      }
      return verdict;
    },
    admit(key, verdict) {
      if (!seenOnce.has(key)) {
        seenOnce.set(key, true);
        return;
      }
      seenOnce.delete(key);
      const notAfter = Math.min(verdict.notAfter, Date.now() + maxTtlMs);
      verdicts.set(key, notAfter === verdict.notAfter ? verdict : { ...verdict, notAfter });
    },
  };
}

/** When, in epoch milliseconds, the claims checks that just passed keep passing (tolerance included). */
export function validityWindow(
  claims: JwtClaims,
  policy: ResolvedPolicy,
): { notBefore: number; notAfter: number } {
  const tolerance = policy.clockToleranceSeconds;
  let notAfter = claims.exp === undefined ? Infinity : claims.exp + tolerance;
  if (policy.maxTokenAgeSeconds !== undefined && claims.iat !== undefined) {
    notAfter = Math.min(notAfter, claims.iat + policy.maxTokenAgeSeconds + tolerance);
  }
  const notBefore = claims.nbf === undefined ? -Infinity : claims.nbf - tolerance;
  return { notBefore: notBefore * 1000, notAfter: notAfter * 1000 };
}
