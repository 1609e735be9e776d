import { backend } from '#crypto-backend';
import { LRUCache } from 'lru-cache';
import type { JwksKey } from '../jws/jwk-import.js';
import { readPublicJwk, type PublicJwk } from '../jws/public-jwk.js';

/** A proof key (the `jwk` header of a DPoP proof), imported and checked once. */
export interface ProofKey {
  readonly key: JwksKey;
  /** The public members alone, as `readPublicJwk` read them. */
  readonly jwk: PublicJwk;
  /** Its RFC 7638 thumbprint, once computed (dpop/proof-check.ts sets it). */
  thumbprint: string | undefined;
}

/**
 * Proof keys already seen. A client signs every proof with the same key, so importing it
 * (and, for EC keys, checking the point is on its curve, jws/curve-point.ts) once saves most of
 * a proof check. Only keys that passed a whole check are admitted, i.e. keys bound to a valid
 * token: junk proofs never fill it. Bounded by entries and by bytes.
 */
export interface ProofKeyCache {
  /** The key the `jwk` header describes, cached or freshly imported; `undefined` if unusable. */
  get(jwk: Readonly<Record<string, unknown>>): ProofKey | undefined;
  /** Keeps a key that passed a whole proof check. */
  admit(key: ProofKey): void;
}

/** Heap cost of a key: its members, the imported key (a KeyObject, about 1 KB) and bookkeeping. */
function keySize(key: ProofKey): number {
  return 2 * key.key.fingerprint.length + 2048;
}

export function createProofKeyCache(maxEntries: number, maxBytes: number): ProofKeyCache {
  let keys: LRUCache<string, ProofKey> | undefined;
  return {
    get(jwk) {
      const { kty, crv, x, y, n, e } = jwk;
      // The member that differs between any two keys names the entry; every member is still
      // compared, so a look-alike `jwk` never borrows another key's entry.
      const id = kty === 'RSA' ? n : x;
      if (typeof id === 'string' && keys !== undefined) {
        const hit = keys.get(id);
        if (
          hit !== undefined &&
          hit.jwk.kty === kty &&
          hit.jwk.crv === crv &&
          hit.jwk.x === x &&
          hit.jwk.y === y &&
          hit.jwk.n === n &&
          hit.jwk.e === e
        ) {
          return hit;
        }
      }
      // Key type, curve, coordinate sizes, the point on its curve, RSA ≥ 2048 bits: the same
      // checks as for an issuer's keys, on every backend, before the backend imports it.
      const facts = readPublicJwk(jwk);
      if (facts === undefined) return undefined;
      const material = backend.importJwk(facts);
      if (material === undefined) return undefined;
      return {
        key: {
          kid: undefined,
          alg: undefined,
          keyType: facts.keyType,
          namedCurve: facts.namedCurve,
          material,
          fingerprint: facts.fingerprint,
          inputs: new Map(),
        },
        jwk: facts.jwk,
        thumbprint: undefined,
      };
    },
    admit(key) {
      keys ??= new LRUCache<string, ProofKey>({
        max: maxEntries,
        maxSize: maxBytes,
        sizeCalculation: keySize,
      });
      const id = key.jwk.kty === 'RSA' ? key.jwk.n : key.jwk.x;
      if (id !== undefined && keys.peek(id) !== key) keys.set(id, key);
    },
  };
}
