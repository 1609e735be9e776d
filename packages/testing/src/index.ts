export { createTestIssuer } from './test-issuer.js';
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
