/**
 * The publish rehearsal: a real npm registry (Verdaccio, test/support/local-registry.ts) on
 * 127.0.0.1, every package published to it by the project's own `pnpm release --rehearsal`,
 * then fresh npm projects that install `@tokengate/express`, `koa` and `fastify` (and
 * `@tokengate/testing`) BY NAME from it, next to the frameworks from the npm registry, and run
 * ESM, CommonJS and strictly typed apps through valid, missing, forbidden and expired tokens.
 *
 * It must be able to fail, so it also breaks copies of a package four ways (a `workspace:` range,
 * a file missing from `files`, a wrong export condition, an undeclared dependency) and shows the
 * release's checks refusing each, and each one, published anyway, failing in a fresh app; and
 * `pnpm release` refusing a copy of the workspace with a broken package, publishing nothing.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRegistry, type LocalRegistry } from '../support/local-registry.js';
import { publishablePackages, readJson, ROOT, run, type Manifest } from '../support/pack.js';
import {
  cleanEnv,
  expectProtected,
  npmInstall,
  runApp,
  typecheckApp,
  writeApps,
  writeTypedApps,
} from './app-checks.js';
import { BREAKAGES, breakPackage, brokenVersion, type Breakage } from './broken-packages.js';
import { outcome, settle, valueOf, type Outcome, type Settled } from './command-outcome.js';
import type { DriveReport } from './tarball-apps.js';
import { copyWorkspace } from './workspace-copy.js';

// Publishing builds stale packages first; the installs fetch the frameworks from the internet.
const SETUP_TIMEOUT_MS = 300_000;
const TEST_TIMEOUT_MS = 240_000;
const RELEASE_TIMEOUT_MS = 240_000;
const COMMAND_TIMEOUT_MS = 60_000;

const ADAPTERS = ['express', 'koa', 'fastify'] as const;
type RehearsedAdapter = (typeof ADAPTERS)[number];
const FRAMEWORK: Record<RehearsedAdapter, readonly string[]> = {
  express: ['express@5', '@types/express@5'],
  koa: ['koa@3', '@types/koa@3'],
  fastify: ['fastify@5'],
};

const PACKAGES = publishablePackages();
const VERSION = readJson<Manifest>(join(ROOT, 'packages', 'core', 'package.json')).version;

/** npm pack, publish and view: quick against a registry on loopback, bounded all the same. */
function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv = cleanEnv()) {
  return run('npm', args, { cwd, env, timeout: COMMAND_TIMEOUT_MS });
}

let work = '';
let registry: LocalRegistry | undefined;
let release: Outcome;
/** Everything started in `beforeAll`; `afterAll` waits for it before deleting `work`. */
const started: Promise<unknown>[] = [];

/** The token lives in the user config of publishing children only; installs need none. */
function publishEnv(): NodeJS.ProcessEnv {
  return { ...cleanEnv(), npm_config_userconfig: registry!.publishConfig };
}

/** Our scope from the rehearsal registry (no uplinks), everything else from the usual one. */
function scopeArgs(): string[] {
  return [`--@tokengate:registry=${registry!.url}`, '--prefer-online'];
}

async function freshApp(dir: string, specs: readonly string[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true }));
  await npmInstall(dir, specs, scopeArgs());
}

async function prepareApp(adapter: RehearsedAdapter): Promise<string> {
  const dir = join(work, 'apps', adapter);
  const specs = [`@tokengate/${adapter}`, '@tokengate/testing', ...FRAMEWORK[adapter]];
  await freshApp(dir, [...specs, '@types/node@20']);
  await writeApps(dir, [adapter]);
  await writeTypedApps(dir, [adapter], 'adapter');
  return dir;
}

interface BreakageProof {
  readonly check: Outcome;
  readonly install: Settled<void>;
  readonly esm: Settled<DriveReport>;
  readonly cjs: Settled<DriveReport>;
}

/** The published @tokengate/express, downloaded back from the registry: what gets broken. */
async function downloadPublished(): Promise<string> {
  const dir = join(work, 'published');
  await mkdir(dir);
  const spec = `@tokengate/express@${VERSION}`;
  await npm(['pack', spec, '--registry', registry!.url, '--pack-destination', dir], dir);
  return join(
    dir,
    (await readdir(dir)).find((file) => file.endsWith('.tgz'))!,
  );
}

async function proveBreakage(published: Promise<string>, index: number): Promise<BreakageProof> {
  const breakage = BREAKAGES[index]!;
  const version = brokenVersion(VERSION, index);
  const dir = join(work, `broken-${index}`);
  await mkdir(dir);
  await run('tar', ['-xzf', await published, '-C', dir]);
  await breakPackage(join(dir, 'package'), breakage, version);
  // npm packs what it is given, `workspace:` included, as a release without checks would.
  await npm(['pack', '--ignore-scripts', '--pack-destination', dir], join(dir, 'package'));
  const tarball = join(
    dir,
    (await readdir(dir)).find((file) => file.endsWith('.tgz'))!,
  );

  const checker = join(ROOT, 'scripts', 'release', 'check-tarball.mjs');
  const env = cleanEnv();
  const check = await outcome(process.execPath, [checker, tarball], {
    cwd: dir,
    env,
    timeoutMs: 120_000,
  });
  const publishArgs = ['publish', tarball, '--registry', registry!.url, '--tag', 'broken'];
  await npm([...publishArgs, '--ignore-scripts'], dir, publishEnv());

  const appDir = join(dir, 'app');
  const specs = [`@tokengate/express@${version}`, `@tokengate/testing@${VERSION}`, 'express@5'];
  const install = await settle(freshApp(appDir, specs));
  const failed: Settled<DriveReport> = { ok: false, error: 'not installed' };
  if (!install.ok) return { check, install, esm: failed, cjs: failed };
  await writeApps(appDir, ['express']);
  const [esm, cjs] = await Promise.all([
    settle(runApp(appDir, 'express.mjs')),
    settle(runApp(appDir, 'express.cjs')),
  ]);
  return { check, install, esm, cjs };
}

/** `pnpm release` in a workspace copy whose express package ships no ES module build. */
async function releaseBrokenCopy(): Promise<Outcome> {
  const copy = join(work, 'workspace-copy');
  await copyWorkspace(copy, ['core', 'express'], (dir, manifest) => {
    if (dir !== 'express') return;
    manifest.version = `${VERSION}-refused.0`;
    manifest['files'] = ['dist/index.cjs', 'dist/*.d.cts', 'dist/*.d.mts'];
  });
  // A changelog section for the new version, as `pnpm changeset version` would write it.
  const changelog = join(copy, 'packages', 'express', 'CHANGELOG.md');
  const history = await readFile(changelog, 'utf8');
  const section = `## ${VERSION}-refused.0\n\nShips without its ES module build.\n\n`;
  await writeFile(changelog, history.replace(/^## /m, `${section}## `));
  const args = ['release', '--rehearsal', '--registry', registry!.url];
  return outcome('pnpm', args, { cwd: copy, env: publishEnv(), timeoutMs: RELEASE_TIMEOUT_MS });
}

let apps: Record<RehearsedAdapter, Promise<Settled<string>>>;
let proofs: Promise<BreakageProof>[];
let refusedCopy: Promise<Outcome>;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tokengate-registry-rehearsal-'));
  registry = await startLocalRegistry(join(work, 'registry'));
  const args = ['release', '--rehearsal', '--registry', registry.url];
  release = await outcome('pnpm', args, {
    cwd: ROOT,
    env: publishEnv(),
    timeoutMs: RELEASE_TIMEOUT_MS,
  });
  if (release.code !== 0) throw new Error(`pnpm release failed:\n${release.output}`);

  // The rest runs concurrently (mostly npm installs, network-bound); each test awaits its part.
  apps = {
    express: settle(prepareApp('express')),
    koa: settle(prepareApp('koa')),
    fastify: settle(prepareApp('fastify')),
  };
  const published = downloadPublished();
  proofs = BREAKAGES.map((_, index) => proveBreakage(published, index));
  refusedCopy = releaseBrokenCopy();
  started.push(
    settle(published),
    ...Object.values(apps),
    ...proofs.map(settle),
    settle(refusedCopy),
  );
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all(started);
  // By its process id, in every outcome; a crashed worker's exit handler kills it too.
  await registry?.stop();
  // KEEP_REHEARSAL=1 leaves the apps, tarballs and registry storage to look at.
  if (work !== '' && process.env['KEEP_REHEARSAL'] === undefined) {
    await rm(work, { recursive: true, force: true });
  }
}, SETUP_TIMEOUT_MS);

it('publishes every package at its workspace version, with registry ranges only', async () => {
  for (const pkg of PACKAGES) {
    expect(release.output).toContain(`published ${pkg.name}@${VERSION} (latest)`);
  }
  const views = await Promise.all(
    PACKAGES.map(async (pkg) => {
      const args = ['view', `${pkg.name}@${VERSION}`, '--json', '--registry', registry!.url];
      const { stdout } = await npm(args, work);
      return JSON.parse(stdout) as Manifest & { 'dist-tags': Record<string, string> };
    }),
  );
  for (const view of views) {
    expect(view.version).toBe(VERSION);
    expect(view['dist-tags']['latest']).toBe(VERSION);
    const ranges = { ...view.dependencies, ...view.peerDependencies, ...view.optionalDependencies };
    expect(Object.values(ranges).filter((range) => /^[a-z]+:/.test(range))).toEqual([]);
    // `workspace:^` became a caret range on this very version: the packages move together.
    if (view.name !== '@tokengate/core' && ranges['@tokengate/core'] !== undefined) {
      expect(ranges['@tokengate/core']).toBe(`^${VERSION}`);
    }
  }
});

describe.each(ADAPTERS)('@tokengate/%s, installed by name from the registry', (adapter) => {
  it(
    'gets the very tarballs published to the rehearsal registry',
    async () => {
      const dir = valueOf(await apps[adapter]);
      const lock = JSON.parse(await readFile(join(dir, 'package-lock.json'), 'utf8')) as {
        packages: Record<string, { version?: string; integrity?: string }>;
      };
      for (const name of [`@tokengate/${adapter}`, '@tokengate/core', '@tokengate/testing']) {
        const args = ['view', `${name}@${VERSION}`, 'dist.integrity', '--registry', registry!.url];
        const { stdout } = await npm(args, work);
        const entry = lock.packages[`node_modules/${name}`];
        expect(entry?.version, name).toBe(VERSION);
        expect(entry?.integrity, name).toBe(stdout.trim());
      }
    },
    TEST_TIMEOUT_MS,
  );

  it.each(['mjs', 'cjs'])(
    'protects a route from a .%s app',
    async (extension) => {
      const dir = valueOf(await apps[adapter]);
      expectProtected(await runApp(dir, `${adapter}.${extension}`));
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'type-checks a strict TypeScript app in both module formats',
    async () => {
      expect(await typecheckApp(valueOf(await apps[adapter]))).toBe('');
    },
    TEST_TIMEOUT_MS,
  );
});

describe.each(BREAKAGES.map((breakage, index) => [breakage.name, breakage, index] as const))(
  'a copy of @tokengate/express with %s',
  (_name, breakage: Breakage, index) => {
    it(
      'is refused by the release checks',
      async () => {
        const { check } = await proofs[index]!;
        expect(check.code).toBe(1);
        expect(check.output).toMatch(breakage.refusal);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      `published anyway, fails at ${breakage.fails.at} in a fresh app`,
      async () => {
        const proof = await proofs[index]!;
        const failure = breakage.fails.at === 'install' ? proof.install : proof[breakage.fails.at];
        expect(failure.ok).toBe(false);
        expect(failure.ok ? '' : failure.error).toMatch(breakage.fails.with);
        if (breakage.fails.at !== 'install') expect(proof.install.ok).toBe(true);
      },
      TEST_TIMEOUT_MS,
    );
  },
);

it(
  'pnpm release refuses a workspace with a broken package and publishes nothing',
  async () => {
    const { code, output } = await refusedCopy;
    expect(code).not.toBe(0);
    expect(output).toMatch(/refused @tokengate\/express@[^:]+-refused\.0:/);
    expect(output).toMatch(/FILE_DOES_NOT_EXIST: pkg\.exports\["\."\]\.import\.default/);
    expect(output).toContain('release: nothing was published');
    const args = ['view', '@tokengate/express', 'versions', '--json', '--registry', registry!.url];
    const { stdout } = await npm(args, work);
    expect((JSON.parse(stdout) as string[]).filter((v) => v.includes('refused'))).toEqual([]);
  },
  TEST_TIMEOUT_MS,
);
