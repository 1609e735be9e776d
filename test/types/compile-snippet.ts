// Type-checks a snippet of app code as its own program, so a module augmentation it declares
// (`declare module '@tokengate/core' { interface TokengateClaims … }`) stays out of the
// repository's `tsc` program, where it would change `VerifiedToken` for every other test.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(root, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root);
  return { ...parsed.options, noEmit: true };
}

/**
 * The diagnostics of `source` as a module in this folder (so it resolves the workspace packages
 * to their `src`), as `TS<code> line: message`; `[]` when it compiles. Diagnostics of files it
 * imports are left out: only the snippet's own code is under test.
 */
export function compileSnippet(source: string): string[] {
  const file = join(here, '__snippet__.ts');
  const options = compilerOptions();
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (path) => path === file || fileExists.call(host, path);
  host.readFile = (path) => (path === file ? source : readFile.call(host, path));
  host.getSourceFile = (path, language, onError, fresh) =>
    path === file
      ? ts.createSourceFile(path, source, language, true)
      : getSourceFile.call(host, path, language, onError, fresh);
  const program = ts.createProgram({ rootNames: [file], options, host });
  const snippet = program.getSourceFile(file);
  if (snippet === undefined) throw new Error('snippet not loaded');
  return [
    ...program.getSyntacticDiagnostics(snippet),
    ...program.getSemanticDiagnostics(snippet),
  ].map((diagnostic) => {
    const line =
      diagnostic.start === undefined
        ? 0
        : snippet.getLineAndCharacterOfPosition(diagnostic.start).line + 1;
    return `TS${diagnostic.code} ${line}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  });
}
