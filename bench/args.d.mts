// Types of bench/args.mjs, for test/bench (the repo's tsconfig does not check JavaScript).

export type BenchFramework = 'express' | 'fastify' | 'koa' | 'hono' | 'nestjs';

export interface BenchOptions {
  /** `--help`: print the usage and run nothing. */
  readonly help: boolean;
  readonly quick: boolean;
  readonly build: boolean;
  readonly micro: boolean;
  readonly http: boolean;
  /**
   * The memory and scale checks (forged- and valid-token floods, tenants): with the HTTP suite,
   * at reduced counts under `--quick`.
   */
  readonly flood: boolean;
  readonly rounds: number;
  /** Measured seconds per HTTP run. */
  readonly seconds: number;
  /** Unmeasured seconds per scenario before a server's measured runs. */
  readonly warmupSeconds: number;
  readonly frameworks: BenchFramework[];
  /** Timed calls per contender and round in the micro suite. */
  readonly microIterations: number;
  readonly microWarmup: number;
  /** Distinct forged or garbage tokens of the forged-token flood. */
  readonly floodTokens: number;
  /** Distinct valid tokens of the valid-token flood (each mode). */
  readonly validTokens: number;
  /** Tenants of the multi-tenant check (against 10). */
  readonly tenants: number;
}

export declare const FRAMEWORKS: readonly BenchFramework[];
export declare const USAGE: string;

export declare class BenchUsageError extends Error {
  constructor(message: string);
}

export declare function parseBenchArgs(
  argv: readonly string[],
  env?: Readonly<Record<string, string | undefined>>,
): BenchOptions;
