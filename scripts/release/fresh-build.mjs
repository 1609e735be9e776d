// Builds a package only when its `dist` is older than its inputs, under a lock shared by every
// process that builds or packs this workspace: the packaging suites (test/support/pack.ts) and a
// rehearsal of `pnpm release` run in parallel vitest workers, and two builds writing one `dist`
// (tsdown cleans it first) would hand one of them a half-written package.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const LOCK_STALE_MS = 120_000;

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(dir, entry))
    .filter((file) => statSync(file).isFile());
}

/**
 * Whether every output in `dist` is newer than every build input. `pnpm install` builds (root
 * `prepare`), so CI normally finds every `dist` fresh and skips the ~5 s per package. A file
 * deleted from `src` leaves no newer input behind, which is why a real release always does a
 * clean build instead (scripts/release.mjs).
 */
export function distIsFresh(root, dir) {
  const outputs = filesUnder(join(dir, 'dist'));
  if (outputs.length === 0) return false;
  const inputs = [
    ...filesUnder(join(dir, 'src')),
    join(dir, 'package.json'),
    join(dir, 'tsdown.config.ts'),
    join(root, 'tsdown.base.ts'),
    join(root, 'tsconfig.json'),
    join(root, 'tsconfig.base.json'),
  ].filter((file) => existsSync(file));
  const newestInput = Math.max(...inputs.map((file) => statSync(file).mtimeMs));
  const oldestOutput = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  return oldestOutput >= newestInput;
}

/** Runs `task` holding the package's build lock (`mkdir` is atomic); waits while another holds it. */
async function withBuildLock(name, task) {
  const lock = join(tmpdir(), `tokengate-build-${name.replace(/[@/]/g, '_')}.lock`);
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
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
    return await task();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** Builds `pkg` (`{ name, dir }`) with its own `build` script when its `dist` is stale. */
export async function ensureBuilt(root, pkg) {
  if (distIsFresh(root, pkg.dir)) return;
  await withBuildLock(pkg.name, async () => {
    if (!distIsFresh(root, pkg.dir)) {
      const options = { cwd: root, maxBuffer: 16 << 20, timeout: 300_000 };
      await run('pnpm', ['--filter', pkg.name, 'build'], options);
    }
  });
}
