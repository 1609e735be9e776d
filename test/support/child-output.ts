// What a child process prints, collected as it arrives, and a wait for a readiness line such
// as "listening on http://127.0.0.1:<port>" with a deadline, so a server that never comes up
// or exits early fails its suite with its output instead of hanging it.
import type { ChildProcess } from 'node:child_process';

export interface ChildOutput {
  stdout(): string;
  stderr(): string;
  /** stdout and stderr interleaved in the order they arrived. */
  all(): string;
  /**
   * Resolves once `ready(this)` holds, checked now and after each chunk. Rejects with an
   * `Error` saying why (`not ready after … ms`, `exited early (code …, signal …)`); the child is
   * left running: callers decide whether to kill it and add their output to the message.
   */
  waitFor(ready: (output: ChildOutput) => boolean, timeoutMs: number): Promise<void>;
}

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Starts collecting; call it right after spawning (the streams must be UTF-8 decoded). */
export function collectOutput(child: ChildProcess): ChildOutput {
  let stdout = '';
  let stderr = '';
  let all = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (chunk: string) => {
    stdout += chunk;
    all += chunk;
    for (const wake of waiters) wake();
  });
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
    all += chunk;
    for (const wake of waiters) wake();
  });

  const output: ChildOutput = {
    stdout: () => stdout,
    stderr: () => stderr,
    all: () => all,
    waitFor: (ready, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (!ready(output)) return;
          cleanup();
          resolve();
        };
        const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
          cleanup();
          reject(new Error(`exited early (code ${code}, signal ${signal})`));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`not ready after ${timeoutMs} ms`));
        }, timeoutMs);
        function cleanup(): void {
          clearTimeout(timer);
          waiters.delete(check);
          child.off('exit', onExit);
        }
        waiters.add(check);
        child.once('exit', onExit);
        check();
      }),
  };
  return output;
}

/**
 * Resolves once the child exited and its output streams closed (so `output` is complete);
 * past `timeoutMs` the child is killed and the promise rejects with `still running after … ms`.
 */
export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<ChildExit> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running after ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}
