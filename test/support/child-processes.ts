// Child processes a test suite starts (example servers, fleet instances, redis-server, the CLI),
// tracked so that none outlives the run: suites stop their own group in `afterAll`, and one
// `exit` handler kills whatever a crashed or aborted worker left behind.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

const everyChild = new Set<ChildProcess>();

// Safety net: `afterAll` normally stops every child first. Only synchronous work runs in an
// `exit` handler, so this is SIGKILL without a grace period.
process.once('exit', () => {
  for (const child of everyChild) child.kill('SIGKILL');
});

export interface ChildGroup {
  /** Spawns and tracks a child until it exits; its stdout and stderr are decoded as UTF-8. */
  spawn(command: string, args: readonly string[], options: SpawnOptions): ChildProcess;
  /** Stops every child of this group still running (see `stopChild`). */
  stopAll(graceMs: number): Promise<void>;
}

export function createChildGroup(): ChildGroup {
  const children = new Set<ChildProcess>();
  return {
    spawn(command, args, options) {
      const child = spawn(command, args, options);
      children.add(child);
      everyChild.add(child);
      child.once('exit', () => {
        children.delete(child);
        everyChild.delete(child);
      });
      child.stdout?.setEncoding('utf8');
      child.stderr?.setEncoding('utf8');
      return child;
    },
    async stopAll(graceMs) {
      await Promise.all([...children].map((child) => stopChild(child, graceMs)));
    },
  };
}

/** SIGTERM, then SIGKILL if the child has not exited after `graceMs`; resolves once it exited. */
export function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
