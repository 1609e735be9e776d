import { backend } from '#crypto-backend';
import type { Algorithm } from '../lib/types.js';
import { ALGORITHMS, isSupportedAlgorithm } from './algorithms.js';
import { readPublicJwk } from './public-jwk.js';

/**
 * One usable verification key from a JWKS, imported once and reused for every token.
 *
 * @example
 * ```ts
 * const key: JwksKey = await jwks.getKey('https://auth.example.com/.well-known/jwks.json', header.kid, 'RS256');
 * console.log(key.kid, key.keyType); // e.g. 'k1', 'rsa'
 * ```
 */
export interface JwksKey {
  /** The JWK's `kid`, when it has one. */
  readonly kid: string | undefined;
  /** The JWK's own `alg`, when it pins one (RFC 7517 §4.4). */
  readonly alg: Algorithm | undefined;
  /** The key type, as Node names it: `rsa`, `ec`, `ed25519`. */
  readonly keyType: string;
  /** An EC key's curve, as Node names it (`prime256v1`…); `undefined` for other types. */
  readonly namedCurve: string | undefined;
  /**
   * The crypto backend's key (jws/crypto-backend.ts): a `KeyObject` on Node, the public JWK
   * (or imported SPKI key) on Web Crypto. Opaque to everything but the backend.
   */
  readonly material: object;
  /** The key's public members: equal fingerprints mean the same key (see `importKeySet`). */
  readonly fingerprint: string;
  /**
   * What the backend needs per algorithm, built on first use and kept, so the hot path
   * allocates nothing: `crypto.verify` options on Node, the imported `CryptoKey` on Web Crypto.
   */
  readonly inputs: Map<Algorithm, unknown>;
}

export interface KeySet {
  readonly byKid: ReadonlyMap<string, readonly JwksKey[]>;
  readonly all: readonly JwksKey[];
  /** JWKs that were present but unusable (wrong `use`, unknown `kty`, weak RSA, …). */
  readonly skipped: number;
  /** Of those, JWKs carrying private key material (see `hasPrivateMembers`). */
  readonly exposed: number;
}

/** A JWKS larger than this is not a key set anyone publishes; the rest is ignored. */
const MAX_KEYS = 100;

/**
 * Imports the usable signature keys of a JWKS document; returns `undefined` if it is not one.
 * Keys also present in `previous` keep their identity, so their warm verify inputs and the
 * verdicts cached against them survive a refresh.
 */
export function importKeySet(document: unknown, previous?: KeySet): KeySet | undefined {
  if (typeof document !== 'object' || document === null) return undefined;
  const keys = (document as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) return undefined;
  const byKid = new Map<string, JwksKey[]>();
  const all: JwksKey[] = [];
  let skipped = 0;
  let exposed = 0;
  for (const jwk of keys.slice(0, MAX_KEYS)) {
    // A key whose private half is published verifies nothing: anyone holding the set can sign.
    const leaked = hasPrivateMembers(jwk);
    if (leaked) exposed += 1;
    const imported = leaked ? undefined : importJwk(jwk);
    if (imported === undefined) {
      skipped += 1;
      continue;
    }
    const key = previous === undefined ? imported : (sameKey(previous, imported) ?? imported);
    all.push(key);
    if (key.kid !== undefined) {
      const sameKid = byKid.get(key.kid);
      if (sameKid === undefined) byKid.set(key.kid, [key]);
      else sameKid.push(key);
    }
  }
  return { byKid, all, skipped: skipped + Math.max(0, keys.length - MAX_KEYS), exposed };
}

// RFC 7518 §6.2.2 (EC `d`), §6.3.2 (RSA `d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`), §6.4.1 (`oct`
// `k`, a shared secret) and RFC 8037 §2 (OKP `d`): members only a signer may hold.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** Whether a JWK carries private key material; a verifier must never hold any. */
export function hasPrivateMembers(jwk: unknown): boolean {
  if (typeof jwk !== 'object' || jwk === null) return false;
  const record = jwk as Record<string, unknown>;
  return PRIVATE_MEMBERS.some((member) => record[member] !== undefined);
}

function sameKey(keySet: KeySet, key: JwksKey): JwksKey | undefined {
  const candidates = key.kid === undefined ? keySet.all : (keySet.byKid.get(key.kid) ?? []);
  return candidates.find(
    (old) => old.kid === key.kid && old.alg === key.alg && old.fingerprint === key.fingerprint,
  );
}

function importJwk(jwk: unknown): JwksKey | undefined {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return undefined;
  const { kid, use, alg, key_ops: keyOps } = jwk as Record<string, unknown>;
  if (kid !== undefined && typeof kid !== 'string') return undefined;
  // RFC 7517 §4.2–4.3: a key published for encryption must never verify signatures.
  if (use !== undefined && use !== 'sig') return undefined;
  if (keyOps !== undefined && !(Array.isArray(keyOps) && keyOps.includes('verify'))) {
    return undefined;
  }
  if (alg !== undefined && !isSupportedAlgorithm(alg)) return undefined;
  // Key type, curve, coordinate sizes and RSA size are checked here, the same on every backend;
  // only the public members reach the backend (a JWK with private ones never gets here, see
  // `hasPrivateMembers`): whatever else a JWK carries must not end up in an imported key.
  const facts = readPublicJwk(jwk as Record<string, unknown>);
  if (facts === undefined) return undefined;
  const material = backend.importJwk(facts);
  if (material === undefined) return undefined;
  return {
    kid,
    alg,
    keyType: facts.keyType,
    namedCurve: facts.namedCurve,
    material,
    fingerprint: facts.fingerprint,
    inputs: new Map(),
  };
}

/**
 * A set given to a verifier (`jwks`, `hydrate()`) that holds private key material (`d`, RSA
 * primes, an `oct` secret) means the signing key is being handed around: refused at once rather
 * than quietly stripped, and the document, which the issuer keeps, never holds a secret.
 */
export function privateMaterialRefused(keys: KeySet, label: string): void {
  if (keys.exposed > 0) {
    throw new TypeError(
      `${label}: jwks holds private key material in ${keys.exposed} key(s) (d, p, q, dp, dq, qi, oth or k): ` +
        'give a verifier the public keys only (RFC 7517 §9.2)',
    );
  }
}

/** Whether `key` may verify a signature made with `alg` (RFC 8725 §3.1: alg must fit the key). */
export function keyFitsAlgorithm(key: JwksKey, alg: Algorithm): boolean {
  if (key.alg !== undefined && key.alg !== alg) return false;
  const spec = ALGORITHMS[alg];
  return (
    key.keyType === spec.keyType &&
    (spec.namedCurve === undefined || key.namedCurve === spec.namedCurve)
  );
}

/**
 * Picks the key for a token: by `kid` when the token names one; without a `kid`, only when
 * exactly one key of the set fits the algorithm, so no key is ever guessed.
 */
export function selectKey(
  keySet: KeySet,
  kid: string | undefined,
  alg: Algorithm,
): JwksKey | undefined {
  if (kid !== undefined) {
    const candidates = keySet.byKid.get(kid);
    if (candidates === undefined) return undefined;
    for (const key of candidates) if (keyFitsAlgorithm(key, alg)) return key;
    return undefined;
  }
  let found: JwksKey | undefined;
  for (const key of keySet.all) {
    if (!keyFitsAlgorithm(key, alg)) continue;
    if (found !== undefined) return undefined;
    found = key;
  }
  return found;
}
