/**
 * Real verifications on the other runtimes: the built neutral core (`dist`, whose
 * `#crypto-backend` resolves to Web Crypto outside the `node` condition) bundled with
 * smoke-checks.ts into one ESM file, run by Bun, Deno and workerd against issuers served by
 * this Node process on loopback. Each must reach the same verdicts as Node.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChildGroup } from '../support/child-processes.js';
import { collectOutput, waitForExit } from '../support/child-output.js';
import { ROOT } from '../support/pack.js';
import {
  bundleForWorkers,
  childEnv,
  codeLines,
  ensureDists,
  NODE_ONLY,
  startWorkerd,
} from './runtime-harness.js';
import type { SmokeFixture } from './smoke-checks.js';

const RUN_TIMEOUT_MS = 30_000;

const EXPECTED = {
  'valid RS256': 'ok',
  'valid ES256': 'ok',
  'valid EdDSA': 'ok',
  'valid ES256 again (cache hit)': 'ok',
  forged: 'SIGNATURE_INVALID',
  expired: 'TOKEN_EXPIRED',
  'unknown kid': 'KEY_NOT_FOUND',
  threadPool: 'TypeError',
};

const issuers: TestIssuer[] = [];
const children = createChildGroup();
let dir: string;
let bundle: string;
let fixture: SmokeFixture;

beforeAll(async () => {
  await ensureDists(['@tokengate/core']);
  dir = mkdtempSync(join(tmpdir(), 'tokengate-runtimes-'));
  bundle = join(dir, 'smoke.mjs');
  await bundleForWorkers(fileURLToPath(new URL('smoke-checks.ts', import.meta.url)), bundle);
  for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
    issuers.push(await createTestIssuer({ alg }));
  }
  const [rsa, ec, ed] = issuers as [TestIssuer, TestIssuer, TestIssuer];
  const valid = await ec.accessToken();
  const [head, body, signature = ''] = valid.split('.');
  const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
  fixture = {
    issuers: issuers.map((idp) => ({
      issuer: idp.issuer,
      jwksUri: idp.jwksUri,
      audience: idp.audience,
    })),
    tokens: [
      ['valid RS256', await rsa.accessToken()],
      ['valid ES256', valid],
      ['valid EdDSA', await ed.accessToken()],
      ['valid ES256 again (cache hit)', valid],
      ['forged', `${head}.${body}.${flipped}`],
      ['expired', await ec.accessToken({ expiresIn: -600 })],
      ['unknown kid', await ec.accessToken({ header: { kid: 'no-such-kid' } })],
    ],
  };
}, 180_000);

afterAll(async () => {
  await children.stopAll(2000);
  await Promise.all(issuers.map((idp) => idp.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('the neutral build', () => {
  it('reaches no node: module and no Buffer', () => {
    const code = readFileSync(bundle, 'utf8');
    for (const pattern of NODE_ONLY) expect(codeLines(code)).not.toMatch(pattern);
    expect(code).toContain('crypto.subtle');
  });
});

describe.each(['bun', 'deno', 'workerd'] as const)('on %s', (runtime) => {
  it(
    'verifies valid tokens and refuses forged, expired and unknown-kid ones',
    async () => {
      const verdicts = runtime === 'workerd' ? await runWorkerd() : await runScript(runtime);
      expect(verdicts).toEqual(EXPECTED);
    },
    RUN_TIMEOUT_MS * 2,
  );
});

/** Runs the bundle under Bun or Deno with the fixture inlined; the last stdout line is JSON. */
async function runScript(runtime: 'bun' | 'deno'): Promise<unknown> {
  const script = join(dir, `run-${runtime}.mjs`);
  writeFileSync(
    script,
    `import { runSmokeChecks } from './smoke.mjs';\n` +
      `console.log(JSON.stringify(await runSmokeChecks(${JSON.stringify(fixture)})));\n`,
  );
  const args =
    runtime === 'bun'
      ? ['run', script]
      : ['run', '--allow-net', '--allow-read', '--allow-env', script];
  const child = children.spawn(join(ROOT, 'node_modules', '.bin', runtime), args, {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv(),
  });
  const output = collectOutput(child);
  const exit = await waitForExit(child, RUN_TIMEOUT_MS);
  expect(exit.code, output.all()).toBe(0);
  return JSON.parse(output.stdout().trim().split('\n').at(-1) ?? '');
}

/** Serves the bundle as a worker whose `fetch` handler runs the checks and answers the verdicts. */
async function runWorkerd(): Promise<unknown> {
  writeFileSync(
    join(dir, 'worker.mjs'),
    `import { runSmokeChecks } from './smoke.mjs';\n` +
      `const fixture = ${JSON.stringify(fixture)};\n` +
      `export default { async fetch() { return Response.json(await runSmokeChecks(fixture)); } };\n`,
  );
  const server = await startWorkerd(children, dir, ['worker.mjs', 'smoke.mjs'], RUN_TIMEOUT_MS);
  const response = await fetch(`${server.origin}/`);
  expect(response.status, `${await response.clone().text()}\n${server.output.all()}`).toBe(200);
  return await response.json();
}
