/**
 * Packaging checks on what npm would really receive: each publishable package is built (when its
 * `dist` is stale), packed with `pnpm pack` (which applies `publishConfig`), then the tarball is
 * linted by publint and attw and installed into a throwaway project that loads it through
 * `require` and `import` in a clean child `node`.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
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
  '@tokengate/redis': ['createRedisRevocationStore'],
};

/** The resolutions attw must find typed and correct: every mode TypeScript users compile with. */
const RESOLUTION_KINDS = ['node10', 'node16-cjs', 'node16-esm', 'bundler'] as const;

/** Manifest fields through which a consumer reaches files; none may point into `src`. */
const ENTRY_FIELDS = ['exports', 'imports', 'main', 'module', 'types', 'typings', 'bin', 'browser'];

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [field: string]: unknown;
}

interface WorkspacePackage {
  name: string;
  dir: string;
}

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

function publishablePackages(): WorkspacePackage[] {
  const packagesDir = join(ROOT, 'packages');
  return readdirSync(packagesDir)
    .map((entry) => join(packagesDir, entry))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: readJson<Manifest>(join(dir, 'package.json')) }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({ name: manifest.name, dir }));
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(dir, entry))
    .filter((file) => statSync(file).isFile());
}

/**
 * `dist` is reused when every output is newer than every build input; otherwise it is rebuilt.
 * `pnpm install` already builds (root `prepare`), so CI normally skips the ~5 s per package.
 */
function distIsFresh(dir: string): boolean {
  const outputs = filesUnder(join(dir, 'dist'));
  if (outputs.length === 0) return false;
  const inputs = [
    ...filesUnder(join(dir, 'src')),
    join(dir, 'package.json'),
    join(dir, 'tsdown.config.ts'),
    join(ROOT, 'tsconfig.json'),
    join(ROOT, 'tsconfig.base.json'),
  ].filter((file) => existsSync(file));
  const newestInput = Math.max(...inputs.map((file) => statSync(file).mtimeMs));
  const oldestOutput = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  return oldestOutput >= newestInput;
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
  if (!distIsFresh(pkg.dir)) {
    await run('pnpm', ['--filter', pkg.name, 'build'], { cwd: ROOT });
  }

  const packDir = join(workDir, 'pack');
  await mkdir(packDir, { recursive: true });
  await run('pnpm', ['pack', '--pack-destination', packDir], { cwd: pkg.dir });
  const tarballs = readdirSync(packDir).filter((file) => file.endsWith('.tgz'));
  expect(tarballs, 'pnpm pack should write exactly one tarball').toHaveLength(1);
  const tarball = join(packDir, tarballs[0]!);

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

    it('publishes dist and the manifest only, with no source export condition', () => {
      const { manifest, files } = packed;
      expect(files).toContain('package.json');
      expect(files.filter((file) => !file.startsWith('dist/') && file !== 'package.json')).toEqual(
        [],
      );
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
  });
}
