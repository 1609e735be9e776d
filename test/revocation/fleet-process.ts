// Runs `fleet-server.mjs` instances as child processes and makes sure none outlives the run.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('./fleet-server.mjs', import.meta.url));
const READY = /listening on (http:\/\/127\.0\.0\.1:\d+)/;
const START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 1_500;

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

export interface FleetInstance {
  readonly url: string;
  /** Everything printed so far. */
  output(): string;
  /** Resolves once stdout (from the start) matches `pattern`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export function startInstance(env: Record<string, string>): Promise<FleetInstance> {
  const child = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  let output = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (chunk: string) => {
    output += chunk;
    for (const wake of waiters) wake();
  });
  child.stderr?.on('data', (chunk: string) => (output += chunk));

  function waitForOutput(pattern: RegExp, timeoutMs = START_TIMEOUT_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!pattern.test(output)) return;
        cleanup();
        resolve();
      };
      const onExit = (code: number | null): void => {
        cleanup();
        reject(new Error(`fleet server exited (code ${code}) waiting for ${pattern}:\n${output}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fleet server printed no ${pattern} in ${timeoutMs} ms:\n${output}`));
      }, timeoutMs);
      function cleanup(): void {
        clearTimeout(timer);
        waiters.delete(check);
        child.off('exit', onExit);
      }
      waiters.add(check);
      child.once('exit', onExit);
      check();
    });
  }

  return waitForOutput(READY).then(() => ({
    url: READY.exec(output)![1]!,
    output: () => output,
    waitForOutput,
  }));
}

/** SIGTERM every instance, then SIGKILL whichever is still running after a grace period. */
export async function stopAllInstances(): Promise<void> {
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
