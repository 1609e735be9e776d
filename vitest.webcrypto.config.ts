import { defineConfig } from 'vitest/config';

// The verification suites again, with the Web Crypto backend forced on Node: the
// `tokengate-webcrypto` condition, ahead of `node`, resolves @tokengate/core's
// `#crypto-backend` import to src/jws/web-crypto.ts. Both backends must give the same verdicts.
const conditions = ['tokengate-webcrypto', 'tokengate-source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: [
      'packages/core/test/**/*.test.ts',
      'test/conformance/adversarial.test.ts',
      'test/conformance/adversarial-dpop.test.ts',
      'test/differential/**/*.test.ts',
      'test/fuzz/core.test.ts',
    ],
    // Read by the tests that differ by backend (the thread pool is node:crypto's alone);
    // packages/core/test/crypto-backend.test.ts checks it names the backend really resolved.
    env: { TOKENGATE_CRYPTO_BACKEND: 'web' },
    testTimeout: 15_000,
    hookTimeout: 15_000,
  },
});
