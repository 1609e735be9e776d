import { defineConfig } from 'tsdown';

/** The build every package shares: ESM + CJS + declarations from `src/index.ts`, for Node 20. */
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  target: 'node20',
  // Source maps would point into `src/`, which is not published.
  sourcemap: false,
  clean: true,
  checks: { pluginTimings: false },
});
