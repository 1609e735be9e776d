/**
 * The packages as a user gets them: every publishable package is packed (`pnpm pack`), the
 * tarballs, not the workspace, are installed with plain `npm install` into one fresh app next to
 * Express 5 and 4, Koa 3 and Fastify 5, and small apps run there in a clean child `node`: ESM
 * and CommonJS per adapter, a CommonJS adapter fed an ESM verifier (the dual-package hazard),
 * and a strict TypeScript check of both formats.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packPackage, publishablePackages, run } from '../support/pack.js';
import {
  cleanEnv,
  expectProtected,
  npmInstall,
  runApp as runAppIn,
  typecheckApp,
  writeApps,
  writeTypedApps,
} from './app-checks.js';
import { dualPackageSource, type Adapter, type DriveReport, type Format } from './tarball-apps.js';

const SETUP_TIMEOUT_MS = 240_000;

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
  await npmInstall(appDir, [...tarballs, ...THIRD_PARTY]);

  await writeApps(appDir, ADAPTERS);
  await writeTypedApps(appDir, TYPED_ADAPTERS);
  for (const adapter of TYPED_ADAPTERS) {
    await writeFile(join(appDir, `dual-${adapter}.cjs`), dualPackageSource(adapter));
  }
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  if (workDir !== '') await rm(workDir, { recursive: true, force: true });
});

function runApp(file: string, nodeArgs: readonly string[] = []): Promise<DriveReport> {
  return runAppIn(appDir, file, nodeArgs);
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
  expect(await typecheckApp(appDir)).toBe('');
}, 60_000);
