export { createTestIssuer } from './test-issuer.js';
export { createDpopKey } from './dpop-key.js';
export { x509Thumbprint } from './certificate-thumbprint.js';
export type { TestCertificate } from './certificate-thumbprint.js';
export type { DpopKey, DpopKeyOptions, DpopProofOptions, DpopSigner } from './dpop-types.js';
export { TEST_ALGORITHMS } from './test-algorithm.js';
export type { TestAlgorithm } from './test-algorithm.js';
export type {
  AddKeyOptions,
  OutageMode,
  OutageOptions,
  RotateKeysOptions,
  TestClient,
  SignOptions,
  TestIssuer,
  TestIssuerOptions,
  TestIssuerStats,
  TestJwk,
  TestJwks,
  TestKey,
  TokenOptions,
} from './types.js';
