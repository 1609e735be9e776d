// The docs/recipes/ convention: a recipe's code blocks that start with `// file: <name>` are
// the code its test runs, verbatim. Tests write them to a scratch directory inside the repo
// (git-ignored `.tmp/`), so their imports resolve `@tokengate/*` and the dev dependencies as an
// app's would, then import or execute them.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const FENCE = /```js\n([\s\S]*?)```/g;
const FILE_NAME = /^\/\/ file: ([\w.-]+)/;

/** The `// file: <name>` code blocks of `docs/recipes/<recipe>.md`, by name. */
export function recipeFiles(recipe: string): Map<string, string> {
  const files = new Map<string, string>();
  const markdown = readFileSync(join(REPO, 'docs/recipes', `${recipe}.md`), 'utf8');
  for (const [, code] of markdown.matchAll(FENCE)) {
    const name = FILE_NAME.exec(code ?? '')?.[1];
    if (name === undefined) continue;
    if (files.has(name)) throw new Error(`${recipe}.md: two blocks named ${name}`);
    files.set(name, code as string);
  }
  return files;
}

/** A scratch directory holding the recipe's files, and how to remove it. */
export interface RecipeDir {
  readonly dir: string;
  readonly names: string[];
  remove(): void;
}

/** Writes the recipe's `// file:` blocks to `.tmp/<recipe>-<pid>/`. */
export function writeRecipeFiles(recipe: string): RecipeDir {
  const dir = join(REPO, '.tmp', `${recipe}-${process.pid}`);
  const files = recipeFiles(recipe);
  mkdirSync(dir, { recursive: true });
  for (const [name, code] of files) writeFileSync(join(dir, name), code);
  return {
    dir,
    names: [...files.keys()].sort(),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
