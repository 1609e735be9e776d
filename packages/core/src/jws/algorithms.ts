import type { Algorithm } from '../lib/types.js';

/**
 * How one JWS algorithm is checked (RFC 7518 §3.3–3.5, RFC 8037 §3.1), in terms both crypto
 * backends read: jws/node-crypto.ts maps it to `crypto.verify`, jws/web-crypto.ts to
 * `crypto.subtle.verify`.
 */
export interface AlgorithmSpec {
  /** The hash, `SHA-256`…`SHA-512`; `null` for EdDSA, which hashes internally. */
  readonly hash: 'SHA-256' | 'SHA-384' | 'SHA-512' | null;
  /** The key type the key must have (Node's `asymmetricKeyType` names). */
  readonly keyType: 'rsa' | 'ec' | 'ed25519';
  /** Required curve for ECDSA (Node's `namedCurve` names). */
  readonly namedCurve?: 'prime256v1' | 'secp384r1' | 'secp521r1';
  /** Exact signature length for ECDSA in JOSE's raw R||S form (RFC 7518 §3.4). */
  readonly signatureBytes?: number;
  /** RFC 7518 §3.5: RSASSA-PSS with MGF1 and a salt as long as the hash (bytes). */
  readonly pssSaltLength?: number;
}

export const ALGORITHMS: Readonly<Record<Algorithm, AlgorithmSpec>> = {
  // RSASSA-PKCS1-v1_5 (RFC 7518 §3.3).
  RS256: { hash: 'SHA-256', keyType: 'rsa' },
  RS384: { hash: 'SHA-384', keyType: 'rsa' },
  RS512: { hash: 'SHA-512', keyType: 'rsa' },
  PS256: { hash: 'SHA-256', keyType: 'rsa', pssSaltLength: 32 },
  PS384: { hash: 'SHA-384', keyType: 'rsa', pssSaltLength: 48 },
  PS512: { hash: 'SHA-512', keyType: 'rsa', pssSaltLength: 64 },
  ES256: { hash: 'SHA-256', keyType: 'ec', namedCurve: 'prime256v1', signatureBytes: 64 },
  ES384: { hash: 'SHA-384', keyType: 'ec', namedCurve: 'secp384r1', signatureBytes: 96 },
  ES512: { hash: 'SHA-512', keyType: 'ec', namedCurve: 'secp521r1', signatureBytes: 132 },
  EdDSA: { hash: null, keyType: 'ed25519' },
};

export const SUPPORTED_ALGORITHMS = Object.freeze(Object.keys(ALGORITHMS)) as readonly Algorithm[];

export function isSupportedAlgorithm(alg: unknown): alg is Algorithm {
  return typeof alg === 'string' && Object.hasOwn(ALGORITHMS, alg);
}
