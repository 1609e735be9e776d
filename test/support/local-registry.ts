// A real npm registry on 127.0.0.1 for the publish rehearsal: Verdaccio 5 (6 needs Node 22) in
// a throw-away folder, with no uplinks, so it serves only what was published to it and never
// proxies the public registry. One user with a random password is registered through the
// registry's own `adduser` endpoint; its token sits in a temporary npm user config that only the
// publishing child processes read (`npm_config_userconfig`), never the user's ~/.npmrc.
import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { collectOutput } from './child-output.js';
import { createChildGroup, stopChild } from './child-processes.js';
import { freePort } from './free-port.js';
import { readJson, ROOT } from './pack.js';

const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const USER = 'rehearsal';

export interface LocalRegistry {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  /** The registry's process id: what `stop()` signals. */
  readonly pid: number;
  /** An npm user config file holding the publishing token (and nothing else). */
  readonly publishConfig: string;
  /** The registry's log so far, for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process is gone. */
  stop(): Promise<void>;
}

// No `proxy` on any package pattern and no uplinks: a name that was not published here is a
// 404, so nothing of ours can be fetched from anywhere but this registry.
function config(dir: string): string {
  return `storage: ${JSON.stringify(join(dir, 'storage'))}
auth:
  htpasswd:
    file: ${JSON.stringify(join(dir, 'htpasswd'))}
    # Our user only: registration closes once it exists.
    max_users: 1
uplinks: {}
packages:
  '**':
    access: $all
    publish: $authenticated
    unpublish: $authenticated
web:
  enable: false
log: { type: stdout, format: json, level: warn }
`;
}

async function registerUser(url: string): Promise<string> {
  const password = randomBytes(24).toString('base64url');
  const response = await fetch(new URL(`-/user/org.couchdb.user:${USER}`, url), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: USER, password }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as { token?: unknown; error?: unknown };
  if (!response.ok || typeof body.token !== 'string') {
    throw new Error(`registering ${USER}: ${response.status} ${JSON.stringify(body)}`);
  }
  return body.token;
}

function verdaccioScript(): string {
  const packageDir = realpathSync(join(ROOT, 'node_modules', 'verdaccio'));
  const { bin } = readJson<{ bin: string | Record<string, string> }>(
    join(packageDir, 'package.json'),
  );
  return join(packageDir, typeof bin === 'string' ? bin : bin['verdaccio']!);
}

async function startOn(dir: string, configFile: string, port: number): Promise<LocalRegistry> {
  const url = `http://127.0.0.1:${port}/`;
  // Node runs the bin directly, so the pid is Verdaccio's own and not a shell's.
  const child = createChildGroup().spawn(
    process.execPath,
    [verdaccioScript(), '--config', configFile, '--listen', `127.0.0.1:${port}`],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  const output = collectOutput(child);
  const stop = (): Promise<void> => stopChild(child, STOP_GRACE_MS);
  try {
    await output.waitFor((out) => out.stdout().includes(`http address - ${url}`), START_TIMEOUT_MS);
    const token = await registerUser(url);
    const publishConfig = join(dir, 'publish.npmrc');
    // Keyed by the registry's host and port: npm sends the token to this registry only.
    await writeFile(publishConfig, `//127.0.0.1:${port}/:_authToken=${token}\n`, { mode: 0o600 });
    return { url, pid: child.pid!, publishConfig, output: () => output.all(), stop };
  } catch (error) {
    await stop();
    throw new Error(`Verdaccio did not start: ${(error as Error).message}\n${output.all()}`, {
      cause: error,
    });
  }
}

/** Starts Verdaccio with its config, storage and user config under `dir`. */
export async function startLocalRegistry(dir: string): Promise<LocalRegistry> {
  await mkdir(dir, { recursive: true });
  const configFile = join(dir, 'config.yaml');
  await writeFile(configFile, config(dir));
  // freePort() cannot reserve the port: should another process take it first, try another.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(dir, configFile, await freePort());
    } catch (error) {
      if (attempt === 3 || !/EADDRINUSE/.test((error as Error).message)) throw error;
    }
  }
}
