// What the runtime suites share: bundling built packages the way Wrangler does, and serving a
// bundle with the real workerd binary on loopback (smoke.test.ts, hono-workerd.test.ts).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildGroup } from '../support/child-processes.js';
import { collectOutput, type ChildOutput } from '../support/child-output.js';
import { freePort } from '../support/free-port.js';
import { ensureBuilt, publishablePackages } from '../support/pack.js';

/** The `workerd` package: the path of its platform binary and the newest compatibility date. */
const workerd = createRequire(import.meta.url)('workerd') as {
  default: string;
  compatibilityDate: string;
};

/** What a bundle for Workers must not contain: a `node:` import, a `require`, a `Buffer`. */
export const NODE_ONLY = [
  /\bfrom\s*["']node:|\bimport\(\s*["']node:|\brequire\(\s*["']/,
  /\bBuffer\.(from|alloc|concat|isBuffer)\b/,
] as const;

/**
 * The bundle without its comment-only lines, for the NODE_ONLY checks: rolldown keeps the TSDoc
 * of the packages, whose `@example`s may show Node code (`import type … from 'node:http'`) that
 * never runs. A comment line starts with `*`, `/*` or `//`; no import or call does.
 */
export function codeLines(bundle: string): string {
  return bundle
    .split('\n')
    .filter((line) => !/^\s*(?:\*|\/\*|\/\/)/.test(line))
    .join('\n');
}

/** Builds the named workspace packages whose `dist` is stale (the bundles read `dist`). */
export async function ensureDists(names: readonly string[]): Promise<void> {
  const packages = publishablePackages();
  for (const name of names) {
    const pkg = packages.find((candidate) => candidate.name === name);
    if (pkg === undefined) throw new Error(`${name} not found`);
    await ensureBuilt(pkg);
  }
}

/**
 * `input` and everything it imports as one ESM file, resolved from the published entries
 * (`dist`, no `node` and no `tokengate-source` condition) with the conditions Wrangler bundles a
 * Worker with (lru-cache's `browser` build skips its `node:diagnostics_channel`).
 */
export async function bundleForWorkers(input: string, file: string): Promise<void> {
  // rolldown comes with tsdown, the build tool the packages are published with.
  const fromTsdown = createRequire(createRequire(import.meta.url).resolve('tsdown/package.json'));
  const { build } = (await import(fromTsdown.resolve('rolldown'))) as {
    build(options: object): Promise<unknown>;
  };
  await build({
    input,
    platform: 'neutral',
    resolve: {
      conditionNames: ['workerd', 'worker', 'browser', 'import', 'default'],
      mainFields: ['module', 'main'],
    },
    logLevel: 'warn',
    output: { file, format: 'esm' },
  });
}

/** A child's environment without the test run's variables: only what a binary needs to start. */
export function childEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? tmpdir() };
}

export interface WorkerdServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly output: ChildOutput;
}

/**
 * Serves the ES modules `modules` (file names in `dir`, the first one the entry point) as one
 * worker, and resolves once its socket accepts connections. workerd's global `fetch` may reach
 * only public addresses unless told otherwise: the worker's outbound service allows loopback,
 * where the test issuers listen.
 */
export async function startWorkerd(
  children: ChildGroup,
  dir: string,
  modules: readonly string[],
  timeoutMs: number,
): Promise<WorkerdServer> {
  const config = join(dir, 'config.capnp');
  const embedded = modules.map((name) => `(name = "${name}", esModule = embed "${name}")`);
  writeFileSync(
    config,
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .testWorker),
    (name = "loopback", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const testWorker :Workerd.Worker = (
  modules = [${embedded.join(', ')}],
  compatibilityDate = "${workerd.compatibilityDate}",
  globalOutbound = "loopback",
);
`,
  );
  const port = await freePort();
  // The binary itself (not its npm wrapper), so stopping the child stops the server.
  const child = children.spawn(
    workerd.default,
    ['serve', config, `--socket-addr=http=127.0.0.1:${port}`],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() },
  );
  const output = collectOutput(child);
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (Date.now() > deadline || child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`workerd did not listen on ${port}\n${output.all()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { origin: `http://127.0.0.1:${port}`, output };
}

/** Whether a TCP connection to 127.0.0.1:`port` succeeds (and closes it at once). */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
