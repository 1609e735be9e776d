// Runs `fleet-server.mjs` instances as child processes and makes sure none outlives the run.
import { fileURLToPath } from 'node:url';
import { collectOutput } from '../support/child-output.js';
import { createChildGroup } from '../support/child-processes.js';

const SERVER = fileURLToPath(new URL('./fleet-server.mjs', import.meta.url));
const READY = /listening on (http:\/\/127\.0\.0\.1:\d+)/;
const START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 1_500;

const instances = createChildGroup();

export interface FleetInstance {
  readonly url: string;
  /** Everything printed so far. */
  output(): string;
  /** Resolves once stdout (from the start) matches `pattern`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export async function startInstance(env: Record<string, string>): Promise<FleetInstance> {
  const child = instances.spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const printed = collectOutput(child);

  async function waitForOutput(pattern: RegExp, timeoutMs = START_TIMEOUT_MS): Promise<void> {
    try {
      await printed.waitFor((output) => pattern.test(output.all()), timeoutMs);
    } catch (error) {
      throw new Error(
        `fleet server ${(error as Error).message} waiting for ${pattern}:\n${printed.all()}`,
        { cause: error },
      );
    }
  }

  await waitForOutput(READY);
  return { url: READY.exec(printed.all())![1]!, output: printed.all, waitForOutput };
}

/** SIGTERM every instance, then SIGKILL whichever is still running after a grace period. */
export function stopAllInstances(): Promise<void> {
  return instances.stopAll(STOP_GRACE_MS);
}
