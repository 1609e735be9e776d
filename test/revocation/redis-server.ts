// A real `redis-server` for the revocation tests: a child process on 127.0.0.1, a free port,
// no persistence unless asked. Nothing is skipped when it is missing: the tests fail and say
// how to install it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const READY = /Ready to accept connections/;
const START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3_000;

const running = new Set<ChildProcess>();
// Safety net for a crashed or aborted worker: `afterAll` normally stops every server first.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops the server (SIGTERM, then SIGKILL); with no persistence, every key is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Everything the server printed, for failure messages. */
  log(): string;
  /** Stops it for good and removes its directory. */
  dispose(): Promise<void>;
  /** Sends one command over a fresh connection and returns the raw RESP reply. */
  command(...args: string[]): Promise<string>;
}

export interface RedisServerOptions {
  /** AOF persistence in a temporary directory, so a restart keeps the data. Default `false`. */
  readonly persistent?: boolean;
}

/** Fails with a clear message when `redis-server` is not installed. */
export function assertRedisServerInstalled(): void {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(
      'redis-server is not installed, and the revocation tests need a real one. Run the apt ' +
        'step of .ci/run: apt-get update && apt-get install -y --no-install-recommends redis-server',
    );
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  assertRedisServerInstalled();
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'tokengate-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    options.persistent === true ? 'yes' : 'no',
    '--dir',
    dir,
  ];
  let child: ChildProcess | undefined;
  let output = '';

  async function start(): Promise<void> {
    if (child !== undefined) throw new Error('redis-server is already running');
    const started = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    running.add(started);
    started.once('exit', () => {
      running.delete(started);
      if (child === started) child = undefined;
    });
    started.stdout?.setEncoding('utf8');
    started.stderr?.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => fail('not ready in time'), START_TIMEOUT_MS);
      const onExit = (code: number | null): void => fail(`exited with code ${code}`);
      function fail(why: string): void {
        clearTimeout(timer);
        started.kill('SIGKILL');
        reject(new Error(`redis-server on port ${port} ${why}:\n${output}`));
      }
      started.stderr?.on('data', (chunk: string) => (output += chunk));
      started.stdout?.on('data', (chunk: string) => {
        output += chunk;
        seen += chunk;
        if (!READY.test(seen)) return;
        clearTimeout(timer);
        started.off('exit', onExit);
        resolve();
      });
      started.once('exit', onExit);
    });
  }

  async function stop(): Promise<void> {
    const current = child;
    if (current === undefined) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => current.kill('SIGKILL'), STOP_GRACE_MS);
      current.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      current.kill('SIGTERM');
    });
  }

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    log: () => output,
    command: (...command: string[]) => sendCommand(port, command),
    async dispose() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A RESP2 request on its own connection; the reply is returned unparsed (e.g. `:1\r\n`). */
function sendCommand(port: number, args: readonly string[]): Promise<string> {
  const request =
    `*${args.length}\r\n` + args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('');
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    socket.setEncoding('utf8');
    socket.once('data', (reply: string) => {
      socket.destroy();
      resolve(reply);
    });
    socket.once('error', reject);
  });
}
