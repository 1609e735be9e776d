// `pnpm bench`: builds the packages, then measures what users install (`dist`):
// - the micro suite: one token verification, `@tokengate/core` against raw `crypto.verify`,
//   aws-jwt-verify and jose;
// - the HTTP suite: Express, Fastify and Koa servers with tokengate, with peers and bare,
//   each in its own process, under autocannon;
// - the forged-token flood: heap growth and JWKS requests under hostile tokens.
// Not part of `pnpm test`. Markdown goes to stdout, progress to stderr.
//
// Usage: pnpm bench [--no-build] [--micro-only | --http-only]
// Environment: BENCH_SECONDS (measured seconds per HTTP run, default 5).
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { formatTable } from './format-table.mjs';
import { formatHttpTables } from './http/format-http-tables.mjs';
import { runHttpSuite } from './http/suite.mjs';
import { runVerifySuite } from './verify-suite.mjs';

const ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];
// Unmeasured traffic per server before its runs: twice this (reused, then fresh tokens).
const WARMUP_SECONDS = 2;
// Distinct tokens of the fresh-token scenario. Requests take them in order, so a token comes
// back only after a full lap; any LRU result cache smaller than the pool (tokengate's default
// holds 10,000 and fast-jwt's 1,000) then never hits, and every verification stays cold.
const POOL_SIZE = 20_000;
const FLAGS = new Set(['--no-build', '--micro-only', '--http-only']);

const args = process.argv.slice(2);
const unknown = args.filter((arg) => !FLAGS.has(arg));
if (unknown.length > 0 || (args.includes('--micro-only') && args.includes('--http-only'))) {
  console.error('usage: pnpm bench [--no-build] [--micro-only | --http-only]');
  process.exit(2);
}
const micro = !args.includes('--http-only');
const http = !args.includes('--micro-only');
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
if (!(seconds > 0)) {
  console.error(`BENCH_SECONDS must be a positive number, got ${process.env.BENCH_SECONDS}`);
  process.exit(2);
}

if (!args.includes('--no-build')) {
  // Both suites import `dist`, so build what they measure first; stdout stays clean for the
  // tables. The HTTP suite needs the adapters too.
  const filters = http
    ? ['--filter', './packages/*']
    : ['--filter', '@tokengate/core', '--filter', '@tokengate/testing'];
  execFileSync('pnpm', [...filters, 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

console.log(
  `node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown CPU'}), load average ${loadavg()[0].toFixed(1)}\n`,
);

if (micro) {
  for (const alg of ALGORITHMS) {
    const { rows, tokenBytes } = await runVerifySuite(alg);
    console.log(`### ${alg} — Cognito access token, ${tokenBytes} bytes\n`);
    console.log(formatTable(rows));
    console.log();
  }
}

if (http) {
  const suite = await runHttpSuite({ seconds, warmupSeconds: WARMUP_SECONDS, poolSize: POOL_SIZE });
  console.log(formatHttpTables(suite, { seconds, poolSize: POOL_SIZE }));
  console.log();
  // Its own process: it needs `--expose-gc`, and a heap of its own to measure.
  execFileSync(
    process.execPath,
    ['--expose-gc', fileURLToPath(new URL('./forged-token-flood.mjs', import.meta.url))],
    { stdio: 'inherit' },
  );
}
