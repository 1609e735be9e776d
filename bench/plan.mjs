// How long `pnpm bench` will take, computed from its plan (rounds × servers × seconds), so the
// run can say so up front and docs/benchmarks.md can quote it.
import { scenariosOf, serversByFramework } from './http/servers.mjs';

// Start-up, probe and shutdown of one server process, measured on the 2-core host: ~1 s for
// Express/Fastify/Koa/Hono, ~2 s for NestJS.
const SERVER_OVERHEAD_SECONDS = 1.2;
// Minting the 20,000-token pool (RS256 on 2 cores) and the issuer.
const POOL_SECONDS = 15;
// The memory and scale checks, per unit of their counts (bench/args.mjs):
// - forged-token flood: 46 s for a million hostile tokens in the last full run;
const FORGED_SECONDS_PER_TOKEN = 50 / 1_000_000;
// - valid-token flood: per token, two ES256 signatures in the minting children (two in
//   parallel) and three verifications (once, then twice), plus each mode's process start and
//   warm-up. A million took 9.5 min under a load average of 11 (a third of the host's CPU);
//   0.3 ms per token is what a quiet host's CPU time per token suggests;
const VALID_SECONDS_PER_TOKEN = 0.3 / 1000;
const VALID_FIXED_SECONDS = 3;
// - tenants: per tenant, two tokens minted, one JWKS fetch and five verifications; per round,
//   2 × 5,500 cold and 2 × 550,000 warm calls (10,000 tenants and 3 rounds: 49 s under load).
const TENANT_SECONDS_PER_TENANT = 1.6 / 1000;
const TENANT_SECONDS_PER_ROUND = 3;
// Micro suite, per algorithm and round of 2,300 calls per contender (mostly ES256/EdDSA
// signatures), plus minting its pool.
const MICRO_SECONDS_PER_ALG_ROUND = 6;

/**
 * @param {import('./args.d.mts').BenchOptions} options
 * @returns {{ httpRuns: number, servers: number, seconds: number }}
 */
export function estimateBench(options) {
  let total = 0;
  let httpRuns = 0;
  let servers = 0;
  if (options.http) {
    for (const { servers: group } of serversByFramework(options.frameworks)) {
      for (const server of group) {
        const runs = scenariosOf(server).length;
        httpRuns += runs * options.rounds;
        servers += options.rounds;
        // 2 × warmupSeconds of warm-up, then `seconds` per scenario measured.
        total +=
          options.rounds *
          (2 * options.warmupSeconds + runs * options.seconds + SERVER_OVERHEAD_SECONDS);
      }
    }
    total += POOL_SECONDS;
  }
  if (options.flood) {
    total +=
      options.floodTokens * FORGED_SECONDS_PER_TOKEN +
      options.validTokens * VALID_SECONDS_PER_TOKEN +
      VALID_FIXED_SECONDS +
      options.tenants * TENANT_SECONDS_PER_TENANT +
      options.rounds * TENANT_SECONDS_PER_ROUND;
  }
  if (options.micro) {
    const scale = (options.microIterations + options.microWarmup) / 2300;
    // Three algorithms, then the DPoP suite (about one algorithm's time, proofs minted first).
    total += 4 * options.rounds * MICRO_SECONDS_PER_ALG_ROUND * scale;
  }
  return { httpRuns, servers, seconds: total };
}
