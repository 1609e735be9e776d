import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `pnpm fuzz` only (scripts/fuzz.mjs): the long campaign, against each package's `src` like
// the main configuration, without its per-test timeout.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  resolve: { conditions: ['tokengate-source'] },
  ssr: { resolve: { conditions: ['tokengate-source'], externalConditions: ['tokengate-source'] } },
  test: {
    include: ['test/fuzz/campaign.fuzz.ts'],
    testTimeout: 0,
    hookTimeout: 60_000,
    disableConsoleIntercept: true,
  },
});
