import { LRUCache } from 'lru-cache';
import { assertKnownKeys, optionKeys, positiveInteger } from '../lib/options.js';
import type {
  ClientRevocation,
  RevocationCheckContext,
  RevocationRegistry,
  SubjectRevocation,
  TokenRevocation,
} from './revocation.js';
import { entryLifetimeOption, prepareRevocation, type RevocationKind } from './revocation-entry.js';
import { isRevokedBy } from './revocation-keys.js';
import type { VerifiedToken } from '../lib/types.js';

/**
 * Options of {@link createMemoryRevocationStore}. Checked at creation, with `TypeError`.
 *
 * @example
 * ```ts
 * const revocations = createMemoryRevocationStore({ maxEntries: 10_000, entryLifetimeSeconds: 28 * 3600 });
 * ```
 */
export interface MemoryRevocationStoreOptions {
  /** Entries kept at once. Default 100000. When full of live entries, a new revocation is refused (never dropped silently). */
  readonly maxEntries?: number;
  /**
   * How long an "issued before" entry covers tokens after its cut-off, in whole seconds (at
   * most a year). Default 86400. A verifier using this store refuses tokens that live longer
   * (`TOKEN_LIFETIME_EXCEEDED`): raise it for issuers with longer-lived tokens (Entra ID CAE:
   * 28 h; Auth0: up to 30 days).
   */
  readonly entryLifetimeSeconds?: number;
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
): RevocationRegistry & {
  /** Live entries in the map. */
  readonly size: number;
  /** See {@link MemoryRevocationStoreOptions.entryLifetimeSeconds}. */
  readonly entryLifetimeSeconds: number;
} {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createMemoryRevocationStore options must be an object');
  }
  assertKnownKeys(options, MEMORY_STORE_OPTION_KEYS, 'createMemoryRevocationStore');
  const maxEntries = positiveInteger(options.maxEntries, 'maxEntries', 100_000);
  const entryLifetimeSeconds = entryLifetimeOption(options.entryLifetimeSeconds);
  // Values: for token entries, 0; for subject/client entries, the `before` time in seconds.
  const entries = new LRUCache<string, number>({ max: maxEntries, ttlAutopurge: false });
  const lookup = (key: string): number | undefined => entries.get(key);

  /** Validates (TypeError on any mistake, nothing stored) and merges the entry. */
  async function revoke(kind: RevocationKind, entry: unknown): Promise<void> {
    const { keys, value, until } = prepareRevocation(kind, entry, entryLifetimeSeconds);
    const ttl = Math.ceil(until * 1000 - Date.now());
    if (ttl <= 0) return; // Everything it covers has expired already.
    const fresh = keys.filter((key) => !entries.has(key)).length;
    if (fresh > 0 && entries.size + fresh > maxEntries) {
      entries.purgeStale();
      if (entries.size + fresh > maxEntries) {
        throw new RangeError('revocation store is full of live entries; raise maxEntries');
      }
    }
    for (const key of keys) {
      // A later write never weakens an entry: the later cut-off wins, and so does the longer life.
      const remaining = entries.has(key) ? entries.getRemainingTTL(key) : 0;
      entries.set(key, Math.max(value, entries.get(key) ?? value), {
        ttl: Math.max(ttl, remaining),
      });
    }
  }

  return {
    get size() {
      return entries.size;
    },
    entryLifetimeSeconds,
    isRevoked(token: VerifiedToken, context?: RevocationCheckContext): boolean {
      return isRevokedBy(token, lookup, context);
    },
    revokeToken: (entry: TokenRevocation) => revoke('token', entry),
    revokeSubject: (entry: SubjectRevocation) => revoke('subject', entry),
    revokeClient: (entry: ClientRevocation) => revoke('client', entry),
  };
}

const MEMORY_STORE_OPTION_KEYS = optionKeys<MemoryRevocationStoreOptions>({
  maxEntries: true,
  entryLifetimeSeconds: true,
});
