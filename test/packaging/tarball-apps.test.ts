/**
 * The packages as a user gets them: every publishable package is packed (`pnpm pack`), the
 * tarballs, not the workspace, are installed with plain `npm install` into one fresh app next to
 * Express 5 and 4, Koa 3 and Fastify 5, and small apps run there in a clean child `node`: ESM
 * and CommonJS per adapter, a CommonJS adapter fed an ESM verifier (the dual-package hazard),
 * and a strict TypeScript check of both formats.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDpop } from '../support/challenges.js';
import { packPackage, publishablePackages, ROOT, run } from '../support/pack.js';
import {
  appSource,
  DRIVER_SOURCE,
  dualPackageSource,
  REALM,
  typedSource,
  type Adapter,
  type Answer,
  type DriveReport,
  type Format,
} from './tarball-apps.js';

const SETUP_TIMEOUT_MS = 240_000;
const APP_TIMEOUT_MS = 30_000;

/** Frameworks and types a user would install; `express4` runs the Express adapter on Express 4. */
const THIRD_PARTY = [
  'express@5',
  'express4@npm:express@4',
  'koa@3',
  'fastify@5',
  'hono@4',
  '@types/express@5',
  '@types/koa@3',
  '@types/node@20',
];

const ADAPTERS: readonly Adapter[] = ['express', 'express4', 'koa', 'fastify'];
const TYPED_ADAPTERS = ['express', 'koa', 'fastify'] as const;

/** The child sees neither vitest's loaders nor the `pnpm test` script's package context. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name === 'NODE_OPTIONS' || name === 'NODE_PATH' || name.startsWith('VITEST')) continue;
    if (name.startsWith('npm_package_') || name.startsWith('npm_lifecycle_')) continue;
    env[name] = value;
  }
  return env;
}

let workDir = '';
let appDir = '';

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'tokengate-tarball-apps-'));
  appDir = join(workDir, 'app');
  const tarballDir = join(workDir, 'tarballs');
  await mkdir(appDir);
  await mkdir(tarballDir);
  // One at a time: each may build its package first, and two builds share the machine's cores.
  const tarballs: string[] = [];
  for (const pkg of publishablePackages()) tarballs.push(await packPackage(pkg, tarballDir));

  await writeFile(
    join(appDir, 'package.json'),
    JSON.stringify({ name: 'tokengate-tarball-app', private: true, version: '0.0.0' }),
  );
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs, ...THIRD_PARTY],
    { cwd: appDir, env: cleanEnv(), maxBuffer: 16 * 1024 * 1024 },
  );

  await writeFile(join(appDir, 'drive.cjs'), DRIVER_SOURCE);
  for (const adapter of ADAPTERS) {
    await writeFile(join(appDir, `${adapter}.mjs`), appSource(adapter, 'esm'));
    await writeFile(join(appDir, `${adapter}.cjs`), appSource(adapter, 'cjs'));
  }
  for (const adapter of TYPED_ADAPTERS) {
    await writeFile(join(appDir, `dual-${adapter}.cjs`), dualPackageSource(adapter));
    await writeFile(join(appDir, `typed-${adapter}.mts`), typedSource(adapter));
    await writeFile(join(appDir, `typed-${adapter}.cts`), typedSource(adapter));
  }
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  if (workDir !== '') await rm(workDir, { recursive: true, force: true });
});

async function runApp(file: string, nodeArgs: readonly string[] = []): Promise<DriveReport> {
  const { stdout } = await promisify(execFile)(process.execPath, [...nodeArgs, file], {
    cwd: appDir,
    env: cleanEnv(),
    timeout: APP_TIMEOUT_MS,
  });
  return JSON.parse(stdout) as DriveReport;
}

function json(answer: Answer): Record<string, unknown> {
  return JSON.parse(answer.body) as Record<string, unknown>;
}

/** The four answers every app must give, with the adapter's own JSON bodies and the realm. */
function expectProtected(report: DriveReport): void {
  expect(report.valid.status).toBe(200);
  expect(json(report.valid)['sub']).toEqual(expect.any(String));

  // RFC 6750 §3.1: no credentials, a bare challenge; then DPoP's, accepted by default.
  expect(report.missing.status).toBe(401);
  expect(report.missing.challenge).toBe(withDpop(`Bearer realm="${REALM}"`, REALM));

  expect(report.forbidden.status).toBe(403);
  expect(json(report.forbidden)['error']).toBe('access_denied');

  expect(report.expired.status).toBe(401);
  // The adapter's own JSON body, not the framework's generic error page.
  expect(report.expired.body).toMatch(/^\{/);
  expect(json(report.expired)['error']).toBe('invalid_token');
  expect(report.expired.challenge).toBe(
    withDpop(
      `Bearer realm="${REALM}", error="invalid_token", error_description="Token has expired"`,
      REALM,
    ),
  );
}

describe.each(ADAPTERS)('%s, installed from the tarballs', (adapter) => {
  it.each<Format>(['esm', 'cjs'])('protects a route when loaded as %s', async (format) => {
    expectProtected(await runApp(`${adapter}.${format === 'esm' ? 'mjs' : 'cjs'}`));
  });
});

describe('the dual-package hazard: a required adapter with an imported verifier', () => {
  it.each(TYPED_ADAPTERS)('%s still answers its own 401 with the challenge', async (adapter) => {
    const report = await runApp(`dual-${adapter}.cjs`);
    // The setup is the hazard: two builds of the core, two TokengateError classes.
    expect(report.sameErrorClass).toBe(false);
    expectProtected(report);
  });
});

describe('@tokengate/testing', () => {
  it('keeps jose a dependency: its CommonJS build bundles none of it', async () => {
    const cjs = await readFile(join(appDir, 'node_modules/@tokengate/testing/dist/index.cjs'));
    expect(cjs.toString()).not.toMatch(/node_modules\/(\.pnpm\/)?jose/);
    expect(cjs.toString()).not.toMatch(/\bclass CompactSign\b/);
    expect(existsSync(join(appDir, 'node_modules/jose/package.json'))).toBe(true);
  });

  it('loads and signs from CommonJS on a Node 20 that cannot require() ES modules', async () => {
    // jose ships ES modules only; Node < 20.19 has no require(esm). The flag reproduces that.
    expectProtected(await runApp('express.cjs', ['--no-experimental-require-module']));
  });
});

it('installs exactly one copy of @tokengate/core', async () => {
  // `--parseable` prints where each copy lives; deduplicated references share one path.
  const { stdout } = await run('npm', ['ls', '@tokengate/core', '--all', '--parseable'], {
    cwd: appDir,
    env: cleanEnv(),
  });
  const copies = new Set(stdout.split('\n').filter((line) => line.includes('node_modules')));
  expect([...copies]).toEqual([join(appDir, 'node_modules', '@tokengate', 'core')]);
});

it('type-checks strict TypeScript apps in both module formats', async () => {
  await writeFile(
    join(appDir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023'],
        module: 'nodenext',
        moduleResolution: 'nodenext',
        types: ['node'],
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        esModuleInterop: true,
        // As most apps do: @types/koa@3 does not compile against content-disposition@1's own
        // types. Ours are still checked wherever the apps use them (and by attw).
        skipLibCheck: true,
        noEmit: true,
      },
      include: ['typed-*.mts', 'typed-*.cts'],
    }),
  );
  const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
  const result = await run(tsc, ['-p', 'tsconfig.json'], { cwd: appDir, env: cleanEnv() }).then(
    () => '',
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  expect(result).toBe('');
}, 60_000);
