// First-request latency after a cold start, with and without keys hydrated at module init
// (docs/recipes/aws-lambda.md). Each sample is a fresh `node` process, as a Lambda cold start
// is: it builds a verifier (and, hydrated, seeds it from a JSON file bundled with the code),
// then verifies one token against the local issuer, whose JWKS answers after DELAY_MS, the
// latency of a cross-region HTTPS fetch. Samples alternate hydrated and not, so any drift of
// the machine falls on both. Imports `dist`: builds @tokengate/core first unless --no-build.
//
// Usage: node bench/cold-start.mjs [--no-build] [rounds]   (default 15 rounds)
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DELAY_MS = 75;
const USER_POOL_ID = 'us-east-1_ColdStart';
const CLIENT_ID = 'cold-start-client';

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4], process.argv[5]);
} else {
  await parent();
}

async function parent() {
  const args = process.argv.slice(2);
  const rounds = Number(args.find((arg) => arg !== '--no-build') ?? 15);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new TypeError('rounds must be a positive integer');
  if (!args.includes('--no-build')) {
    execFileSync('pnpm', ['--filter', '@tokengate/core', 'build'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const { createTestIssuer } = await import('@tokengate/testing');
  const issuer = await createTestIssuer({
    kind: 'cognito',
    userPoolId: USER_POOL_ID,
    clientId: CLIENT_ID,
    issuer: `https://cognito-idp.us-east-1.amazonaws.com/${USER_POOL_ID}`,
  });
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-cold-'));
  const jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify(issuer.jwks())); // the build step's output
  const token = await issuer.accessToken();
  await issuer.outage('slow', { delayMs: DELAY_MS });
  const samples = { cold: [], hydrated: [] };
  try {
    for (let round = 0; round < rounds; round += 1) {
      // Alternate which goes first, so neither always follows the other.
      const order = round % 2 === 0 ? ['cold', 'hydrated'] : ['hydrated', 'cold'];
      for (const mode of order) {
        const env = { ...process.env, TOKEN: token };
        // Not execFileSync: the issuer lives in this process and must keep answering.
        const { stdout: out } = await promisify(execFile)(
          process.execPath,
          [fileURLToPath(import.meta.url), '--child', mode, jwksFile, issuer.jwksUri],
          { env, encoding: 'utf8' },
        );
        samples[mode].push(JSON.parse(out));
      }
    }
  } finally {
    await issuer.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `JWKS served after ${DELAY_MS} ms; ${rounds} fresh processes each; median (min–max) ms\n`,
  );
  console.log('| | init (verifier + hydrate) | first verify | JWKS requests |');
  console.log('| --- | --- | --- | --- |');
  for (const mode of ['cold', 'hydrated']) {
    const rows = samples[mode];
    console.log(
      `| ${mode === 'cold' ? 'not hydrated' : 'hydrated'} | ${summary(rows.map((r) => r.initMs))} | ` +
        `${summary(rows.map((r) => r.verifyMs))} | ${Math.max(...rows.map((r) => r.fetches))} |`,
    );
  }
}

async function child(mode, jwksFile, jwksUri) {
  const { readFileSync } = await import('node:fs');
  const { cognitoIssuer, createVerifier } = await import('@tokengate/core');
  let fetches = 0;
  const startedAt = performance.now();
  const verifier = createVerifier({
    issuers: [cognitoIssuer({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwksUri })],
    onEvent: (event) => {
      if (event.type === 'jwks-fetch') fetches += 1;
    },
  });
  if (mode === 'hydrated') verifier.hydrate(jwksUri, JSON.parse(readFileSync(jwksFile, 'utf8')));
  const initMs = performance.now() - startedAt;
  const verifyStart = performance.now();
  await verifier.verify(process.env.TOKEN);
  const verifyMs = performance.now() - verifyStart;
  await verifier.close();
  process.stdout.write(JSON.stringify({ initMs, verifyMs, fetches }));
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const f = (n) => n.toFixed(1);
  return `${f(median)} (${f(sorted[0])}–${f(sorted.at(-1))})`;
}
