/**
 * What `pnpm release` refuses before it builds anything: a rehearsal without a registry or aimed
 * at one off this machine, a version without its changelog section, and a real release from
 * anything but a clean, fully versioned git checkout. Each case runs scripts/release.mjs in a throw-away copy of the workspace (the real
 * registry rehearsal is registry-rehearsal.test.ts).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../support/pack.js';
import { cleanEnv } from './app-checks.js';
import { outcome, type Outcome } from './command-outcome.js';
import { copyWorkspace } from './workspace-copy.js';

let copy = '';

beforeAll(async () => {
  copy = await mkdtemp(join(tmpdir(), 'tokengate-release-guards-'));
  await copyWorkspace(copy, ['core'], () => undefined);
});

afterAll(async () => {
  if (copy !== '') await rm(copy, { recursive: true, force: true });
});

/** Runs the copy's release script; resolves to its exit code and what it printed. */
function release(...args: string[]): Promise<Outcome> {
  const script = join(copy, 'scripts', 'release.mjs');
  return outcome(process.execPath, [script, ...args], {
    cwd: copy,
    env: cleanEnv(),
    timeoutMs: 30_000,
  });
}

function git(...args: string[]) {
  // An identity of its own, and no signing a developer's global config may ask for.
  const identity = ['-c', 'user.name=release-guard', '-c', 'user.email=guard@example.invalid'];
  identity.push('-c', 'commit.gpgsign=false');
  return run('git', [...identity, ...args], { cwd: copy, timeout: 30_000 });
}

it('refuses a rehearsal without a registry', async () => {
  const { code, output } = await release('--rehearsal');
  expect(code).toBe(1);
  expect(output).toContain('release: --rehearsal needs --registry');
});

it('refuses a rehearsal aimed at a registry off this machine', async () => {
  const { code, output } = await release('--rehearsal', '--registry', 'https://example.org/');
  expect(code).toBe(1);
  expect(output).toContain('release: --rehearsal publishes to a registry on this machine only');
});

it('refuses an unknown option instead of ignoring it', async () => {
  const { code, output } = await release('--rehersal');
  expect(code).toBe(1);
  expect(output).toContain("release: Unknown option '--rehersal'");
});

it('refuses a version without its CHANGELOG.md section, before building', async () => {
  const file = join(copy, 'packages', 'core', 'package.json');
  const manifest = await readFile(file, 'utf8');
  try {
    await writeFile(file, manifest.replace(/"version": "[^"]+"/, '"version": "99.0.0"'));
    const { code, output } = await release('--dry-run');
    expect(code).toBe(1);
    expect(output).toContain('release: no CHANGELOG.md section for @tokengate/core@99.0.0');
  } finally {
    await writeFile(file, manifest);
  }
});

it('refuses a real release outside a git checkout, with changes, or with pending changesets', async () => {
  expect((await release()).output).toContain('release: not a git checkout');

  await git('init', '--quiet');
  await writeFile(join(copy, '.gitignore'), 'node_modules\ndist\n');
  const dirty = await release();
  expect(dirty.code).toBe(1);
  expect(dirty.output).toContain('release: uncommitted changes');

  await git('add', '--all');
  await git('commit', '--quiet', '--message', 'the copy');
  // A changeset that nobody applied with `pnpm changeset version`: its bump would not ship.
  await mkdir(join(copy, '.changeset'));
  const changeset = '---\n"@tokengate/core": patch\n---\n\nA fix.\n';
  await writeFile(join(copy, '.changeset', 'brave-keys-rotate.md'), changeset);
  await git('add', '--all');
  await git('commit', '--quiet', '--message', 'a changeset');
  const pending = await release();
  expect(pending.code).toBe(1);
  expect(pending.output).toContain('release: pending changesets (brave-keys-rotate.md)');
}, 60_000);
