/**
 * A JWS algorithm the test issuer can sign with (RFC 7518 §3, RFC 8037 §3.1).
 *
 * @example
 * ```ts
 * import type { TestAlgorithm } from '@tokengate/testing';
 * const alg: TestAlgorithm = 'ES256';
 * ```
 */
export type TestAlgorithm =
  'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

/**
 * Every {@link TestAlgorithm}, so a test can run the same scenario for each one.
 *
 * @example
 * ```ts
 * import { TEST_ALGORITHMS, createTestIssuer } from '@tokengate/testing';
 * for (const alg of TEST_ALGORITHMS) {
 *   const issuer = await createTestIssuer({ alg });
 *   // ...
 *   await issuer.close();
 * }
 * ```
 */
export const TEST_ALGORITHMS: readonly TestAlgorithm[] = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
]);
