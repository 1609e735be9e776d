import type { KeyObject } from 'node:crypto';
import type { TestAlgorithm } from './test-algorithm.js';

/**
 * Options of {@link TestIssuer.addKey}.
 *
 * @example
 * ```ts
 * await issuer.addKey({ alg: 'RS256', rsaModulusLength: 1024, kid: 'weak' });
 * ```
 */
export interface AddKeyOptions {
  /** Default: the issuer's `alg`. */
  alg?: TestAlgorithm;
  /** Default: the RFC 7638 thumbprint of the public key. Must be unique. */
  kid?: string;
  /** RSA only; at least 512. Below 2048 the key is weak on purpose. Default 2048. */
  rsaModulusLength?: number;
  /** The JWK `use`. Default `'sig'`. */
  use?: string;
}

/**
 * Options of {@link TestIssuer.rotateKeys}.
 *
 * @example
 * ```ts
 * await issuer.rotateKeys({ alg: 'ES256' });
 * ```
 */
export interface RotateKeysOptions {
  /** Default: the current key's `alg`. */
  alg?: TestAlgorithm;
}

/**
 * A public key as published in the JWKS.
 *
 * @example
 * ```ts
 * const jwk: TestJwk = issuer.jwks().keys[0]!;
 * ```
 */
export interface TestJwk {
  /** Key type: `RSA`, `EC` or `OKP` (RFC 7518 §6.1, RFC 8037). */
  kty: string;
  /** Key id, matched against a token's `kid` header. */
  kid: string;
  /** The one algorithm this key signs with (RFC 7517 §4.4). */
  alg: string;
  /** Public key use, `sig` unless {@link AddKeyOptions.use} said otherwise. */
  use: string;
  [parameter: string]: unknown;
}

/**
 * A JWK Set (RFC 7517 §5).
 *
 * @example
 * ```ts
 * const { keys }: TestJwks = issuer.jwks();
 * ```
 */
export interface TestJwks {
  /** The published keys, current key included. */
  keys: TestJwk[];
}

/**
 * A key pair of the issuer, exposed so tests can hand-craft adversarial tokens.
 *
 * @example
 * ```ts
 * const [key] = issuer.keys();
 * crypto.sign('sha256', data, key!.privateKey);
 * ```
 */
export interface TestKey {
  /** Key id, as published in the JWKS. */
  readonly kid: string;
  /** The algorithm the key signs with. */
  readonly alg: TestAlgorithm;
  /** The private half, to sign tokens by hand. */
  readonly privateKey: KeyObject;
  /** The public half. */
  readonly publicKey: KeyObject;
  /** The public key as the JWKS publishes it. */
  readonly publicJwk: Record<string, unknown>;
}
