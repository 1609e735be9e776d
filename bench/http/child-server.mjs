// Runs one bench server as a child process, so the load generator (this process) and the
// server each get a core of their own instead of sharing one event loop.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SERVERS_DIR = fileURLToPath(new URL('./servers/', import.meta.url));
const READY_TIMEOUT_MS = 15_000;

/**
 * Starts `servers/<file>` with `env` and resolves once it printed its port.
 *
 * @returns {Promise<{ url: string, sample: () => Promise<{ cpuMicros: number, gcMicros: number }>,
 *   heapUsed: () => Promise<number>, stop: () => Promise<void> }>}
 */
export async function startChildServer(file, env) {
  // `fork` adds the IPC channel the server answers samples on; stdout carries the port.
  // --expose-gc lets it collect before reporting its heap, once its runs are over.
  const child = fork(SERVERS_DIR + file, [], {
    env: { ...process.env, ...env },
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit');
  try {
    const port = await readPort(child, exited);
    return {
      url: `http://127.0.0.1:${port}`,
      sample: () => ask(child, 'sample'),
      heapUsed: async () => (await ask(child, 'heap')).heapUsed,
      async stop() {
        child.kill('SIGTERM');
        await exited;
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

async function readPort(child, exited) {
  const lines = createInterface({ input: child.stdout });
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('no port within 15 s')), READY_TIMEOUT_MS);
  });
  const died = exited.then(([code]) => {
    throw new Error(`exited with code ${code} before listening`);
  });
  try {
    const [line] = await Promise.race([once(lines, 'line'), timeout, died]);
    const port = Number(line);
    if (!Number.isInteger(port) || port <= 0) throw new Error(`printed ${line}, not a port`);
    return port;
  } finally {
    clearTimeout(timer);
    died.catch(() => {});
  }
}

async function ask(child, question) {
  const reply = once(child, 'message');
  child.send(question);
  const [answer] = await reply;
  return answer;
}
