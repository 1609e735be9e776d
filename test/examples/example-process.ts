// Runs an example server as its users would (`node examples/<fw>/server.mjs` from the repo root)
// and makes sure no child outlives the test run.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { collectOutput, waitForExit, type ChildOutput } from '../support/child-output.js';
import { createChildGroup } from '../support/child-processes.js';

export type Framework = 'express' | 'koa' | 'fastify' | 'hono' | 'nestjs';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY = /listening on http:\/\/localhost:(\d+)/;
const START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 1_500;

const examples = createChildGroup();

export interface RunningExample {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Everything the server printed on stdout up to readiness (banner included). */
  readonly stdout: string;
}

export interface ExitedExample {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function spawnExample(
  framework: Framework,
  env: Record<string, string>,
): [ChildProcess, ChildOutput] {
  // Only what the examples read, plus PATH: a developer's own ISSUER or AUDIENCE must not leak in.
  const child = examples.spawn(process.execPath, [`examples/${framework}/server.mjs`], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return [child, collectOutput(child)];
}

/**
 * Starts an example and resolves once stdout matches `ready` (default: the "listening on" line),
 * so the embedded-issuer banner can be awaited in full.
 */
export async function startExample(
  framework: Framework,
  env: Record<string, string>,
  ready: RegExp = READY,
): Promise<RunningExample> {
  const [child, output] = spawnExample(framework, env);
  try {
    await output.waitFor(
      ({ stdout }) => READY.test(stdout()) && ready.test(stdout()),
      START_TIMEOUT_MS,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(
      `${framework} example ${(error as Error).message}\n` +
        `--- stdout\n${output.stdout()}\n--- stderr\n${output.stderr()}`,
      { cause: error },
    );
  }
  const stdout = output.stdout();
  return { url: `http://127.0.0.1:${READY.exec(stdout)![1]!}`, stdout };
}

/** Runs an example expected to stop by itself (a configuration error), with a deadline. */
export async function runExampleToExit(
  framework: Framework,
  env: Record<string, string>,
): Promise<ExitedExample> {
  const [child, output] = spawnExample(framework, env);
  const { code, signal } = await waitForExit(child, START_TIMEOUT_MS).catch((error: Error) => {
    throw new Error(`${framework} example ${error.message}`);
  });
  return { code, signal, stdout: output.stdout(), stderr: output.stderr() };
}

/** SIGTERM every child still running, then SIGKILL whichever has not exited after a grace period. */
export function stopAllExamples(): Promise<void> {
  return examples.stopAll(STOP_GRACE_MS);
}
