import type { KeyObject } from 'node:crypto';
import type { TestAlgorithm } from './test-algorithm.js';

/**
 * Options of {@link createDpopKey}. Mistakes throw `TypeError`.
 *
 * @example
 * ```ts
 * const options: DpopKeyOptions = { alg: 'EdDSA' };
 * ```
 */
export interface DpopKeyOptions {
  /** The key's algorithm; any asymmetric {@link TestAlgorithm}. Default `'ES256'`. */
  alg?: TestAlgorithm;
}

/**
 * What signs a DPoP proof instead of the key that makes it, for negative tests
 * ({@link DpopProofOptions.signWith}):
 * - another {@link DpopKey}: a valid signature, but by a key other than the header's `jwk`;
 * - `{ alg: 'none' }`: an unsecured JWS (RFC 7515 Appendix A.5), empty signature;
 * - `{ alg: 'HS256' | 'HS384' | 'HS512', secret }`: an HMAC, which RFC 9449 §4.3 forbids.
 *
 * @example
 * ```ts
 * const signer: DpopSigner = { alg: 'HS256', secret: 'shared-secret' };
 * ```
 */
export type DpopSigner =
  | DpopKey
  | {
      /** An unsecured JWS: no signature at all. */
      readonly alg: 'none';
    }
  | {
      /** The HMAC algorithm, forbidden for proofs. */
      readonly alg: 'HS256' | 'HS384' | 'HS512';
      /** The HMAC key. */
      readonly secret: string | Uint8Array;
    };

/**
 * Options of {@link DpopKey.proof}. `method` and `url` are required; everything else has the
 * RFC 9449 §4.2 default. `header` and `claims` are merged last, and an `undefined` value deletes
 * a member, so a test can build any broken proof.
 *
 * @example
 * ```ts
 * const options: DpopProofOptions = {
 *   method: 'GET',
 *   url: 'https://api.example.com/orders',
 *   accessToken: 'eyJ…',
 *   header: { typ: 'JWT' }, // a wrong typ, on purpose
 * };
 * ```
 */
export interface DpopProofOptions {
  /** The request method, written as `htm` exactly as given (RFC 9110 §9.1: case-sensitive). */
  method: string;
  /** The absolute http(s) request URL; `htu` is this URL without query and fragment. */
  url: string | URL;
  /** The access token the proof accompanies: adds `ath`, base64url(SHA-256(token)) (§4.2). */
  accessToken?: string;
  /** A server-provided nonce (§8, §9): adds `nonce`. */
  nonce?: string;
  /** `iat`, in seconds since the epoch. Default: now. */
  iat?: number;
  /** `jti`. Default: a random UUID, so each proof is unique (§11.1). */
  jti?: string;
  /** Header members merged over `{ typ: 'dpop+jwt', alg, jwk }`; `undefined` deletes one. */
  header?: Record<string, unknown>;
  /** Claims merged over `{ jti, htm, htu, iat, ath?, nonce? }`; `undefined` deletes one. */
  claims?: Record<string, unknown>;
  /**
   * Signs with this instead of the key itself (negative tests). The header `alg` defaults to the
   * signer's algorithm and `jwk` stays this key's public JWK. Default: this key.
   */
  signWith?: DpopSigner;
}

/**
 * A client's DPoP key pair (RFC 9449 §2), made by {@link createDpopKey}: it signs proofs and
 * binds tokens from the test issuer (`issuer.accessToken({ dpop: key })`).
 *
 * @example
 * ```ts
 * const proof = await key.proof({ method: 'GET', url: 'https://api.example.com/orders' });
 * const token = await issuer.accessToken({ dpop: key });
 * ```
 */
export interface DpopKey {
  /** The algorithm the key signs proofs with (the proof header's `alg`). */
  readonly alg: TestAlgorithm;
  /** The public JWK written into each proof's `jwk` header: only the key type's public members. */
  readonly publicJwk: Readonly<Record<string, string>>;
  /** The RFC 7638 SHA-256 thumbprint of {@link DpopKey.publicJwk}, base64url: a bound token's `cnf.jkt`. */
  readonly thumbprint: string;
  /** The private half, for a test that signs something by hand. */
  readonly privateKey: KeyObject;
  /** The public half. */
  readonly publicKey: KeyObject;
  /** A compact DPoP proof JWT (RFC 9449 §4.2) for one request. Option mistakes reject with `TypeError`. */
  proof(options: DpopProofOptions): Promise<string>;
}
