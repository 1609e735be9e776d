// `pnpm docs:check` (in `pnpm test`) runs TypeDoc with typedoc.json over the packages' entry
// points and must fail on an undocumented export or interface member, an export without an
// `@example` and a broken `{@link}`. That the real packages pass proves nothing about whether
// it can fail, so this runs the same command line, with the same typedoc.json (validation,
// treatWarningsAsErrors, the example plugin), over a fixture package that breaks each rule once
// and over one that breaks none: the broken one must exit non-zero with one message per broken
// rule, and the clean one must exit 0, so a setting that fails everything cannot pass either.
//
// A fixture is a folder with its own package.json named `@tokengate/core`, so TypeDoc counts its
// exports as the core's and requires their documentation exactly as for the real package.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/pack.js';

const run = promisify(execFile);
const DIR = join(ROOT, '.tmp', `api-reference-${process.pid}`);
const TYPEDOC = join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc');

const DOCUMENTED = `
/**
 * Adds two numbers.
 *
 * @example
 * \`\`\`ts
 * add(1, 2); // 3
 * \`\`\`
 */
export function add(a: number, b: number): number {
  return a + b;
}

/**
 * Options of {@link add}.
 *
 * @example
 * \`\`\`ts
 * const options: AddOptions = { round: true };
 * \`\`\`
 */
export interface AddOptions {
  /** Round the sum. */
  readonly round?: boolean;
}
`;

// Each rule broken once, next to the clean fixture's exports.
const BROKEN = `${DOCUMENTED}
export function undocumented(): void {}

/** A result. */
export interface Sum {
  readonly value: number;
}

/** Documented, but shows no use. */
export function withoutExample(): void {}

/**
 * Like {@link addd}, backwards.
 *
 * @example
 * \`\`\`ts
 * subtract(3, 1); // 2
 * \`\`\`
 */
export function subtract(a: number, b: number): number {
  return a - b;
}
`;

/** Writes one fixture package and runs the docs check on it, as `pnpm docs:check` does. */
async function check(name: string, source: string): Promise<{ code: number; output: string }> {
  const dir = join(DIR, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@tokengate/core' }));
  // No `@types/node`: the fixture needs none, and loading it is most of TypeDoc's start-up.
  const compilerOptions = { strict: true, module: 'nodenext', types: [], noEmit: true };
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions, files: ['index.ts'] }),
  );
  writeFileSync(join(dir, 'index.ts'), `/** A fixture. @module */\n${source}`);
  // The real typedoc.json, with only the program and its entry point swapped for the fixture's.
  const options = join(dir, 'typedoc.json');
  writeFileSync(
    options,
    JSON.stringify({
      extends: [join(ROOT, 'typedoc.json')],
      tsconfig: join(dir, 'tsconfig.json'),
      entryPoints: [join(dir, 'index.ts')],
    }),
  );
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [TYPEDOC, '--options', options, '--emit', 'none'],
      { cwd: ROOT, timeout: 60_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
    );
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error; // not an exit status: spawn failed
    return { code: failed.code, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

afterAll(() => rmSync(DIR, { recursive: true, force: true }));

// TypeDoc's start-up is slow on a loaded 2-core CI machine: well past the 15 s default.
describe('pnpm docs:check (typedoc.json)', { timeout: 60_000 }, () => {
  // Two TypeDoc processes, started together: each takes seconds to load TypeScript.
  const documented = check('documented', DOCUMENTED);
  const broken = check('broken', BROKEN);

  it('passes a fully documented package', async () => {
    const { code, output } = await documented;
    expect(output).not.toMatch(/\[warning\]|\[error\]/);
    expect(code).toBe(0);
  });

  it('fails on an export without documentation', async () => {
    const { code, output } = await broken;
    expect(output).toMatch(
      /undocumented \((?:Function|CallSignature)\), defined in .*, does not have any documentation/,
    );
    expect(code).not.toBe(0);
  });

  it('fails on a member of a public interface without documentation', async () => {
    const { code, output } = await broken;
    expect(output).toMatch(
      /Sum\.value \(Property\), defined in .*, does not have any documentation/,
    );
    expect(code).not.toBe(0);
  });

  it('fails on a function without an @example', async () => {
    const { code, output } = await broken;
    expect(output).toMatch(/withoutExample \(Function\), defined in .*, has no @example/);
    expect(code).not.toBe(0);
  });

  it('fails on an interface without an @example', async () => {
    const { code, output } = await broken;
    expect(output).toMatch(/Sum \(Interface\), defined in .*, has no @example/);
    expect(code).not.toBe(0);
  });

  it('fails on a {@link} to nothing', async () => {
    const { code, output } = await broken;
    expect(output).toMatch(/Failed to resolve link to "addd"/);
    expect(code).not.toBe(0);
  });
});
