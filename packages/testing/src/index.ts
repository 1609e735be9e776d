/**
 * Test helpers for apps that use tokengate: a real OpenID Connect / Cognito-like issuer on
 * 127.0.0.1 with a JWKS, discovery, key rotation and outages on demand, plus DPoP keys and
 * certificate thumbprints. Real keys and real HTTP, so tests exercise the same code as
 * production.
 *
 * @example
 * ```ts
 * import { createVerifier, oidcIssuer } from '@tokengate/core';
 * import { createTestIssuer } from '@tokengate/testing';
 *
 * const issuer = await createTestIssuer();
 * const verifier = createVerifier({
 *   issuers: [oidcIssuer({ issuer: issuer.issuer, audience: issuer.audience })],
 * });
 * const auth = await verifier.verify(await issuer.accessToken({ scopes: ['orders:read'] }));
 * await issuer.close();
 * ```
 *
 * @module \@tokengate/testing
 */
export { createTestIssuer } from './test-issuer.js';
export { createDpopKey } from './dpop-key.js';
export { x509Thumbprint } from './certificate-thumbprint.js';
export type { TestCertificate } from './certificate-thumbprint.js';
export type { DpopKey, DpopKeyOptions, DpopProofOptions, DpopSigner } from './dpop-types.js';
export { TEST_ALGORITHMS } from './test-algorithm.js';
export type { TestAlgorithm } from './test-algorithm.js';
export type {
  OutageMode,
  OutageOptions,
  TestClient,
  SignOptions,
  TestIssuer,
  TestIssuerOptions,
  TestIssuerStats,
  TokenOptions,
} from './types.js';
export type { AddKeyOptions, RotateKeysOptions, TestJwk, TestJwks, TestKey } from './key-types.js';
