// Runs the BUILT `tokengate` executable as a child process, the way users run it. The build is
// made here when `dist` is missing or older than `src` (CI's `pnpm install` has built it already).
import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { collectOutput, waitForExit } from '../../../test/support/child-output.js';
import { createChildGroup } from '../../../test/support/child-processes.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_ROOT = join(PACKAGE_DIR, '..', '..');
export const BIN = join(PACKAGE_DIR, 'dist', 'bin.mjs');
const LOCK = join(tmpdir(), 'tokengate-cli-build-lock');
const RUN_TIMEOUT_MS = 10_000;

const runs = createChildGroup();

function newestMtime(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .map((entry) => statSync(join(dir, entry)))
      .filter((stat) => stat.isFile())
      .map((stat) => stat.mtimeMs),
  );
}

function isFresh(): boolean {
  if (!existsSync(BIN)) return false;
  const inputs = Math.max(
    newestMtime(join(PACKAGE_DIR, 'src')),
    statSync(join(PACKAGE_DIR, 'package.json')).mtimeMs,
  );
  return statSync(BIN).mtimeMs >= inputs;
}

/** Builds once even when several test files start together: the first takes a directory lock. */
export async function ensureBuilt(): Promise<void> {
  for (let waited = 0; !isFresh(); waited += 100) {
    try {
      mkdirSync(LOCK);
    } catch {
      if (waited > 60_000) throw new Error(`${LOCK} held for a minute: remove it if stale`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    try {
      if (!isFresh()) {
        await promisify(execFile)('pnpm', ['--filter', '@tokengate/cli', 'build'], {
          cwd: REPO_ROOT,
        });
      }
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function spawnCli(args: readonly string[]): ChildProcess {
  return runs.spawn(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Runs `tokengate …args` to completion, with `stdin` as its standard input. */
export async function runCli(args: readonly string[], stdin = ''): Promise<CliResult> {
  const child = spawnCli(args);
  const output = collectOutput(child);
  child.stdin?.end(stdin);
  const { code } = await waitForExit(child, RUN_TIMEOUT_MS).catch(() => {
    throw new Error(
      `tokengate ${args[0]} did not exit within ${RUN_TIMEOUT_MS} ms\n` +
        `${output.stdout()}\n${output.stderr()}`,
    );
  });
  return { code, stdout: output.stdout(), stderr: output.stderr() };
}

export interface ServingCli {
  /** What was printed up to readiness. */
  readonly stdout: string;
  /** Sends SIGTERM and resolves with the exit status. */
  stop(): Promise<number | null>;
}

/** Starts a long-running `tokengate …args` and resolves once stdout matches `ready`. */
export async function startCli(args: readonly string[], ready: RegExp): Promise<ServingCli> {
  const child = spawnCli(args);
  const output = collectOutput(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    await output.waitFor(({ stdout }) => ready.test(stdout()), RUN_TIMEOUT_MS);
  } catch {
    child.kill('SIGKILL');
    throw new Error(`tokengate ${args[0]} not ready\n${output.stdout()}\n${output.stderr()}`);
  }
  return {
    stdout: output.stdout(),
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
