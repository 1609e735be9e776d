// Results the packaging suites collect instead of throwing: a command's exit code and output (a
// refusal is the expected answer in some tests), and work started early whose failure belongs to
// the test that awaits it, not to an unhandled rejection.
import { run } from '../support/pack.js';

export interface Outcome {
  readonly code: number;
  readonly output: string;
}

export interface OutcomeOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** SIGTERM after this long; the outcome then has code -1. */
  readonly timeoutMs: number;
}

/** Runs `command` to its end and reports its exit code and stdout followed by stderr. */
export function outcome(command: string, args: string[], options: OutcomeOptions) {
  const { cwd, env, timeoutMs } = options;
  return run(command, args, { cwd, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }).then(
    ({ stdout, stderr }): Outcome => ({ code: 0, output: stdout + stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }): Outcome => ({
      code: typeof error.code === 'number' ? error.code : -1,
      output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
    }),
  );
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: string };

/** Never rejects: the error (with a child's stderr) becomes the value. */
export function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: { message?: string; stderr?: string }) => ({
      ok: false,
      error: `${error.message ?? String(error)}\n${error.stderr ?? ''}`,
    }),
  );
}

/** The value, or the error thrown again in the test that needs the value. */
export function valueOf<T>(settled: Settled<T>): T {
  if (!settled.ok) throw new Error(settled.error);
  return settled.value;
}
