// How long `pnpm bench` will take, computed from its plan (rounds × servers × seconds), so the
// run can say so up front and docs/benchmarks.md can quote it.
import { scenariosOf, serversByFramework } from './http/servers.mjs';

// Start-up, probe and shutdown of one server process, measured on the 2-core host: ~1 s for
// Express/Fastify/Koa/Hono, ~2 s for NestJS.
const SERVER_OVERHEAD_SECONDS = 1.2;
// Minting the 20,000-token pool (RS256 on 2 cores) and the issuer.
const POOL_SECONDS = 15;
// The forged-token flood: a million verifications (46 s in the last full run).
const FLOOD_SECONDS = 50;
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
  if (options.flood) total += FLOOD_SECONDS;
  if (options.micro) {
    const scale = (options.microIterations + options.microWarmup) / 2300;
    // Three algorithms, then the DPoP suite (about one algorithm's time, proofs minted first).
    total += 4 * options.rounds * MICRO_SECONDS_PER_ALG_ROUND * scale;
  }
  return { httpRuns, servers, seconds: total };
}
