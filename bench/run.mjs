// `pnpm bench`: builds the packages, then measures what users install (`dist`):
// - the micro suite: one token verification, `@tokengate/core` cold and warm against raw
//   `crypto.verify`, aws-jwt-verify and jose; then a DPoP request next to a Bearer one;
// - the HTTP suite: Express, Fastify, Koa, Hono and NestJS servers with tokengate, with peers,
//   bare and a minimal verifier, each in its own process, under autocannon;
// - memory and scale: heap growth and JWKS requests under a flood of hostile tokens, heap and
//   GC under a flood of valid ones, and routing among 10,000 tenants against 10.
// Both suites and the tenant check run in interleaved rounds and report medians with min–max;
// ratios are computed within a round. Not part of `pnpm test`. Markdown goes to stdout,
// progress to stderr.
//
// Usage: see bench/args.mjs (`pnpm bench --help`).
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { BenchUsageError, parseBenchArgs, USAGE } from './args.mjs';
import { estimateBench } from './plan.mjs';

const ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];
// Distinct tokens of the fresh-token scenario. Requests take them in order, so a token comes
// back only after a full lap; any LRU result cache smaller than the pool (tokengate's default
// holds 10,000 and fast-jwt's 1,000) then never hits, and every verification stays cold.
const POOL_SIZE = 20_000;

let options;
try {
  options = parseBenchArgs(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof BenchUsageError)) throw error;
  console.error(`pnpm bench: ${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  const { seconds } = estimateBench(parseBenchArgs([]));
  console.log(`${USAGE}\n\nA full run (defaults) takes about ${Math.round(seconds / 60)} min.`);
  process.exit(0);
}

if (options.build) {
  // Both suites import `dist`, so build what they measure first; stdout stays clean for the
  // tables. The HTTP suite needs the adapters too.
  const filters = options.http
    ? ['--filter', './packages/*']
    : ['--filter', '@tokengate/core', '--filter', '@tokengate/testing'];
  execFileSync('pnpm', [...filters, 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

// Imported after the build, so they load the `dist` it produced.
const { formatTable } = await import('./format-table.mjs');
const { formatHttpTables } = await import('./http/format-http-tables.mjs');
const { runHttpSuite } = await import('./http/suite.mjs');
const { runVerifySuite } = await import('./verify-suite.mjs');
const { formatDpopTable, runDpopSuite } = await import('./dpop-suite.mjs');

const plan = estimateBench(options);
process.stderr.write(
  `plan: ${options.rounds} round(s); ${plan.servers} server processes, ${plan.httpRuns} measured HTTP runs of ${options.seconds} s; about ${Math.ceil(plan.seconds / 60)} min\n`,
);
console.log(
  `node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown CPU'}), load average ${loadavg()
    .map((value) => value.toFixed(2))
    .join(
      ' / ',
    )} (1 / 5 / 15 min) at the start${options.quick ? '; --quick: not for publication' : ''}\n`,
);

if (options.micro) {
  for (const alg of ALGORITHMS) {
    process.stderr.write(`  micro ${alg}…\n`);
    const suite = await runVerifySuite(alg, {
      rounds: options.rounds,
      iterations: options.microIterations,
      warmup: options.microWarmup,
    });
    console.log(
      `### Micro — ${alg} — Cognito access token, ${suite.tokenBytes} bytes (${options.rounds} round(s) of ${options.microWarmup} warm-up + ${options.microIterations} timed calls per task)\n`,
    );
    console.log(formatTable(suite));
    console.log();
  }
  process.stderr.write('  micro DPoP…\n');
  const dpop = await runDpopSuite({
    rounds: options.rounds,
    iterations: options.microIterations,
    warmup: options.microWarmup,
  });
  console.log(
    `### Micro — DPoP (RFC 9449) — one gate, ES256 token and proofs (${options.rounds} round(s) of ${options.microWarmup} warm-up + ${options.microIterations} timed calls per task)\n`,
  );
  console.log(formatDpopTable(dpop));
  console.log();
}

if (options.http) {
  const suite = await runHttpSuite({
    rounds: options.rounds,
    seconds: options.seconds,
    warmupSeconds: options.warmupSeconds,
    poolSize: POOL_SIZE,
    frameworks: options.frameworks,
  });
  console.log(formatHttpTables(suite, { ...options, poolSize: POOL_SIZE }));
  console.log();
}

if (options.flood) {
  // Each in its own process: they need `--expose-gc`, and a heap of their own to measure.
  const check = (script, env, args = []) => {
    process.stderr.write(`  ${script}…\n`);
    execFileSync(
      process.execPath,
      ['--expose-gc', fileURLToPath(new URL(`./${script}`, import.meta.url)), ...args],
      { stdio: 'inherit', env: { ...process.env, ...env } },
    );
    console.log();
  };
  check('forged-token-flood.mjs', { BENCH_FLOOD_TOKENS: String(options.floodTokens) });
  check('valid-token-flood.mjs', { BENCH_VALID_TOKENS: String(options.validTokens) });
  check('tenants.mjs', { BENCH_TENANTS: String(options.tenants) }, [
    '--rounds',
    String(options.rounds),
  ]);
}
