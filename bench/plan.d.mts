// Types of bench/plan.mjs, for test/bench (the repo's tsconfig does not check JavaScript).
import type { BenchOptions } from './args.d.mts';

export declare function estimateBench(options: BenchOptions): {
  httpRuns: number;
  servers: number;
  seconds: number;
};
