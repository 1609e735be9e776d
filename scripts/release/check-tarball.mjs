// What `pnpm release` checks on each packed tarball before anything is published, on the exact
// bytes it then uploads: no manifest range a registry client cannot resolve (`workspace:` and
// the other local protocols), publint --strict, @arethetypeswrong/cli on every resolution mode,
// and no runtime import of a package the manifest does not declare.
// Also a command: `node scripts/release/check-tarball.mjs <tarball>...` exits 1 on a problem.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify, stripVTControlCharacters } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Fields a consumer's package manager reads; pnpm rewrites these ranges when it packs. */
const RANGE_FIELDS = [
  'dependencies',
  'peerDependencies',
  'optionalDependencies',
  'devDependencies',
];
/** Protocols only a workspace (or one machine) can resolve: npm fails with EUNSUPPORTEDPROTOCOL. */
const LOCAL_PROTOCOL = /^(workspace|catalog|link|file|portal):/;
/** Where an installed package's code can reach another package at run time. */
const RUNTIME_FILE = /\.(mjs|cjs|js)$/;
const SPECIFIER = /(?:\bfrom|\bimport|\brequire)\s*\(?\s*(["'])([^"'\s]+)\1/g;
const BUILTINS = new Set(builtinModules);

function localRanges(manifest) {
  const problems = [];
  for (const field of RANGE_FIELDS) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (LOCAL_PROTOCOL.test(range)) {
        problems.push(`${field}["${name}"] is "${range}": no registry client can resolve it`);
      }
    }
  }
  return problems;
}

async function publintProblems(tarball) {
  const data = await readFile(tarball);
  const result = await publint({ pack: { tarball: Uint8Array.from(data).buffer }, strict: true });
  return (
    result.messages
      .filter((message) => message.type !== 'suggestion')
      // formatMessage colours its output whenever `CI` is set (picocolors); the report is plain text.
      .map(
        (message) =>
          `publint ${message.code}: ${stripVTControlCharacters(formatMessage(message, result.pkg) ?? '')}`,
      )
  );
}

async function attwProblems(tarball) {
  const cliDir = realpathSync(join(ROOT, 'node_modules', '@arethetypeswrong', 'cli'));
  const bin = JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8')).bin.attw;
  const args = [join(cliDir, bin), tarball, '--format', 'json', '--no-definitely-typed'];
  // attw exits 1 when it finds problems; its report is on stdout either way.
  const stdout = await run(process.execPath, args, { maxBuffer: 64 << 20, timeout: 120_000 }).then(
    (result) => result.stdout,
    (error) => {
      if (typeof error.stdout !== 'string' || error.stdout === '') throw error;
      return error.stdout;
    },
  );
  const report = JSON.parse(stdout);
  const problems = report.analysis.problems.map(
    (problem) =>
      `attw ${problem.kind}` +
      (problem.entrypoint === undefined ? '' : ` at "${problem.entrypoint}"`) +
      (problem.resolutionKind === undefined ? '' : ` (${problem.resolutionKind})`),
  );
  if (report.analysis.types?.kind !== 'included') problems.push('attw: the package ships no types');
  return problems;
}

function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Bare specifiers in the built code that the manifest does not declare. Bundler output puts
 * each import on a line of code; lines of comments (JSDoc examples) are skipped.
 */
function undeclaredImports(packageDir, manifest) {
  const declared = new Set([
    manifest.name,
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
    ...Object.keys(manifest.optionalDependencies ?? {}),
  ]);
  const problems = [];
  const files = readdirSync(packageDir, { recursive: true, encoding: 'utf8' }).filter((file) =>
    RUNTIME_FILE.test(file),
  );
  for (const file of files.sort()) {
    const code = readFileSync(join(packageDir, file), 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
      .join('\n');
    for (const match of code.matchAll(SPECIFIER)) {
      const specifier = match[2];
      if (/^[./#]/.test(specifier) || specifier.startsWith('node:')) continue;
      if (BUILTINS.has(specifier) || BUILTINS.has(packageOf(specifier))) continue;
      if (declared.has(packageOf(specifier))) continue;
      problems.push(
        `${relative(packageDir, join(packageDir, file))} imports "${specifier}", which is not ` +
          'in dependencies, peerDependencies or optionalDependencies',
      );
      declared.add(packageOf(specifier));
    }
  }
  return problems;
}

/** Checks one tarball; resolves to `{ name, version, problems }` (empty `problems`: publishable). */
export async function checkTarball(tarball) {
  const dir = await mkdtemp(join(tmpdir(), 'tokengate-release-check-'));
  try {
    await run('tar', ['-xzf', tarball, '-C', dir], { timeout: 60_000 });
    const packageDir = join(dir, 'package');
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
    const problems = [];
    if (manifest.private === true) problems.push('the manifest is private');
    problems.push(...localRanges(manifest));
    problems.push(...undeclaredImports(packageDir, manifest));
    const [fromPublint, fromAttw] = await Promise.all([
      publintProblems(tarball),
      attwProblems(tarball),
    ]);
    problems.push(...fromPublint, ...fromAttw);
    return { name: manifest.name, version: manifest.version, problems };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Prints one verdict per tarball; resolves to whether every one passed. */
export async function reportChecks(tarballs, concurrency = 2) {
  const results = new Array(tarballs.length);
  let next = 0;
  const worker = async () => {
    while (next < tarballs.length) {
      const index = next++;
      results[index] = await checkTarball(tarballs[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tarballs.length) }, worker));
  for (const { name, version, problems } of results) {
    if (problems.length === 0) {
      console.log(`checked ${name}@${version}: publint --strict, attw, ranges, imports`);
    } else {
      console.error(`refused ${name}@${version}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    }
  }
  return results.every((result) => result.problems.length === 0);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const tarballs = process.argv.slice(2);
  if (tarballs.length === 0) {
    console.error('usage: node scripts/release/check-tarball.mjs <tarball>...');
    process.exit(2);
  }
  process.exitCode = (await reportChecks(tarballs)) ? 0 : 1;
}
