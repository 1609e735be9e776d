import { defineConfig } from 'vitest/config';

// Tests run against each package's `src` through the `tokengate-source` export condition,
// so no build step is needed before `vitest`.
export default defineConfig({
  resolve: { conditions: ['tokengate-source'] },
  ssr: { resolve: { conditions: ['tokengate-source'], externalConditions: ['tokengate-source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 15_000,
    hookTimeout: 15_000,
  },
});
