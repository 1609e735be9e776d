// Packs the workspace's publishable packages the way npm would receive them, for the packaging
// suites (test/packaging.test.ts, test/packaging/tarball-apps.test.ts,
// test/packaging/registry-rehearsal.test.ts).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureBuilt as ensureBuiltIn } from '../../scripts/release/fresh-build.mjs';

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

/**
 * Builds `pkg` when its `dist` is stale, under the build lock that `pnpm release` rehearsals
 * share (scripts/release/fresh-build.mjs): the packaging suites run in parallel workers.
 */
export function ensureBuilt(pkg: WorkspacePackage): Promise<void> {
  return ensureBuiltIn(ROOT, pkg);
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
