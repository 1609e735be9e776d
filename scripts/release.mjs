// `pnpm release`: build, pack, check and publish every @tokengate package (CONTRIBUTING.md).
//
//   pnpm release                          publish what `pnpm changeset version` prepared
//   pnpm release --dry-run                build, pack and check only
//   pnpm release --rehearsal --registry http://127.0.0.1:4873/
//                                         publish the working tree to a local registry
//   options: --registry <url> (default: npm's configured registry), --tag <dist-tag>,
//            --otp <code> (an account with two-factor authentication)
//
// Each package is packed once with `pnpm pack` (which applies `publishConfig` and rewrites
// `workspace:` ranges), that tarball is checked (scripts/release/check-tarball.mjs), and the
// same tarball is what `pnpm publish` uploads: what was checked is what users get. Nothing is
// published unless every package passes. Versions already on the registry are skipped, so a
// release cut short by a network error is finished by running it again.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { reportChecks } from './release/check-tarball.mjs';
import { ensureBuilt } from './release/fresh-build.mjs';
import { publishablePackages } from './release/workspace-packages.mjs';

const execFileAsync = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Stops the release with a reason for the person running it (temporary files still go). */
class ReleaseRefused extends Error {}

function fail(message) {
  throw new ReleaseRefused(message);
}

// Bounds for every child: a stalled registry or build fails the release instead of hanging it.
const STEP_TIMEOUT_MS = 120_000;
const BUILD_TIMEOUT_MS = 600_000;

async function run(command, args, options = {}) {
  const defaults = { cwd: ROOT, maxBuffer: 64 << 20, timeout: STEP_TIMEOUT_MS };
  return execFileAsync(command, args, { ...defaults, ...options });
}

/** Runs with the child's output shown as it comes (builds and publishes are long). */
function runVisible(command, args) {
  return new Promise((resolve, reject) => {
    const options = { cwd: ROOT, maxBuffer: 64 << 20, timeout: BUILD_TIMEOUT_MS };
    const child = execFile(command, args, options, (error) => (error ? reject(error) : resolve()));
    child.stdout.pipe(process.stdout);
    child.stderr.pipe(process.stderr);
  });
}

function parseOptions() {
  const { values } = parseArgs({
    options: {
      registry: { type: 'string' },
      tag: { type: 'string' },
      otp: { type: 'string' },
      rehearsal: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const options = {
    registry: values.registry,
    tag: values.tag,
    otp: values.otp,
    rehearsal: values.rehearsal,
    dryRun: values['dry-run'],
  };
  if (options.registry !== undefined) {
    let url;
    try {
      url = new URL(options.registry);
    } catch {
      fail(`--registry ${options.registry} is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('--registry must be http(s)');
    // A rehearsal publishes a working tree nobody reviewed: only ever to this machine.
    if (options.rehearsal && !LOOPBACK_HOSTS.has(url.hostname)) {
      fail(`--rehearsal publishes to a registry on this machine only, not ${url.host}`);
    }
  } else if (options.rehearsal) {
    fail('--rehearsal needs --registry http://127.0.0.1:<port>/ (a local registry)');
  }
  return options;
}

/** A real release ships reviewed, versioned work: a clean tree with every changeset applied. */
async function assertReleasable() {
  const status = await run('git', ['status', '--porcelain']).catch(() =>
    fail('not a git checkout: a release must come from a clean clone'),
  );
  if (status.stdout.trim() !== '') {
    fail(
      'uncommitted changes; commit them, or use --dry-run, or --rehearsal with a local ' +
        `--registry:\n${status.stdout}`,
    );
  }
  const changesetDir = join(ROOT, '.changeset');
  const pending = existsSync(changesetDir)
    ? readdirSync(changesetDir).filter((file) => file.endsWith('.md') && file !== 'README.md')
    : [];
  if (pending.length > 0) {
    fail(`pending changesets (${pending.join(', ')}): run \`pnpm changeset version\` and commit`);
  }
}

/** Users read the changelog before upgrading: each version released needs its section. */
function assertChangelogs(packages) {
  const missing = packages.filter((pkg) => {
    const file = join(pkg.dir, 'CHANGELOG.md');
    return !existsSync(file) || !readFileSync(file, 'utf8').includes(`\n## ${pkg.version}\n`);
  });
  if (missing.length > 0) {
    const names = missing.map((pkg) => `${pkg.name}@${pkg.version}`).join(', ');
    fail(`no CHANGELOG.md section for ${names}: run \`pnpm changeset version\``);
  }
}

async function build(packages, clean) {
  if (clean) {
    // tsdown cleans each `dist` first, so nothing stale from an earlier build ships.
    console.log('release: building every package');
    await runVisible('pnpm', ['run', 'build']);
    return;
  }
  for (const pkg of packages) await ensureBuilt(ROOT, pkg);
}

async function pack(pkg, destination) {
  const packDir = await mkdtemp(join(destination, 'pack-'));
  await run('pnpm', ['pack', '--pack-destination', packDir], { cwd: pkg.dir });
  const tarballs = readdirSync(packDir).filter((file) => file.endsWith('.tgz'));
  if (tarballs.length !== 1) throw new Error(`pnpm pack wrote ${tarballs.length} tarballs`);
  const tarball = join(destination, tarballs[0]);
  await rename(join(packDir, tarballs[0]), tarball);
  await rm(packDir, { recursive: true });
  return tarball;
}

function registryArgs(options) {
  return options.registry === undefined ? [] : ['--registry', options.registry];
}

/** Whether `name@version` is on the registry; any answer but "found" or E404 stops the release. */
async function isPublished(pkg, options) {
  try {
    const { stdout } = await run('npm', [
      'view',
      `${pkg.name}@${pkg.version}`,
      'version',
      ...registryArgs(options),
    ]);
    return stdout.trim() === pkg.version;
  } catch (error) {
    if (/\bE404\b/.test(error.stderr ?? '')) return false;
    throw error;
  }
}

async function publish(pkg, tarball, options) {
  // npm refuses a prerelease under `latest` unless told; `next` keeps it off default installs.
  const tag = options.tag ?? (pkg.version.includes('-') ? 'next' : 'latest');
  await run('pnpm', [
    'publish',
    tarball,
    '--access',
    'public',
    '--tag',
    tag,
    ...registryArgs(options),
    // pnpm's own checks (clean tree, release branch) are for real releases; a rehearsal
    // publishes the working tree as it is, to this machine only.
    ...(options.rehearsal ? ['--no-git-checks'] : []),
    ...(options.otp === undefined ? [] : ['--otp', options.otp]),
  ]);
  console.log(`release: published ${pkg.name}@${pkg.version} (${tag})`);
}

async function main() {
  const options = parseOptions();
  const real = !options.rehearsal && !options.dryRun;
  if (real) await assertReleasable();

  const packages = publishablePackages(ROOT);
  assertChangelogs(packages);
  await build(packages, real);

  const workDir = await mkdtemp(join(tmpdir(), 'tokengate-release-'));
  try {
    const tarballs = [];
    for (const pkg of packages) tarballs.push(await pack(pkg, workDir));
    if (!(await reportChecks(tarballs))) fail('nothing was published');
    if (options.dryRun) {
      console.log('release: --dry-run, nothing published');
      return;
    }

    for (const [index, pkg] of packages.entries()) {
      if (await isPublished(pkg, options)) {
        console.log(`release: ${pkg.name}@${pkg.version} is already published, skipped`);
        continue;
      }
      await publish(pkg, tarballs[index], options);
    }
    // Tags `@tokengate/core@0.2.0` etc. for what is now published; push them with the release.
    if (real) await runVisible('pnpm', ['exec', 'changeset', 'tag']);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

await main().catch((error) => {
  // A refusal or a mistyped option is said in one line; anything else with its details.
  const expected = error instanceof ReleaseRefused || error.code?.startsWith('ERR_PARSE_ARGS');
  if (expected) console.error(`release: ${error.message}`);
  else console.error(error.stderr || error);
  process.exitCode = 1;
});
