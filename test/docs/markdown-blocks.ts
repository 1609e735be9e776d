// Extracts the fenced code blocks of Markdown files (CommonMark fences: ``` or ~~~, possibly
// indented inside a list item), with the line each starts on, for test/docs/code-blocks.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** How a block is checked; `undefined` for languages the docs test ignores (sh, json, text…). */
export type BlockKind = 'ts' | 'cts' | 'js' | 'cjs';

const KINDS: Readonly<Record<string, BlockKind>> = {
  ts: 'ts',
  typescript: 'ts',
  mts: 'ts',
  cts: 'cts',
  js: 'js',
  javascript: 'js',
  mjs: 'js',
  cjs: 'cjs',
};

export interface CodeBlock {
  /** Repository-relative path of the Markdown file, with `/` separators. */
  file: string;
  /** 1-based line, in `file`, of the block's first line of code. */
  line: number;
  kind: BlockKind;
  /** The info string's words after the language, e.g. `['fragment']` for ```` ```ts fragment ````. */
  attributes: readonly string[];
  code: string;
}

const OPENING = /^( *)(`{3,}|~{3,})\s*([^\s`]*)(.*)$/;

/** The blocks of one Markdown text, in order; unterminated blocks run to the end (CommonMark). */
export function codeBlocks(file: string, text: string): CodeBlock[] {
  const lines = text.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const open = OPENING.exec(lines[index] ?? '');
    if (open === null) continue;
    const [, indent = '', fence = '', lang = '', rest = ''] = open;
    const close = new RegExp(`^ *${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    const body: string[] = [];
    let end = index + 1;
    for (; end < lines.length && !close.test(lines[end] ?? ''); end += 1) {
      const content = lines[end] ?? '';
      // A list item's block is indented as a whole: drop that indentation, never more.
      const strip = Math.min(indent.length, content.length - content.trimStart().length);
      body.push(content.slice(strip));
    }
    const kind = KINDS[lang.toLowerCase()];
    if (kind !== undefined) {
      blocks.push({
        file,
        line: index + 2,
        kind,
        attributes: rest.trim().split(/\s+/).filter(Boolean),
        code: body.join('\n') + '\n',
      });
    }
    index = end;
  }
  return blocks;
}

/** README.md, packages/<name>/README.md and docs/**\/*.md of the repository at `root`. */
export function documentationFiles(root: string): string[] {
  const files = ['README.md'];
  for (const entry of readdirSync(join(root, 'packages'), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    if (readdirSync(join(root, 'packages', entry.name)).includes('README.md')) {
      files.push(`packages/${entry.name}/README.md`);
    }
  }
  const docs = join(root, 'docs');
  for (const entry of readdirSync(docs, { recursive: true, encoding: 'utf8' })) {
    if (entry.endsWith('.md')) files.push(relative(root, join(docs, entry)).replaceAll('\\', '/'));
  }
  return files.sort();
}

/** Every checked block of the documentation of the repository at `root`. */
export function documentationBlocks(root: string): CodeBlock[] {
  return documentationFiles(root).flatMap((file) =>
    codeBlocks(file, readFileSync(join(root, file), 'utf8')),
  );
}
