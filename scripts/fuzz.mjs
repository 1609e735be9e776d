// `pnpm fuzz`: the fuzz properties of test/fuzz with a large case budget and a random seed.
//
//   FUZZ_RUNS=100000   cases across all properties (default 100000; HTTP gets ~10 %)
//   FUZZ_SEED=<n>      replay a run: the seed is printed at the start and in the summary
//   FUZZ_ONLY=<text>   only the properties whose name contains <text>
//   FUZZ_PATH=<path>   with FUZZ_ONLY and FUZZ_SEED: replay one counterexample fast-check printed
//
// The campaign runs under vitest (test/fuzz/vitest.fuzz.config.ts), which resolves the
// packages' TypeScript sources like `pnpm test` does; this script prints the summary.
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const vitest = join(
  dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs',
);

const seed = integerFromEnv('FUZZ_SEED', randomInt(2 ** 31 - 1));
const runs = integerFromEnv('FUZZ_RUNS', 100_000);
const workDir = mkdtempSync(join(tmpdir(), 'tokengate-fuzz-'));
const reportPath = join(workDir, 'report.json');

console.log(`tokengate fuzz: ${runs} cases, seed ${seed}`);
console.log(`replay with: FUZZ_SEED=${seed} FUZZ_RUNS=${runs} pnpm fuzz\n`);

const code = await new Promise((resolve) => {
  const child = spawn(
    process.execPath,
    [vitest, 'run', '--config', 'test/fuzz/vitest.fuzz.config.ts'],
    {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        FUZZ_SEED: String(seed),
        FUZZ_RUNS: String(runs),
        FUZZ_REPORT: reportPath,
      },
    },
  );
  child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal === null ? 1 : 128)));
});

let report;
try {
  report = JSON.parse(readFileSync(reportPath, 'utf8'));
} catch {
  console.error(`\nno fuzz report was written (vitest exited with ${code})`);
  process.exit(code === 0 ? 1 : code);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
printSummary(report);
process.exit(code);

function printSummary({ properties, totalCases, durationMs, escaped }) {
  console.log(`\n=== tokengate fuzz summary (seed ${seed}) ===`);
  for (const property of properties) {
    const requests = property.requests === undefined ? '' : `, ${property.requests} requests`;
    const verdict = property.failure === undefined ? 'ok' : 'FAILED';
    console.log(`\n${verdict}  ${property.name}`);
    console.log(`    ${property.cases} cases${requests} in ${seconds(property.durationMs)}`);
    for (const [outcome, count] of Object.entries(property.outcomes)) {
      console.log(`    ${String(count).padStart(8)}  ${outcome}`);
    }
    if (property.failure !== undefined) console.log(indent(property.failure));
  }
  const byCode = new Map();
  for (const property of properties.filter(({ kind }) => kind === 'core')) {
    for (const [outcome, count] of Object.entries(property.outcomes)) {
      byCode.set(outcome, (byCode.get(outcome) ?? 0) + count);
    }
  }
  console.log('\ncore verdicts by code, all properties:');
  for (const [outcome, count] of [...byCode].sort((a, b) => b[1] - a[1])) {
    console.log(`    ${String(count).padStart(8)}  ${outcome}`);
  }
  const requests = properties.reduce((sum, p) => sum + (p.requests ?? 0), 0);
  const failed = properties.filter(({ failure }) => failure !== undefined).length;
  console.log(
    `\n${totalCases} cases (${requests} HTTP requests) in ${seconds(durationMs)}; ` +
      `${failed} failed properties; ${escaped.length} escaped errors`,
  );
  for (const error of escaped) console.log(indent(error));
}

function integerFromEnv(name, fallback) {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`${name} must be a non-negative integer, got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

function indent(text) {
  return text
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');
}
