import { constants, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto';
import type { Algorithm } from '../lib/types.js';

/** How one JWS algorithm is checked with `node:crypto` (RFC 7518 §3.3–3.5, RFC 8037 §3.1). */
export interface AlgorithmSpec {
  /** Digest for `crypto.verify`; `null` for EdDSA, which hashes internally. */
  readonly digest: string | null;
  /** `asymmetricKeyType` the key must have. */
  readonly keyType: 'rsa' | 'ec' | 'ed25519';
  /** Required curve for ECDSA (`asymmetricKeyDetails.namedCurve`). */
  readonly namedCurve?: string;
  /** Exact signature length for ECDSA in JOSE's raw R||S form (RFC 7518 §3.4). */
  readonly signatureBytes?: number;
  readonly padding?: number;
  readonly saltLength?: number;
}

export const ALGORITHMS: Readonly<Record<Algorithm, AlgorithmSpec>> = {
  // PKCS#1 v1.5, crypto.verify's default padding for RSA keys.
  RS256: { digest: 'sha256', keyType: 'rsa' },
  RS384: { digest: 'sha384', keyType: 'rsa' },
  RS512: { digest: 'sha512', keyType: 'rsa' },
  // RFC 7518 §3.5: PSS with MGF1 and a salt as long as the hash.
  PS256: {
    digest: 'sha256',
    keyType: 'rsa',
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: 32,
  },
  PS384: {
    digest: 'sha384',
    keyType: 'rsa',
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: 48,
  },
  PS512: {
    digest: 'sha512',
    keyType: 'rsa',
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: 64,
  },
  ES256: { digest: 'sha256', keyType: 'ec', namedCurve: 'prime256v1', signatureBytes: 64 },
  ES384: { digest: 'sha384', keyType: 'ec', namedCurve: 'secp384r1', signatureBytes: 96 },
  ES512: { digest: 'sha512', keyType: 'ec', namedCurve: 'secp521r1', signatureBytes: 132 },
  EdDSA: { digest: null, keyType: 'ed25519' },
};

export const SUPPORTED_ALGORITHMS = Object.freeze(Object.keys(ALGORITHMS)) as readonly Algorithm[];

export function isSupportedAlgorithm(alg: unknown): alg is Algorithm {
  return typeof alg === 'string' && Object.hasOwn(ALGORITHMS, alg);
}

/** The options object `crypto.verify` needs for this key and algorithm, built once per key. */
export function verifyInput(key: KeyObject, spec: AlgorithmSpec): VerifyKeyObjectInput | KeyObject {
  if (spec.keyType === 'ec') return { key, dsaEncoding: 'ieee-p1363' };
  // PKCS#1 v1.5 is crypto.verify's default for RSA: a bare KeyObject skips option parsing.
  if (spec.padding === undefined || spec.saltLength === undefined) return key;
  return { key, padding: spec.padding, saltLength: spec.saltLength };
}
