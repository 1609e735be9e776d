import { TEST_ALGORITHMS } from './test-algorithm.js';
import type { TestAlgorithm } from './test-algorithm.js';

/** JWK `kty` a key must have to sign with an algorithm (RFC 7518 §6.1, RFC 8037 §2). */
export type KeyType = 'RSA' | 'EC' | 'OKP';

export function isTestAlgorithm(value: unknown): value is TestAlgorithm {
  return typeof value === 'string' && (TEST_ALGORITHMS as readonly string[]).includes(value);
}

export function assertTestAlgorithm(value: unknown, name: string): asserts value is TestAlgorithm {
  if (!isTestAlgorithm(value)) {
    throw new TypeError(`${name} must be one of ${TEST_ALGORITHMS.join(', ')}`);
  }
}

export function keyTypeOf(alg: TestAlgorithm): KeyType {
  if (alg === 'EdDSA') return 'OKP';
  return alg.startsWith('ES') ? 'EC' : 'RSA';
}

/** Node digest name of an RS/PS/ES algorithm; EdDSA hashes internally (RFC 8032), so `null`. */
export function digestOf(alg: TestAlgorithm): string | null {
  if (alg === 'EdDSA') return null;
  return `sha${alg.slice(2)}`;
}
