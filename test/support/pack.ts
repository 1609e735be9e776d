// Packs the workspace's publishable packages the way npm would receive them, for the packaging
// suites (test/packaging.test.ts, test/packaging/tarball-apps.test.ts).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const run = promisify(execFile);
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [field: string]: unknown;
}

export interface WorkspacePackage {
  name: string;
  dir: string;
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** Every package under `packages/` that is not `private`. */
export function publishablePackages(): WorkspacePackage[] {
  const packagesDir = join(ROOT, 'packages');
  return readdirSync(packagesDir)
    .map((entry) => join(packagesDir, entry))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: readJson<Manifest>(join(dir, 'package.json')) }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({ name: manifest.name, dir }));
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
    join(ROOT, 'tsdown.base.ts'),
    join(ROOT, 'tsconfig.json'),
    join(ROOT, 'tsconfig.base.json'),
  ].filter((file) => existsSync(file));
  const newestInput = Math.max(...inputs.map((file) => statSync(file).mtimeMs));
  const oldestOutput = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  return oldestOutput >= newestInput;
}

const LOCK_STALE_MS = 120_000;

/**
 * Builds `pkg` when its `dist` is stale. Both packaging suites run in parallel workers, and two
 * builds writing one `dist` (tsdown cleans it first) would hand one of them a half-written
 * package, so a build holds a lock directory (`mkdir` is atomic) and the waiter re-checks.
 */
export async function ensureBuilt(pkg: WorkspacePackage): Promise<void> {
  if (distIsFresh(pkg.dir)) return;
  const lock = join(tmpdir(), `tokengate-build-${pkg.name.replace(/[@/]/g, '_')}.lock`);
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left by a killed run would otherwise block every later one.
      const age = await stat(lock).then(
        (info) => Date.now() - info.mtimeMs,
        () => 0,
      );
      if (age > LOCK_STALE_MS) await rm(lock, { recursive: true, force: true });
      else await new Promise((done) => setTimeout(done, 250));
    }
  }
  try {
    if (!distIsFresh(pkg.dir)) await run('pnpm', ['--filter', pkg.name, 'build'], { cwd: ROOT });
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/**
 * Builds (when stale) and packs `pkg` with `pnpm pack`, which applies `publishConfig` and
 * rewrites `workspace:` ranges, into `destination`. Returns the tarball's path.
 */
export async function packPackage(pkg: WorkspacePackage, destination: string): Promise<string> {
  await ensureBuilt(pkg);
  // A directory of its own, so the one tarball found there is this package's.
  const packDir = await mkdtemp(join(destination, 'pack-'));
  await run('pnpm', ['pack', '--pack-destination', packDir], { cwd: pkg.dir });
  const tarballs = readdirSync(packDir).filter((file) => file.endsWith('.tgz'));
  if (tarballs.length !== 1) {
    throw new Error(`pnpm pack wrote ${tarballs.length} tarballs for ${pkg.name}`);
  }
  const tarball = join(destination, tarballs[0]!);
  await rename(join(packDir, tarballs[0]!), tarball);
  await rm(packDir, { recursive: true, force: true });
  return tarball;
}
