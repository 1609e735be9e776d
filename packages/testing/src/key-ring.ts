import { generateKeyPair as generateNodeKeyPair, KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { CryptoKey } from 'jose';
import type { TestAlgorithm } from './test-algorithm.js';
import type { AddKeyOptions, TestJwk, TestJwks, TestKey } from './key-types.js';
import { assertTestAlgorithm, keyTypeOf } from './algorithms.js';
import { loadJose } from './load-jose.js';

const generateNodeKeyPairAsync = promisify(generateNodeKeyPair);

/** jose refuses RSA keys below 2048 bits (RFC 7518 §3.3), so weaker ones are made by node. */
const JOSE_MIN_RSA_BITS = 2048;

/** A key of the ring: the public {@link TestKey} plus what the signer needs. */
export interface IssuerKey extends TestKey {
  readonly jwk: TestJwk;
  /** The Web Crypto key jose signs with; `undefined` for keys jose would refuse (weak RSA). */
  readonly cryptoKey: CryptoKey | undefined;
}

export interface KeyRing {
  readonly current: IssuerKey;
  add(key: IssuerKey): void;
  makeCurrent(kid: string): void;
  remove(kid: string): void;
  get(kid: string): IssuerKey;
  list(): readonly IssuerKey[];
  jwks(): TestJwks;
}

export async function generateIssuerKey(
  defaultAlg: TestAlgorithm,
  options: AddKeyOptions = {},
): Promise<IssuerKey> {
  const alg = options.alg ?? defaultAlg;
  assertTestAlgorithm(alg, 'alg');
  const { kid, rsaModulusLength, use = 'sig' } = options;
  if (kid !== undefined && (typeof kid !== 'string' || kid === '')) {
    throw new TypeError('kid must be a non-empty string');
  }
  if (typeof use !== 'string' || use === '') throw new TypeError('use must be a non-empty string');
  if (rsaModulusLength !== undefined) {
    if (keyTypeOf(alg) !== 'RSA') throw new TypeError(`rsaModulusLength does not apply to ${alg}`);
    if (!Number.isInteger(rsaModulusLength) || rsaModulusLength < 512) {
      throw new TypeError('rsaModulusLength must be an integer of at least 512');
    }
  }

  const { calculateJwkThumbprint, exportJWK, generateKeyPair } = await loadJose();
  let privateKey: KeyObject;
  let publicKey: KeyObject;
  let cryptoKey: CryptoKey | undefined;
  if (rsaModulusLength !== undefined && rsaModulusLength < JOSE_MIN_RSA_BITS) {
    ({ privateKey, publicKey } = await generateNodeKeyPairAsync('rsa', {
      modulusLength: rsaModulusLength,
    }));
  } else {
    const pair = await generateKeyPair(alg, {
      extractable: true,
      ...(rsaModulusLength === undefined ? {} : { modulusLength: rsaModulusLength }),
    });
    privateKey = KeyObject.from(pair.privateKey);
    publicKey = KeyObject.from(pair.publicKey);
    cryptoKey = pair.privateKey;
  }

  const exported = await exportJWK(publicKey);
  const jwk: TestJwk = {
    ...exported,
    kty: exported.kty ?? keyTypeOf(alg),
    kid: kid ?? (await calculateJwkThumbprint(exported)),
    alg,
    use,
  };
  Object.freeze(jwk);
  return Object.freeze({
    kid: jwk.kid,
    alg,
    privateKey,
    publicKey,
    publicJwk: jwk,
    jwk,
    cryptoKey,
  });
}

/** The issuer's keys in publication order, and which one signs by default. */
export function createKeyRing(first: IssuerKey): KeyRing {
  const keys: IssuerKey[] = [first];
  let current = first;

  function get(kid: string): IssuerKey {
    const key = keys.find((candidate) => candidate.kid === kid);
    if (key === undefined) throw new TypeError(`no published key has kid ${JSON.stringify(kid)}`);
    return key;
  }

  return {
    get current() {
      return current;
    },
    add(key) {
      // Duplicate kids would make `kid`-based selection and removal ambiguous.
      if (keys.some((candidate) => candidate.kid === key.kid)) {
        throw new TypeError(`a key with kid ${JSON.stringify(key.kid)} is already published`);
      }
      keys.push(key);
    },
    makeCurrent(kid) {
      current = get(kid);
    },
    remove(kid) {
      if (typeof kid !== 'string') throw new TypeError('kid must be a string');
      const key = get(kid);
      if (key === current) {
        throw new TypeError('the current key cannot be removed; rotateKeys() first');
      }
      keys.splice(keys.indexOf(key), 1);
    },
    get,
    list: () => [...keys],
    // Fresh copies, so a test that edits the result cannot change what the server publishes.
    jwks: () => ({ keys: keys.map((key) => ({ ...key.jwk })) }),
  };
}
