/**
 * Packaging checks on what npm would really receive: each publishable package is built (when its
 * `dist` is stale), packed with `pnpm pack` (which applies `publishConfig`), then the tarball is
 * linted by publint and attw and installed into a throwaway project that loads it through
 * `require` and `import` in a clean child `node`.
 */
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  packPackage,
  publishablePackages,
  readJson,
  ROOT,
  run,
  type Manifest,
  type WorkspacePackage,
} from './support/pack.js';

/** Files npm always ships next to `dist`. */
const TOP_LEVEL_FILES = ['package.json', 'README.md', 'LICENSE'];
const PACKAGE_TIMEOUT_MS = 180_000;

/**
 * Runtime exports that published packages must keep. Every publishable package gets every check;
 * a listed one must also export these names, and must not disappear from `packages/`.
 */
const EXPECTED_EXPORTS: Readonly<Record<string, readonly string[]>> = {
  '@tokengate/core': [
    'createVerifier',
    'oidcIssuer',
    'cognitoIssuer',
    'createJwksCache',
    'TokengateError',
    'InvalidTokenError',
  ],
  '@tokengate/testing': ['createTestIssuer'],
  '@tokengate/express': ['authenticate', 'authorize', 'errorHandler', 'anyGroup', 'createVerifier'],
  '@tokengate/koa': ['authenticate', 'authorize', 'anyGroup', 'createVerifier'],
  '@tokengate/fastify': ['tokengate', 'anyGroup', 'createVerifier'],
  '@tokengate/nestjs': [
    'TokengateModule',
    'TokengateGuard',
    'Auth',
    'Public',
    'CurrentAuth',
    'anyGroup',
    'createVerifier',
  ],
  '@tokengate/hono': ['authenticate', 'authorize', 'tokengateErrorResponse', 'anyGroup'],
  '@tokengate/redis': ['createRedisRevocationStore'],
  '@tokengate/cli': ['runCli'],
};

/** The resolutions attw must find typed and correct: every mode TypeScript users compile with. */
const RESOLUTION_KINDS = ['node10', 'node16-cjs', 'node16-esm', 'bundler'] as const;

/** Manifest fields through which a consumer reaches files; none may point into `src`. */
const ENTRY_FIELDS = ['exports', 'imports', 'main', 'module', 'types', 'typings', 'bin', 'browser'];

interface Packed {
  tarball: string;
  files: string[];
  manifest: Manifest;
  /** A consumer project whose `node_modules` holds the extracted tarball and its dependencies. */
  consumerDir: string;
  installedDir: string;
}

/** The subset of `attw --format json` output this test reads. */
interface AttwReport {
  analysis: {
    types: { kind: string };
    entrypoints: Record<string, { resolutions: Record<string, { resolution?: unknown }> }>;
    problems: { kind: string; entrypoint?: string; resolutionKind?: string }[];
  };
}

interface LoadReport {
  resolved: string;
  exports: Record<string, string>;
}

/** Every string reachable under a manifest value, e.g. all targets of a nested `exports` map. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}

function keysIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysIn);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, inner]) => [key, ...keysIn(inner)]);
  }
  return [];
}

/**
 * Links each runtime dependency as the workspace resolved it, like an install would. Peers come
 * from the package's dev install, as they would come from the consumer's app.
 */
async function linkDependencies(pkg: WorkspacePackage, manifest: Manifest, nodeModules: string) {
  const required = Object.keys(manifest.dependencies ?? {});
  const optional = [
    ...Object.keys(manifest.optionalDependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ].filter((name) => !required.includes(name));
  for (const dependency of [...required, ...optional]) {
    const source = join(pkg.dir, 'node_modules', dependency);
    if (!existsSync(source)) {
      if (optional.includes(dependency)) continue;
      throw new Error(`${pkg.name}: dependency ${dependency} is not installed in the workspace`);
    }
    const target = join(nodeModules, dependency);
    await mkdir(dirname(target), { recursive: true });
    await symlink(realpathSync(source), target, 'dir');
  }
}

async function buildAndPack(pkg: WorkspacePackage, workDir: string): Promise<Packed> {
  await mkdir(workDir, { recursive: true });
  const tarball = await packPackage(pkg, workDir);

  const { stdout: listing } = await run('tar', ['-tzf', tarball]);
  const files = listing
    .split('\n')
    .filter((line) => line !== '' && !line.endsWith('/'))
    .map((line) => line.replace(/^package\//, ''));

  const consumerDir = join(workDir, 'consumer');
  const nodeModules = join(consumerDir, 'node_modules');
  const installedDir = join(nodeModules, pkg.name);
  await mkdir(installedDir, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', installedDir, '--strip-components=1']);
  const manifest = readJson<Manifest>(join(installedDir, 'package.json'));
  await writeFile(
    join(consumerDir, 'package.json'),
    JSON.stringify({ name: 'packaging-consumer', private: true }),
  );
  await linkDependencies(pkg, manifest, nodeModules);

  return { tarball, files, manifest, consumerDir, installedDir };
}

async function runAttw(tarball: string, cwd: string): Promise<AttwReport> {
  const cliDir = realpathSync(join(ROOT, 'node_modules', '@arethetypeswrong', 'cli'));
  const bin = readJson<{ bin: Record<string, string> }>(join(cliDir, 'package.json')).bin.attw;
  const args = [join(cliDir, bin!), tarball, '--format', 'json', '--no-definitely-typed'];
  try {
    const { stdout } = await run(process.execPath, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(stdout) as AttwReport;
  } catch (error) {
    // attw exits 1 when it finds problems; its report is still on stdout.
    const stdout = (error as { stdout?: string }).stdout;
    if (stdout === undefined || stdout === '') throw error;
    return JSON.parse(stdout) as AttwReport;
  }
}

/** Loads the installed package in a fresh `node` (no vitest conditions or loaders) and lists its exports. */
async function loadInChild(packed: Packed, name: string, mode: 'cjs' | 'esm'): Promise<LoadReport> {
  const file = join(packed.consumerDir, mode === 'cjs' ? 'load.cjs' : 'load.mjs');
  const describeExports =
    'Object.fromEntries(Object.keys(m).filter((k) => k !== "default").map((k) => [k, typeof m[k]]))';
  const source =
    mode === 'cjs'
      ? `const m = require(${JSON.stringify(name)});\n` +
        `const resolved = require.resolve(${JSON.stringify(name)});\n`
      : `const m = await import(${JSON.stringify(name)});\n` +
        `const resolved = new URL(import.meta.resolve(${JSON.stringify(name)})).pathname;\n`;
  await writeFile(
    file,
    `${source}process.stdout.write(JSON.stringify({ resolved, exports: ${describeExports} }));\n`,
  );
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.NODE_PATH;
  const { stdout } = await run(process.execPath, [file], { cwd: packed.consumerDir, env });
  return JSON.parse(stdout) as LoadReport;
}

const packages = publishablePackages();
let workRoot = '';

beforeAll(async () => {
  workRoot = await mkdtemp(join(tmpdir(), 'tokengate-packaging-'));
});

afterAll(async () => {
  if (workRoot !== '') await rm(workRoot, { recursive: true, force: true });
});

it('finds every package whose exports are pinned, as publishable', () => {
  const names = packages.map((pkg) => pkg.name);
  for (const name of Object.keys(EXPECTED_EXPORTS)) expect(names).toContain(name);
});

for (const pkg of packages) {
  describe(pkg.name, () => {
    let packed: Packed;

    beforeAll(async () => {
      const workDir = join(workRoot, pkg.name.replace(/[@/]/g, '_'));
      packed = await buildAndPack(pkg, workDir);
    }, PACKAGE_TIMEOUT_MS);

    it('publishes dist, the manifest, README and LICENSE only, with no source export condition', async () => {
      const { manifest, files } = packed;
      expect(files).toContain('package.json');
      expect(files).toContain('README.md');
      expect(files).toContain('LICENSE');
      expect(
        files.filter((file) => !file.startsWith('dist/') && !TOP_LEVEL_FILES.includes(file)),
      ).toEqual([]);
      // The package's copy of the licence is the repository's, and is what `license` names.
      const license = await readFile(join(packed.installedDir, 'LICENSE'), 'utf8');
      expect(license).toBe(await readFile(join(ROOT, 'LICENSE'), 'utf8'));
      expect(manifest['license']).toBe('Apache-2.0');
      expect(license).toMatch(/^\s*Apache License\s+Version 2\.0/);
      expect(keysIn(manifest)).not.toContain('tokengate-source');
      expect(manifest).not.toHaveProperty('publishConfig');
      const entryTargets = ENTRY_FIELDS.flatMap((field) => stringsIn(manifest[field]));
      expect(entryTargets.length).toBeGreaterThan(0);
      expect(entryTargets.filter((target) => /(^|\/)src\//.test(target))).toEqual([]);
      expect(manifest.version, 'workspace: ranges must be rewritten by pack').not.toMatch(
        /workspace:/,
      );
      expect(
        stringsIn(manifest.dependencies).filter((range) => range.startsWith('workspace:')),
      ).toEqual([]);
    });

    it('names its repository, homepage, bug tracker and keywords', () => {
      const { manifest } = packed;
      const directory = `packages/${pkg.dir.split(/[\\/]/).pop()!}`;
      expect(manifest['repository']).toEqual({
        type: 'git',
        url: 'git+https://github.com/tokengate/tokengate.git',
        directory,
      });
      expect(manifest['homepage']).toBe(
        `https://github.com/tokengate/tokengate/tree/main/${directory}#readme`,
      );
      expect(manifest['bugs']).toEqual({ url: 'https://github.com/tokengate/tokengate/issues' });
      expect(manifest['keywords']).toEqual(expect.arrayContaining(['tokengate']));
    });

    it('passes publint --strict', async () => {
      const data = await readFile(packed.tarball);
      const result = await publint({
        pack: { tarball: Uint8Array.from(data).buffer },
        strict: true,
      });
      const problems = result.messages
        .filter((message) => message.type !== 'suggestion')
        .map((message) => `${message.type} ${message.code}: ${formatMessage(message, result.pkg)}`);
      expect(problems).toEqual([]);
    });

    it('has correct types for node10, node16 (CJS and ESM) and bundlers (attw)', async () => {
      const report = await runAttw(packed.tarball, packed.consumerDir);
      expect(report.analysis.types.kind).toBe('included');
      expect(report.analysis.problems).toEqual([]);
      const root = report.analysis.entrypoints['.'];
      expect(root, 'the root entry point is analysed').toBeDefined();
      for (const kind of RESOLUTION_KINDS) {
        expect(root?.resolutions[kind]?.resolution, `${kind} resolves`).toBeTruthy();
      }
    });

    it('loads through require() and import() with the expected exports', async () => {
      const expected = EXPECTED_EXPORTS[pkg.name] ?? [];
      const cjs = await loadInChild(packed, pkg.name, 'cjs');
      const esm = await loadInChild(packed, pkg.name, 'esm');
      expect(cjs.resolved).toBe(join(realpathSync(packed.installedDir), 'dist', 'index.cjs'));
      expect(esm.resolved).toBe(join(realpathSync(packed.installedDir), 'dist', 'index.mjs'));
      for (const name of expected) {
        expect(cjs.exports[name], `CJS export ${name}`).toBe('function');
        expect(esm.exports[name], `ESM export ${name}`).toBe('function');
      }
      expect(Object.keys(esm.exports).length, 'the package exports something').toBeGreaterThan(0);
      // Both builds come from one source, so they must expose the same names.
      expect(Object.keys(cjs.exports).sort()).toEqual(Object.keys(esm.exports).sort());
    });

    it('ships runnable executables for every bin entry', async () => {
      const bins = packed.manifest.bin;
      const targets = typeof bins === 'string' ? [bins] : stringsIn(bins);
      for (const target of targets) {
        const file = join(packed.installedDir, target);
        // npm links the file as is: without the shebang a shell would run it as a script.
        expect((await readFile(file, 'utf8')).startsWith('#!/usr/bin/env node\n'), target).toBe(
          true,
        );
        const { stdout } = await run(process.execPath, [file, '--version'], {
          cwd: packed.consumerDir,
        });
        expect(stdout.trim()).toBe(packed.manifest.version);
      }
      expect(targets.length > 0 || bins === undefined).toBe(true);
    });
  });
}

/**
 * `@tokengate/core/client-credentials`: the outgoing token source alone. A service that only
 * calls others must be able to load it without the verifier and the JWKS cache.
 */
describe('@tokengate/core/client-credentials', () => {
  const core = packages.find((pkg) => pkg.name === '@tokengate/core')!;
  const subpath = '@tokengate/core/client-credentials';
  let packed: Packed;

  beforeAll(async () => {
    packed = await buildAndPack(core, join(workRoot, 'core-client-credentials'));
  }, PACKAGE_TIMEOUT_MS);

  it('has correct types for every resolution mode (attw)', async () => {
    const report = await runAttw(packed.tarball, packed.consumerDir);
    expect(report.analysis.problems).toEqual([]);
    const entry = report.analysis.entrypoints['./client-credentials'];
    expect(entry, 'the subpath is analysed').toBeDefined();
    for (const kind of RESOLUTION_KINDS) {
      expect(entry?.resolutions[kind]?.resolution, `${kind} resolves`).toBeTruthy();
    }
  });

  it('loads through require() and import() with the token source only', async () => {
    const cjs = await loadInChild(packed, subpath, 'cjs');
    const esm = await loadInChild(packed, subpath, 'esm');
    const dist = join(realpathSync(packed.installedDir), 'dist');
    expect(cjs.resolved).toBe(join(dist, 'client-credentials.cjs'));
    expect(esm.resolved).toBe(join(dist, 'client-credentials.mjs'));
    for (const exports of [cjs.exports, esm.exports]) {
      expect(exports).toEqual({
        createClientCredentialsSource: 'function',
        TokenEndpointError: 'function',
      });
    }
  });

  it('does not bundle the verifier or the JWKS cache into the subpath', async () => {
    const dist = join(packed.installedDir, 'dist');
    for (const entry of ['client-credentials.mjs', 'client-credentials.cjs']) {
      // The entry and every chunk it reaches, transitively.
      const seen = new Set<string>();
      const pending = [entry];
      while (pending.length > 0) {
        const file = pending.pop()!;
        if (seen.has(file)) continue;
        seen.add(file);
        const code = await readFile(join(dist, file), 'utf8');
        expect(code, file).not.toMatch(/createVerifier|createJwksCache|verifyToken/);
        for (const match of code.matchAll(/(?:from |require\()["']\.\/([^"']+)["']/g)) {
          pending.push(match[1]!);
        }
      }
      expect(seen.size, `${entry} and its chunks`).toBeGreaterThan(1);
    }
  });
});
