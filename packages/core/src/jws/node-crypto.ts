import * as crypto from 'node:crypto';
import {
  constants,
  createPublicKey,
  verify as cryptoVerify,
  type KeyObject,
  type VerifyKeyObjectInput,
} from 'node:crypto';
import type { Algorithm } from '../lib/types.js';
import type { AlgorithmSpec } from './algorithms.js';
import type { CryptoBackend } from './crypto-backend.js';
import type { JwksKey } from './jwk-import.js';
import type { PublicKeyFacts } from './public-jwk.js';

// The Node backend of the crypto seam (jws/crypto-backend.ts), chosen through the `node`
// condition of `#crypto-backend`: synchronous `crypto.verify`, Buffer's native base64url, and
// the libuv thread pool on request. Every check of what a key or signature may be is made
// before it is called.

type VerifyInput = VerifyKeyObjectInput | KeyObject;

/** `crypto.verify`'s digest names for the JOSE hashes. */
const DIGESTS = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' } as const;

// crypto.hash() (Node ≥ 20.12) hashes in one call without a Hash object; read off the namespace,
// since a named import of an export older Nodes lack would fail to link.
const oneShotHash = crypto.hash as typeof crypto.hash | undefined;

function importJwk(facts: PublicKeyFacts): object | undefined {
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey({ key: { ...facts.jwk }, format: 'jwk' });
  } catch {
    return undefined;
  }
  // OpenSSL must read the key as what its members said (and, for EC, find the point on the curve).
  const details = keyObject.asymmetricKeyDetails ?? {};
  if (keyObject.asymmetricKeyType !== facts.keyType) return undefined;
  if (details.namedCurve !== facts.namedCurve) return undefined;
  return keyObject;
}

function importSpkiP256(pem: string): Promise<object> {
  const keyObject = createPublicKey({ key: pem, format: 'pem' });
  if (
    keyObject.asymmetricKeyType !== 'ec' ||
    keyObject.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
  ) {
    return Promise.reject(new Error('key is not an EC P-256 public key'));
  }
  return Promise.resolve(keyObject);
}

/** The options object `crypto.verify` needs for this key and algorithm, built once per key. */
function verifyInput(key: JwksKey, alg: Algorithm, spec: AlgorithmSpec): VerifyInput {
  let input = key.inputs.get(alg) as VerifyInput | undefined;
  if (input === undefined) {
    const keyObject = key.material as KeyObject;
    if (spec.keyType === 'ec') input = { key: keyObject, dsaEncoding: 'ieee-p1363' };
    else if (spec.pssSaltLength !== undefined) {
      input = {
        key: keyObject,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: spec.pssSaltLength,
      };
    }
    // PKCS#1 v1.5 is crypto.verify's default for RSA: a bare KeyObject skips option parsing.
    else input = keyObject;
    key.inputs.set(alg, input);
  }
  return input;
}

function verify(
  alg: Algorithm,
  spec: AlgorithmSpec,
  key: JwksKey,
  signingInput: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    const digest = spec.hash === null ? null : DIGESTS[spec.hash];
    return cryptoVerify(digest, signingInput, verifyInput(key, alg, spec), signature);
  } catch {
    return false;
  }
}

function verifyOffThread(
  alg: Algorithm,
  spec: AlgorithmSpec,
  key: JwksKey,
  signingInput: Uint8Array,
  signature: Uint8Array,
  done: (valid: boolean) => void,
): void {
  try {
    const digest = spec.hash === null ? null : DIGESTS[spec.hash];
    cryptoVerify(digest, signingInput, verifyInput(key, alg, spec), signature, (error, valid) =>
      done(error === null && valid),
    );
  } catch {
    done(false);
  }
}

export const backend: CryptoBackend = {
  name: 'node',
  importJwk,
  importSpkiP256,
  verify,
  verifyOffThread,
  // Buffer's decoder is native; compact-jws.ts checks that its lenient result is exact.
  decodeBase64Url: (segment) => Buffer.from(segment, 'base64url'),
  asciiBytes: (text) => Buffer.from(text, 'latin1'),
  sha256: (data) =>
    oneShotHash === undefined
      ? crypto.createHash('sha256').update(data).digest()
      : oneShotHash('sha256', data, 'buffer'),
};
