// Every code block of README.md, packages/*/README.md and docs/**/*.md is checked, so the docs
// cannot drift from the published API:
//
// - ```ts (also typescript, mts, cts): compiled as its own module against the BUILT packages
//   (`@tokengate/*` resolve through their `exports` to `dist/*.d.mts`, without the repo-only
//   `tokengate-source` condition), as an app would see them after `npm install`, under
//   `strict`, `exactOptionalPropertyTypes`, `noUncheckedIndexedAccess`, `verbatimModuleSyntax`
//   and `module`/`moduleResolution: nodenext`.
// - ```js (also javascript, mjs, cjs): parsed by Node itself (`node --check`), and type-checked
//   as an editor checks plain JS (`checkJs`, not `strict`), so a missing import, an undeclared
//   name or a misspelt option fails too.
// - A block that is deliberately not a whole program (it continues the block before it, or shows
//   one option) says so in its info string: ```ts fragment / ```js fragment. A fragment is only
//   parsed. Everything else must be complete: imports present, every name declared (`declare
//   const db: …` stands for the app's own code).
// - A `// file: <name>` block (see test/support/recipe-files.ts) is written under that name, so
//   the relative imports between a recipe's files resolve.
// - Other languages (sh, json, text…) are not checked.
//
// Both languages compile in process, in two TypeScript programs over the same files (the second
// reuses the first one's parsing and module resolution). Failures read `README.md:123: TS2322 …`,
// pointing at the line in the Markdown file. The generated modules, tsconfig.json (TypeScript
// blocks) and tsconfig.js.json (JavaScript blocks) stay in `.tmp/docs-blocks-<pid>/` when a
// check fails, so `pnpm exec tsc -p .tmp/docs-blocks-<pid>` reproduces it.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureBuilt,
  publishablePackages,
  readJson,
  ROOT,
  type Manifest,
  type WorkspacePackage,
} from '../support/pack.js';
import { documentationBlocks, type BlockKind, type CodeBlock } from './markdown-blocks.js';

// Inside the repo (git-ignored `.tmp/`), so the blocks resolve `@tokengate/*` and the framework
// packages through the root node_modules, as an app's code does.
const DIR = join(ROOT, '.tmp', `docs-blocks-${process.pid}`);
const EXTENSION: Readonly<Record<BlockKind, string>> = {
  ts: 'mts',
  cts: 'cts',
  js: 'mjs',
  cjs: 'cjs',
};

const COMPILER_OPTIONS = {
  target: 'ES2022',
  lib: ['ES2023'],
  module: 'nodenext',
  moduleResolution: 'nodenext',
  moduleDetection: 'force', // a block without imports is still a module of its own
  types: ['node'],
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  verbatimModuleSyntax: true,
  allowJs: true,
  checkJs: true,
  noEmit: true,
  // No `customConditions`: `tokengate-source` would resolve the packages to `src`.
  // `skipLibCheck` stays off: the published `dist/*.d.mts` must compile under these flags too
  // (this test asks for their diagnostics; those of third-party typings are not its concern).
};

/** Plain JavaScript has no `strict` types: names, imports and option shapes are what count. */
const JS_OPTIONS = {
  strict: false,
  alwaysStrict: true, // modules are strict code anyway; and so both programs parse alike
  exactOptionalPropertyTypes: false,
  noUncheckedIndexedAccess: false,
};

const blocks = documentationBlocks(ROOT);
const fragment = (block: CodeBlock) => block.attributes.includes('fragment');
const isJs = (block: CodeBlock) => block.kind === 'js' || block.kind === 'cjs';
const files = [...new Set(blocks.map((block) => block.file))];
/** Problems by Markdown file (or by declaration file, for the packages' own `dist`). */
const problems = new Map<string, string[]>();

function report(file: string, line: number, message: string): void {
  problems.set(file, [...(problems.get(file) ?? []), `${file}:${line}: ${message}`]);
}

/**
 * Where a block is written. A `// file: <name>` block (the docs/recipes/ convention, see
 * test/support/recipe-files.ts) keeps its name, next to its Markdown file's other named blocks,
 * so the relative imports between them resolve.
 */
function modulePath(block: CodeBlock): string {
  const markdown = block.file.replace(/[^\w]+/g, '_');
  const name = /^\/\/ file: ([\w.-]+)/.exec(block.code)?.[1];
  if (name !== undefined) return join(DIR, markdown, name);
  return join(DIR, `${markdown}_L${block.line}.${EXTENSION[block.kind]}`);
}

/**
 * Type-checks the complete blocks of one language (TypeScript under the strict flags, JavaScript
 * under `checkJs` as an editor checks an app's plain JS), and parses that language's fragments.
 */
function compile(
  paths: ReadonlyMap<string, CodeBlock>,
  js: boolean,
  config: object,
  host: ts.CompilerHost,
  oldProgram?: ts.Program,
): ts.Program {
  const tsconfig = join(DIR, js ? 'tsconfig.js.json' : 'tsconfig.json');
  const mine = [...paths].filter(([, block]) => isJs(block) === js);
  const complete = mine.filter(([, block]) => !fragment(block)).map(([path]) => path);
  writeFileSync(tsconfig, JSON.stringify({ ...config, files: complete }, null, 2));
  const parsed = ts.getParsedCommandLineOfConfigFile(
    tsconfig,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (parsed === undefined) throw new Error(`${tsconfig}: not loaded`);
  // Both programs list every block, so the second reuses the first one's files and module
  // resolutions (only type-checking options differ); each reports on its own language only,
  // and on fragments only what the parser says.
  const program = ts.createProgram({
    rootNames: [...paths.keys()],
    options: parsed.options,
    host,
    ...(oldProgram === undefined ? {} : { oldProgram }),
  });
  const diagnostics = [
    ...parsed.errors,
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
  ];
  for (const source of program.getSourceFiles()) {
    const block = paths.get(source.fileName);
    if (block !== undefined && isJs(block) !== js) continue;
    if (block !== undefined && fragment(block)) {
      diagnostics.push(...program.getSyntacticDiagnostics(source));
    } else if (block !== undefined || (!js && isOwnDeclaration(source.fileName))) {
      diagnostics.push(
        ...program.getSyntacticDiagnostics(source),
        ...program.getSemanticDiagnostics(source),
      );
    }
  }
  for (const diagnostic of diagnostics) {
    const text = `TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
    // Plain JS cannot narrow an `unknown` from a library's types (`await response.json()`)
    // without JSDoc casts no reader needs: not a mistake in the example.
    if (js && text.includes("type 'unknown'")) continue;
    const source = diagnostic.file;
    if (source === undefined) {
      report(relative(ROOT, tsconfig), 0, text);
      continue;
    }
    const line = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line;
    const block = paths.get(source.fileName);
    if (block === undefined) report(relative(ROOT, source.fileName), line + 1, text);
    else report(block.file, block.line + line, text);
  }
  return program;
}

/** A compiler host that parses each library declaration file once for both programs. */
function sharedHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const parse = host.getSourceFile.bind(host);
  const cache = new Map<string, ts.SourceFile | undefined>();
  host.getSourceFile = (path, language, onError, fresh) => {
    const key = `${path}|${typeof language === 'object' ? language.impliedNodeFormat : ''}`;
    if (!cache.has(key)) cache.set(key, parse(path, language, onError, fresh));
    return cache.get(key);
  };
  return host;
}

/** The workspace packages' published declarations, which the blocks compile against. */
function isOwnDeclaration(path: string): boolean {
  return /\/packages\/[^/]+\/dist\/[^/]+\.d\.[cm]?ts$/.test(ts.sys.realpath?.(path) ?? path);
}

/** `node --check` on every JavaScript block: Node's own parser, not TypeScript's. */
async function parseWithNode(paths: ReadonlyMap<string, CodeBlock>): Promise<void> {
  const checks = [...paths]
    .filter(([, block]) => isJs(block))
    .map(async ([path, block]) => {
      try {
        await promisify(execFile)(process.execPath, ['--check', path]);
      } catch (error) {
        const stderr = String((error as { stderr?: unknown }).stderr ?? error);
        const line = Number(
          stderr.slice(stderr.indexOf(`${path}:`)).match(/^[^\n]*:(\d+)/)?.[1] ?? 1,
        );
        const message = /^SyntaxError: .*$/m.exec(stderr)?.[0] ?? stderr.trim();
        report(block.file, block.line + line - 1, `node --check: ${message}`);
      }
    });
  await Promise.all(checks);
}

/** The workspace packages the blocks import, and the workspace packages those depend on. */
function packagesUsed(): WorkspacePackage[] {
  const workspace = publishablePackages();
  const needed = new Set(blocks.flatMap((block) => block.code.match(/@tokengate\/[\w-]+/g) ?? []));
  for (const pkg of workspace) {
    if (!needed.has(pkg.name)) continue;
    const manifest = readJson<Manifest>(join(pkg.dir, 'package.json'));
    const deps = { ...manifest.dependencies, ...manifest.peerDependencies };
    for (const name of Object.keys(deps)) if (name.startsWith('@tokengate/')) needed.add(name);
  }
  // Dependencies first (core before the adapters), so each build sees fresh declarations.
  return workspace
    .filter((pkg) => needed.has(pkg.name))
    .sort((a, b) => Number(b.name === '@tokengate/core') - Number(a.name === '@tokengate/core'));
}

let failed = false;

beforeAll(async () => {
  // `pnpm install` builds (root `prepare`); this only rebuilds a `dist` older than its `src`.
  for (const pkg of packagesUsed()) await ensureBuilt(pkg);
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const paths = new Map<string, CodeBlock>();
  for (const block of blocks) {
    const path = modulePath(block);
    if (paths.has(path)) throw new Error(`${block.file}:${block.line}: a second block ${path}`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, block.code);
    paths.set(path, block);
  }
  const host = sharedHost({});
  const nodeCheck = parseWithNode(paths);
  const tsProgram = compile(paths, false, { compilerOptions: COMPILER_OPTIONS }, host);
  compile(
    paths,
    true,
    { extends: './tsconfig.json', compilerOptions: JS_OPTIONS },
    host,
    tsProgram,
  );
  await nodeCheck;
}, 120_000);

afterAll(() => {
  if (!failed) rmSync(DIR, { recursive: true, force: true });
});

describe('documentation code blocks', () => {
  it('finds TypeScript and JavaScript blocks, each with a known kind', () => {
    expect(blocks.filter((block) => !isJs(block)).length).toBeGreaterThan(10);
    expect(blocks.filter(isJs).length).toBeGreaterThan(10);
    const attributes = new Set(blocks.flatMap((block) => block.attributes));
    // A typo (```ts fragmnet) would otherwise turn a fragment into a complete block silently.
    expect([...attributes].filter((attribute) => attribute !== 'fragment')).toEqual([]);
  });

  it.each(files)('%s: every block compiles (fragments: parses)', (file) => {
    const found = problems.get(file) ?? [];
    if (found.length > 0) failed = true;
    expect(found).toEqual([]);
  });

  it('the published declarations the blocks use compile under the same flags', () => {
    const found = [...problems].filter(([file]) => !files.includes(file)).flatMap(([, p]) => p);
    if (found.length > 0) failed = true;
    expect(found).toEqual([]);
  });
});
