// A real `redis-server` for the revocation tests (test/revocation, packages/redis): a child
// process on 127.0.0.1, a free port, no persistence unless asked. Nothing is skipped when it is
// missing: the tests fail and say how to install it.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectOutput } from './child-output.js';
import { createChildGroup, stopChild } from './child-processes.js';
import { freePort } from './free-port.js';

const READY = /Ready to accept connections/;
const START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3_000;

const servers = createChildGroup();

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
  // Every run's output, restarts included, for failure messages.
  let earlier = '';
  let current: (() => string) | undefined;
  const log = (): string => earlier + (current?.() ?? '');

  async function start(): Promise<void> {
    if (child !== undefined) throw new Error('redis-server is already running');
    const started = servers.spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.once('exit', () => {
      if (child === started) child = undefined;
    });
    earlier = log();
    const printed = collectOutput(started);
    current = printed.all;
    try {
      await printed.waitFor((output) => READY.test(output.stdout()), START_TIMEOUT_MS);
    } catch (error) {
      started.kill('SIGKILL');
      throw new Error(`redis-server on port ${port} ${(error as Error).message}:\n${log()}`, {
        cause: error,
      });
    }
  }

  async function stop(): Promise<void> {
    if (child !== undefined) await stopChild(child, STOP_GRACE_MS);
  }

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    log,
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
