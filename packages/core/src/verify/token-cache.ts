import { LRUCache } from 'lru-cache';
import type { JwtClaims, VerifiedToken } from '../lib/types.js';
import type { ResolvedPolicy } from '../claims/claims-check.js';
import type { JwksKey } from '../jws/jwk-import.js';
import type { Route } from '../issuers/routes.js';

/** A verified token remembered with the time window in which the verdict still holds. */
export interface CachedVerdict {
  readonly result: VerifiedToken;
  /**
   * The route that verified it: a hit holds only while this is still the route for its `iss`,
   * so an off-boarded or reconfigured tenant's tokens go through the full path again.
   */
  readonly route: Route;
  /** Where the key that verified it is published: a hit holds only while it still is. */
  readonly jwksUri: string;
  readonly key: JwksKey;
  /** Milliseconds since the epoch; the verdict holds in [notBefore, notAfter). */
  readonly notBefore: number;
  readonly notAfter: number;
}

export interface TokenCache {
  /**
   * The key of a token in the cache: the token string itself,
   * compared whole, so no look-alike spelling and no lone surrogate can share a verdict. Only
   * tokens that passed `assertTokenCharset` and verified are ever admitted.
   */
  digest(token: string): string;
  /** The cached verdict, if the token verified before and its time window still holds now. */
  get(digest: string, nowMs: number): CachedVerdict | undefined;
  /** Offers a fresh verdict; it is kept from the token's second verification on. */
  admit(digest: string, verdict: CachedVerdict): void;
}

export interface TokenCacheOptions {
  readonly maxEntries: number;
  /** Approximate heap the verdicts may hold; each holds its token string and decoded claims. */
  readonly maxBytes: number;
  readonly maxTtlMs: number;
}

/** Heap cost of a doorkeeper entry: its key string (two bytes a character) and bookkeeping. */
function keySize(_value: true, key: string): number {
  return 2 * key.length + 64;
}

/**
 * Rough heap cost of a verdict: the token string, its decoded header and claims (together about
 * the token's size again) and the result's bookkeeping.
 */
function verdictSize(verdict: CachedVerdict): number {
  return 2 * verdict.result.token.length + 512;
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
export function createTokenCache(options: TokenCacheOptions): TokenCache {
  const { maxEntries, maxTtlMs } = options;
  // Bounded by bytes too: a verdict is 1–16 KB, so a count alone allows hundreds of MB. Each
  // verdict expires with its window (lru-cache `ttl`), so an expired one is dropped on read.
  const verdicts = new LRUCache<string, CachedVerdict>({
    max: maxEntries,
    maxSize: options.maxBytes,
    sizeCalculation: verdictSize,
  });
  // The doorkeeper keeps only short keys (see `sightingOf`), bounded by their bytes as well as
  // by count.
  const seenOnce = new LRUCache<string, true>({
    max: maxEntries,
    maxSize: options.maxBytes,
    sizeCalculation: keySize,
  });
  return {
    // Verdicts are keyed by the token itself: a hit costs V8's string hash and one compare,
    // no SHA-256 (the verdict holds this same string as `token`, so the key costs no memory).
    digest: (token) => token,
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
      // A token whose verdict is here but no longer held (its route or key changed) was seen
      // before: its fresh verdict replaces the old one at once.
      if (!verdicts.has(key)) {
        const sighting = sightingOf(key);
        if (!seenOnce.has(sighting)) {
          seenOnce.set(sighting, true);
          return;
        }
        seenOnce.delete(sighting);
      }
      const now = Date.now();
      const notAfter = Math.min(verdict.notAfter, now + maxTtlMs);
      if (notAfter <= now) return;
      verdicts.set(key, notAfter === verdict.notAfter ? verdict : { ...verdict, notAfter }, {
        ttl: Math.ceil(notAfter - now),
      });
    },
  };
}

// 12 base64url characters: 72 bits of the signature. Below V8's 13-character minimum for a
// sliced string, so the key is a copy and never keeps the whole token alive.
const SIGHTING_LENGTH = 12;

/**
 * The doorkeeper's key of a verified token: the end of its signature, which the issuer's key
 * made unpredictable (RSA over a unique payload, ECDSA's and EdDSA's per-signature randomness
 * or message hash). No hash to compute on a miss, 12 characters held per sighting, the same on
 * every backend. A collision could only let a token that did verify in one sighting early: it
 * decides admission, never a verdict (verdicts are keyed by the whole token).
 */
function sightingOf(token: string): string {
  return token.length > SIGHTING_LENGTH ? token.slice(-SIGHTING_LENGTH) : token;
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
