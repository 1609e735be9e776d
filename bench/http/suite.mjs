// The HTTP suite, interleaved: in each round, for each framework, every server of
// `servers.mjs` runs in turn (the order rotated by one per round), each in a fresh process,
// loaded by autocannon from this one with one reused token (the common case) and with a
// rotation of distinct tokens (every verification cold). Ratios are computed later, within a
// round, by format-http-tables.mjs. Progress goes to stderr so stdout stays Markdown.
import { loadavg } from 'node:os';
import { decodeJwt } from 'jose';
import { startBenchIssuer, TOKEN_OPTIONS } from '../bench-issuer.mjs';
import { startChildServer } from './child-server.mjs';
import { rotate, runLoad } from './load.mjs';
import { forgeSignature, probeServer } from './probe.mjs';
import { scenariosOf, serversByFramework } from './servers.mjs';
import { mintTokenPool } from './token-pool.mjs';

/**
 * @param {{ rounds: number, seconds: number, warmupSeconds: number, poolSize: number,
 *   frameworks: string[] }} options
 */
export async function runHttpSuite({ rounds, seconds, warmupSeconds, poolSize, frameworks }) {
  const { issuer, env } = await startBenchIssuer();
  try {
    const token = await issuer.accessToken(TOKEN_OPTIONS);
    const tokens = { token, forged: forgeSignature(token), sub: decodeJwt(token).sub };
    progress(`minting ${poolSize.toLocaleString('en-US')} tokens…`);
    const pool = await mintTokenPool(issuer, poolSize, TOKEN_OPTIONS);
    const plan = serversByFramework(frameworks);
    const context = { env, tokens, pool, seconds, warmupSeconds };

    const roundResults = [];
    const skipped = [];
    for (let round = 0; round < rounds; round++) {
      const loadAverage = loadavg()[0];
      progress(`round ${round + 1}/${rounds} (load average ${loadAverage.toFixed(2)})`);
      /** @type {Map<string, object>} results by server file */
      const results = new Map();
      // Alternate which scenario a server measures first, so neither always follows warm-up.
      const scenarioOrder = round % 2 === 0 ? ['reused', 'fresh'] : ['fresh', 'reused'];
      for (const { servers } of plan) {
        for (const server of rotated(servers, round)) {
          try {
            results.set(server.file, await benchServer(server, scenarioOrder, context));
          } catch (error) {
            // A peer that cannot run here must not sink the whole suite; the reason is reported.
            const reason = error instanceof Error ? error.message : String(error);
            skipped.push({ round, server, reason });
            progress(`${server.label} / ${server.name}: skipped: ${reason}`);
          }
        }
      }
      roundResults.push({ round, loadAverage, results });
    }
    return { plan, rounds: roundResults, skipped, tokenBytes: token.length };
  } finally {
    await issuer.close();
  }
}

/** `items` rotated left by `by`: round r starts with the r-th server of the framework. */
export function rotated(items, by) {
  const shift = items.length === 0 ? 0 : by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

async function benchServer(server, scenarioOrder, { env, tokens, pool, seconds, warmupSeconds }) {
  const child = await startChildServer(server.file, env);
  try {
    const { url } = child;
    await probeServer(url, server, tokens);
    const scenarios = scenarioOrder.filter((scenario) => scenariosOf(server).includes(scenario));
    // One rotation for the warm-up and the measured run: a token comes back only after a lap.
    const nextToken = rotate(pool);
    const load = (scenario, duration) =>
      scenario === 'reused'
        ? runLoad({ url, seconds: duration, token: tokens.token })
        : runLoad({ url, seconds: duration, nextToken });
    // JIT and key caches warm up on unmeasured traffic, the same amount for every server
    // (2 × warmupSeconds). Some peers keep speeding up for several seconds, so a server
    // measured in both scenarios warms up on both kinds of token.
    for (const scenario of scenarios) {
      await load(scenario, (2 * warmupSeconds) / scenarios.length);
    }

    const measured = {};
    for (const scenario of scenarios) {
      const before = await child.sample();
      const result = await load(scenario, seconds);
      const after = await child.sample();
      const cpuMicros = after.cpuMicros - before.cpuMicros;
      measured[scenario] = {
        ...result,
        cpuMicrosPerRequest: cpuMicros / result.requests,
        // Share of the server's CPU time spent in GC pauses during the run.
        gcShare: cpuMicros > 0 ? (after.gcMicros - before.gcMicros) / cpuMicros : 0,
      };
      report(server, scenario, measured[scenario]);
    }
    return { ...measured, heapUsed: await child.heapUsed() };
  } finally {
    await child.stop();
  }
}

function report(server, scenario, result) {
  progress(
    `${server.label} / ${server.name} / ${scenario}: ${Math.round(result.reqPerSec)} req/s, p99 ${result.p99Ms} ms, ${result.cpuMicrosPerRequest.toFixed(1)} µs CPU/req, GC ${(100 * result.gcShare).toFixed(1)}%`,
  );
  if (result.non2xx > 0 || result.errors > 0) {
    progress(
      `WARNING: ${server.label} / ${server.name} / ${scenario}: ${result.non2xx} non-2xx responses, ${result.errors} errors`,
    );
  }
}

function progress(message) {
  process.stderr.write(`  ${message}\n`);
}
