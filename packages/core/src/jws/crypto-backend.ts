import type { Algorithm } from '../lib/types.js';
import type { AlgorithmSpec } from './algorithms.js';
import type { JwksKey } from './jwk-import.js';
import type { PublicKeyFacts } from './public-jwk.js';

/**
 * The crypto seam. Everything that depends on the platform's crypto (and on `Buffer`, for
 * speed) sits behind this one shape, with two implementations chosen by the package's
 * `#crypto-backend` import conditions: jws/node-crypto.ts (`node:crypto`, on Node) and
 * jws/web-crypto.ts (`crypto.subtle`, everywhere else). What a key must be, which algorithm it
 * may serve and how a signature must look are decided once, before either is asked
 * (jws/public-jwk.ts, jws/jwk-import.ts, jws/signature.ts): a backend only imports and verifies.
 */
export interface CryptoBackend {
  readonly name: 'node' | 'web';
  /**
   * Imports a public key whose members were already checked; `undefined` when the platform
   * refuses it. Synchronous on both backends: Web Crypto's import is deferred to the first
   * verification with each algorithm and then kept (`JwksKey.inputs`).
   */
  importJwk(facts: PublicKeyFacts): object | undefined;
  /** Imports an SPKI PEM holding an EC P-256 key (the ALB's keys); rejects for any other key. */
  importSpkiP256(pem: string): Promise<object>;
  /** Checks a signature whose shape already passed; never throws or rejects. */
  verify(
    alg: Algorithm,
    spec: AlgorithmSpec,
    key: JwksKey,
    signingInput: Uint8Array,
    signature: Uint8Array,
  ): boolean | Promise<boolean>;
  /** The same check on libuv's thread pool, calling `done` once; Node only. */
  readonly verifyOffThread:
    | ((
        alg: Algorithm,
        spec: AlgorithmSpec,
        key: JwksKey,
        signingInput: Uint8Array,
        signature: Uint8Array,
        done: (valid: boolean) => void,
      ) => void)
    | undefined;
  /** Lenient base64url decoding; jws/compact-jws.ts checks the result is exact. */
  decodeBase64Url(segment: string): Uint8Array;
  /** The bytes of an ASCII string (what a JWS signing input is, RFC 7515 §5.2). */
  asciiBytes(text: string): Uint8Array;
  /**
   * SHA-256 of `data` (a string is hashed as its UTF-8 bytes): DPoP's `ath` and JWK thumbprints
   * (RFC 9449 §4.2, RFC 7638 §3), and the HMAC of its server nonces. Synchronous on Node (one
   * native call); Web Crypto's `digest` only answers with a promise.
   */
  sha256(data: string | Uint8Array): Uint8Array | Promise<Uint8Array>;
}
