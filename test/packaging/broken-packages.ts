// Four ways to ship a broken package, for proving that the publish rehearsal can fail. Each
// recipe edits a copy of @tokengate/express as it was published (its manifest already
// rewritten by `pnpm pack`), gives it a prerelease version of its own, and says how the
// release's checks refuse it and how an app installing it by name breaks.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '../support/pack.js';

export interface Breakage {
  readonly name: string;
  /** Edits the published manifest in place. */
  readonly apply: (manifest: Manifest) => void;
  /** What scripts/release/check-tarball.mjs says about it. */
  readonly refusal: RegExp;
  /** Where an app that installs it by name fails, and with what. */
  readonly fails: { readonly at: 'install' | 'esm' | 'cjs'; readonly with: RegExp };
}

type ConditionMap = Record<string, unknown>;

export const BREAKAGES: readonly Breakage[] = [
  {
    // What `npm publish` (or any tool that is not pnpm) ships from this workspace.
    name: 'a workspace: range left in the manifest',
    apply: (manifest) => {
      manifest.dependencies = { ...manifest.dependencies, '@tokengate/core': 'workspace:^' };
    },
    refusal: /dependencies\["@tokengate\/core"\] is "workspace:\^"/,
    fails: { at: 'install', with: /EUNSUPPORTEDPROTOCOL|Unsupported URL Type "workspace:"/ },
  },
  {
    // `files` narrowed by hand: the ES module build is left out (packers always add `main`).
    name: 'a file missing from files',
    apply: (manifest) => {
      manifest['files'] = ['dist/index.cjs', 'dist/*.d.cts', 'dist/*.d.mts'];
    },
    refusal: /publint FILE_DOES_NOT_EXIST: pkg\.exports\["\."\]\.import\.default/,
    fails: { at: 'esm', with: /Cannot find module .*dist\/index\.mjs/ },
  },
  {
    // `module` is a bundler convention; Node resolves `import`, so ESM finds no entry.
    name: 'a wrong export condition',
    apply: (manifest) => {
      const root = (manifest['exports'] as ConditionMap)['.'] as ConditionMap;
      const { import: esm, ...rest } = root;
      (manifest['exports'] as ConditionMap)['.'] = { module: esm, ...rest };
    },
    refusal: /attw NoResolution at "\." \(node16-esm\)/,
    fails: { at: 'esm', with: /ERR_PACKAGE_PATH_NOT_EXPORTED/ },
  },
  {
    // The code imports @tokengate/core; only the app's node_modules layout could supply it.
    name: 'a dependency used but not declared',
    apply: (manifest) => {
      const dependencies = { ...manifest.dependencies };
      delete dependencies['@tokengate/core'];
      manifest.dependencies = dependencies;
    },
    refusal: /dist\/index\.[cm]js imports "@tokengate\/core", which is not in dependencies/,
    fails: { at: 'cjs', with: /Cannot find module '@tokengate\/core'/ },
  },
];

/** `0.1.0` → `0.1.0-broken-2.0` for the breakage at `index`: a version no release uses. */
export function brokenVersion(version: string, index: number): string {
  return `${version}-broken-${index}.0`;
}

/** Applies `breakage` to the unpacked package in `packageDir`, under `version`. */
export async function breakPackage(
  packageDir: string,
  breakage: Breakage,
  version: string,
): Promise<void> {
  const file = join(packageDir, 'package.json');
  const manifest = JSON.parse(await readFile(file, 'utf8')) as Manifest;
  manifest.version = version;
  breakage.apply(manifest);
  await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
}
