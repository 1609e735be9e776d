import { LRUCache } from 'lru-cache';
import { positiveInteger } from './internal/options.js';
import type {
  ClientRevocation,
  RevocationRegistry,
  SubjectRevocation,
  TokenRevocation,
} from './revocation.js';
import { isRevokedBy, revocationCutOff, revocationKeys } from './revocation-keys.js';
import type { VerifiedToken } from './types.js';

export interface MemoryRevocationStoreOptions {
  /** Entries kept at once. Default 100000. When full of live entries, a new revocation is refused (never dropped silently). */
  readonly maxEntries?: number;
}

/**
 * Revocations for one process, in a bounded map whose entries expire by themselves once the
 * tokens they cover could no longer be valid. For a fleet, use a shared store (`@tokengate/redis`).
 *
 * @example
 * ```ts
 * const revocations = createMemoryRevocationStore();
 * const verifier = createVerifier({ issuers, revocation: revocations });
 * await revocations.revokeSubject({ issuer, subject: 'a1b2…' }); // global sign-out
 * ```
 */
export function createMemoryRevocationStore(
  options: MemoryRevocationStoreOptions = {},
): RevocationRegistry & { readonly size: number } {
  const maxEntries = positiveInteger(options.maxEntries, 'maxEntries', 100_000);
  // Values: for token entries, 0; for subject/client entries, the `before` time in seconds.
  const entries = new LRUCache<string, number>({ max: maxEntries, ttlAutopurge: false });

  function add(key: string, value: number, untilSeconds: number): void {
    const ttl = Math.ceil(untilSeconds * 1000 - Date.now());
    if (ttl <= 0) return; // Everything it covers has expired already.
    if (!entries.has(key) && entries.size >= maxEntries) {
      entries.purgeStale();
      if (entries.size >= maxEntries) {
        throw new RangeError('revocation store is full of live entries; raise maxEntries');
      }
    }
    // A later write never weakens an entry: the later cut-off wins, and so does the longer life.
    const remaining = entries.has(key) ? entries.getRemainingTTL(key) : 0;
    entries.set(key, Math.max(value, entries.get(key) ?? value), { ttl: Math.max(ttl, remaining) });
  }

  return {
    get size() {
      return entries.size;
    },
    isRevoked(token: VerifiedToken): boolean {
      return isRevokedBy(token, (key) => entries.get(key));
    },
    async revokeToken(entry: TokenRevocation) {
      add(revocationKeys.token(entry.issuer, entry.tokenId), 0, entry.expiresAt);
    },
    async revokeSubject(entry: SubjectRevocation) {
      const { before, until } = revocationCutOff(entry);
      add(revocationKeys.subject(entry.issuer, entry.subject), before, until);
    },
    async revokeClient(entry: ClientRevocation) {
      const { before, until } = revocationCutOff(entry);
      add(revocationKeys.client(entry.issuer, entry.clientId), before, until);
    },
  };
}
