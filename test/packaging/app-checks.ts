// What the suites that install the packages into fresh npm projects share
// (tarball-apps.test.ts from packed tarballs, registry-rehearsal.test.ts from a registry): the
// child environment, writing and running the small apps of tarball-apps.ts, the four answers a
// protected route must give, and the strict TypeScript check.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { ROOT, run } from '../support/pack.js';
import {
  appSource,
  DRIVER_SOURCE,
  REALM,
  typedSource,
  type Adapter,
  type Answer,
  type DriveReport,
} from './tarball-apps.js';

const APP_TIMEOUT_MS = 30_000;
// Installs fetch the frameworks from the npm registry; a stalled one fails instead of hanging.
const INSTALL_TIMEOUT_MS = 200_000;
const TSC_TIMEOUT_MS = 120_000;

/** The child sees neither vitest's loaders nor the `pnpm test` script's package context. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name === 'NODE_OPTIONS' || name === 'NODE_PATH' || name.startsWith('VITEST')) continue;
    if (name.startsWith('npm_package_') || name.startsWith('npm_lifecycle_')) continue;
    env[name] = value;
  }
  return env;
}

/** `npm install` into `appDir`, quietly; `extraArgs` come first (e.g. a scoped registry). */
export async function npmInstall(
  appDir: string,
  specs: readonly string[],
  extraArgs: readonly string[] = [],
): Promise<void> {
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', ...extraArgs, ...specs],
    { cwd: appDir, env: cleanEnv(), timeout: INSTALL_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
  );
}

/** Writes `drive.cjs` and, per adapter, `<adapter>.mjs` and `<adapter>.cjs`. */
export async function writeApps(appDir: string, adapters: readonly Adapter[]): Promise<void> {
  await writeFile(join(appDir, 'drive.cjs'), DRIVER_SOURCE);
  for (const adapter of adapters) {
    await writeFile(join(appDir, `${adapter}.mjs`), appSource(adapter, 'esm'));
    await writeFile(join(appDir, `${adapter}.cjs`), appSource(adapter, 'cjs'));
  }
}

/**
 * Writes `typed-<adapter>.mts` and `.cts` and a strict `tsconfig.json` checking them;
 * `optionsFrom` as in `typedSource` (`adapter` for an app that does not install the core).
 */
export async function writeTypedApps(
  appDir: string,
  adapters: readonly Exclude<Adapter, 'express4'>[],
  optionsFrom: 'core' | 'adapter' = 'core',
): Promise<void> {
  for (const adapter of adapters) {
    const source = typedSource(adapter, optionsFrom);
    await writeFile(join(appDir, `typed-${adapter}.mts`), source);
    await writeFile(join(appDir, `typed-${adapter}.cts`), source);
  }
  await writeFile(
    join(appDir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023'],
        module: 'nodenext',
        moduleResolution: 'nodenext',
        types: ['node'],
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        esModuleInterop: true,
        // As most apps do: @types/koa@3 does not compile against content-disposition@1's own
        // types. Ours are still checked wherever the apps use them (and by attw).
        skipLibCheck: true,
        noEmit: true,
      },
      include: ['typed-*.mts', 'typed-*.cts'],
    }),
  );
}

/** Runs the workspace's `tsc` on the app's `tsconfig.json`; resolves to its errors ('' if none). */
export function typecheckApp(appDir: string): Promise<string> {
  const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
  const options = { cwd: appDir, env: cleanEnv(), timeout: TSC_TIMEOUT_MS };
  return run(tsc, ['-p', 'tsconfig.json'], options).then(
    () => '',
    (error: { stdout?: string }) => error.stdout || String(error),
  );
}

/** Runs one app in a clean child `node` and parses what `drive.cjs` printed. */
export async function runApp(
  appDir: string,
  file: string,
  nodeArgs: readonly string[] = [],
): Promise<DriveReport> {
  const { stdout } = await promisify(execFile)(process.execPath, [...nodeArgs, file], {
    cwd: appDir,
    env: cleanEnv(),
    timeout: APP_TIMEOUT_MS,
  });
  return JSON.parse(stdout) as DriveReport;
}

function json(answer: Answer): Record<string, unknown> {
  return JSON.parse(answer.body) as Record<string, unknown>;
}

/** The four answers every app must give, with the adapter's own JSON bodies and the realm. */
export function expectProtected(report: DriveReport): void {
  expect(report.valid.status).toBe(200);
  expect(json(report.valid)['sub']).toEqual(expect.any(String));

  // RFC 6750 §3.1: no credentials, a challenge without an error code; DPoP is allowed by
  // default, so RFC 9449 §7.1 offers its scheme next to Bearer.
  expect(report.missing.status).toBe(401);
  expect(report.missing.challenge).toMatch(
    new RegExp(`^Bearer realm="${REALM}", DPoP realm="${REALM}", algs="[A-Za-z0-9 ]+"$`),
  );

  expect(report.forbidden.status).toBe(403);
  expect(json(report.forbidden)['error']).toBe('access_denied');

  expect(report.expired.status).toBe(401);
  // The adapter's own JSON body, not the framework's generic error page.
  expect(report.expired.body).toMatch(/^\{/);
  expect(json(report.expired)['error']).toBe('invalid_token');
  expect(report.expired.challenge).toMatch(
    new RegExp(`^Bearer realm="${REALM}", error="invalid_token", error_description="`),
  );
}
