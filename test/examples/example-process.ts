// Runs an example server as its users would (`node examples/<fw>/server.mjs` from the repo root)
// and makes sure no child outlives the test run.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type Framework = 'express' | 'koa' | 'fastify' | 'hono';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY = /listening on http:\/\/localhost:(\d+)/;
const START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 1_500;

const children = new Set<ChildProcess>();

// Safety net for a crashed or aborted worker: `afterAll` normally stops every child first.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

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

function spawnExample(framework: Framework, env: Record<string, string>): ChildProcess {
  // Only what the examples read, plus PATH: a developer's own ISSUER or AUDIENCE must not leak in.
  const child = spawn(process.execPath, [`examples/${framework}/server.mjs`], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  return child;
}

/**
 * Starts an example and resolves once stdout matches `ready` (default: the "listening on" line),
 * so the embedded-issuer banner can be awaited in full.
 */
export function startExample(
  framework: Framework,
  env: Record<string, string>,
  ready: RegExp = READY,
): Promise<RunningExample> {
  const child = spawnExample(framework, env);
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      fail(`exited early (code ${code}, signal ${signal})`);
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(
        new Error(`${framework} example ${why}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`),
      );
    };
    const timer = setTimeout(
      () => fail(`not ready after ${START_TIMEOUT_MS} ms`),
      START_TIMEOUT_MS,
    );
    child.stderr?.on('data', (chunk: string) => (stderr += chunk));
    child.stdout?.on('data', (chunk: string) => {
      stdout += chunk;
      const port = READY.exec(stdout)?.[1];
      if (port === undefined || !ready.test(stdout)) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve({ url: `http://127.0.0.1:${port}`, stdout });
    });
    child.once('exit', onExit);
  });
}

/** Runs an example expected to stop by itself (a configuration error), with a deadline. */
export function runExampleToExit(
  framework: Framework,
  env: Record<string, string>,
): Promise<ExitedExample> {
  const child = spawnExample(framework, env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${framework} example still running after ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** SIGTERM every child still running, then SIGKILL whichever has not exited after a grace period. */
export async function stopAllExamples(): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}
