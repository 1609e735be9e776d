// The layout of `src/` is its table of contents (docs/architecture.md): folders named after
// the pipeline, each importing only from its own floor or below. These checks keep it so: an
// upward import is how an import cycle starts, and the client-credentials entry must stay
// free of the verifier.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClientCredentialsSource } from '@tokengate/core/client-credentials';
import { describe, expect, it } from 'vitest';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/** Folder (or top-level file) → floor; see the layers table in docs/architecture.md. */
const FLOORS: Readonly<Record<string, number>> = {
  'index.ts': 8,
  'gate.ts': 7,
  'gate-options.ts': 7,
  'gate-transport.ts': 7,
  'gate-verdict.ts': 7,
  'fetch-request.ts': 7,
  'error-response.ts': 7,
  verify: 6,
  presets: 6,
  issuers: 5,
  introspection: 5,
  binding: 5,
  alb: 5,
  'client-credentials': 5,
  jwks: 4,
  revocation: 4,
  dpop: 4,
  mtls: 4,
  metadata: 3,
  jws: 3,
  claims: 3,
  rules: 3,
  http: 2,
  lib: 2,
  errors: 1,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [relative(SRC, path).split('\\').join('/')] : [];
  });
}

/** Relative imports of one file, as paths under `src/` with a `.ts` extension. */
function importsOf(file: string): string[] {
  const code = readFileSync(join(SRC, file), 'utf8');
  return [...code.matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((match) =>
    posix.normalize(posix.join(posix.dirname(file), match[1]!)).replace(/\.js$/, '.ts'),
  );
}

const folderOf = (file: string) => file.split('/')[0]!;
const files = sourceFiles(SRC);

describe('the source layout', () => {
  it('names every folder after a concept, none `internal`', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((file) => file.split('/').includes('internal'))).toEqual([]);
    expect(files.filter((file) => FLOORS[folderOf(file)] === undefined)).toEqual([]);
  });

  it('imports only from the same floor or below', () => {
    const upward = files.flatMap((file) =>
      importsOf(file)
        .filter((target) => FLOORS[folderOf(target)]! > FLOORS[folderOf(file)]!)
        .map((target) => `${file} -> ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it('keeps the client-credentials entry free of the verifier and the JWKS cache', () => {
    const reached = new Set<string>();
    const pending = ['client-credentials/index.ts'];
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (reached.has(file)) continue;
      reached.add(file);
      pending.push(...importsOf(file));
    }
    const heavy = [...reached].filter((file) =>
      ['verify', 'jwks', 'jws', 'issuers', 'claims', 'revocation'].includes(folderOf(file)),
    );
    expect(heavy).toEqual([]);
    expect(reached.size).toBeGreaterThan(5);
    expect(typeof createClientCredentialsSource).toBe('function');
  });
});
