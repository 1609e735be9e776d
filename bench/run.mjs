// `pnpm bench`: builds the packages, then measures the built `@tokengate/core` (what users
// install) against raw `crypto.verify`, aws-jwt-verify and jose. Not part of `pnpm test`.
//
// Usage: pnpm bench [--no-build]
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { formatTable } from './format-table.mjs';
import { runVerifySuite } from './verify-suite.mjs';

const ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];

if (!process.argv.includes('--no-build')) {
  // The suite imports `dist`, so build what it measures first; stdout stays clean for the table.
  execFileSync('pnpm', ['--filter', '@tokengate/core', '--filter', '@tokengate/testing', 'build'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

console.log(
  `node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown CPU'})\n`,
);
for (const alg of ALGORITHMS) {
  const { rows, tokenBytes } = await runVerifySuite(alg);
  console.log(`### ${alg} — Cognito access token, ${tokenBytes} bytes\n`);
  console.log(formatTable(rows));
  console.log();
}
