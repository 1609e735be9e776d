// A throw-away copy of the workspace, just enough for `pnpm release` to pack and check some of
// its packages: the root manifest and workspace file, the release scripts, and per package its
// manifest, README, LICENSE, CHANGELOG and built `dist`. `node_modules` folders are links to
// the real ones (so `workspace:` ranges resolve as in the repository). The copy, never the
// repository, is what a test breaks.
import { cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, type Manifest } from '../support/pack.js';

/**
 * Copies `packages/<dir>` for each of `dirs` into `destination`, after `edit` changed their
 * manifests. `dist` is copied last, so the release finds it fresh and does not rebuild it.
 */
export async function copyWorkspace(
  destination: string,
  dirs: readonly string[],
  edit: (dir: string, manifest: Manifest) => void,
): Promise<void> {
  await mkdir(join(destination, 'packages'), { recursive: true });
  for (const file of ['package.json', 'pnpm-workspace.yaml', 'scripts/release.mjs']) {
    await cp(join(ROOT, file), join(destination, file));
  }
  await cp(join(ROOT, 'scripts', 'release'), join(destination, 'scripts', 'release'), {
    recursive: true,
  });
  await symlink(join(ROOT, 'node_modules'), join(destination, 'node_modules'), 'dir');
  for (const dir of dirs) {
    const source = join(ROOT, 'packages', dir);
    const target = join(destination, 'packages', dir);
    await mkdir(target);
    const manifest = JSON.parse(await readFile(join(source, 'package.json'), 'utf8')) as Manifest;
    edit(dir, manifest);
    await writeFile(join(target, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    for (const file of ['README.md', 'LICENSE', 'CHANGELOG.md']) {
      await cp(join(source, file), join(target, file));
    }
    await cp(join(source, 'dist'), join(target, 'dist'), { recursive: true });
    await symlink(join(source, 'node_modules'), join(target, 'node_modules'), 'dir');
  }
}
