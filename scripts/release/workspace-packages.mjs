// The packages `pnpm release` publishes: every package under packages/ that is not private,
// ordered so that each comes after the workspace packages it depends on. An interrupted release
// then never leaves a published package whose own dependency is missing from the registry.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'];

/** `[{ name, version, dir }]`, dependencies first; throws on a dependency cycle. */
export function publishablePackages(root) {
  const packagesDir = join(root, 'packages');
  const packages = readdirSync(packagesDir)
    .map((entry) => join(packagesDir, entry))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => manifest.private !== true);

  const byName = new Map(packages.map((pkg) => [pkg.manifest.name, pkg]));
  const ordered = [];
  const state = new Map();
  const visit = (pkg, path) => {
    const name = pkg.manifest.name;
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      throw new Error(`dependency cycle: ${[...path, name].join(' -> ')}`);
    }
    state.set(name, 'visiting');
    for (const field of DEPENDENCY_FIELDS) {
      for (const dependency of Object.keys(pkg.manifest[field] ?? {}).sort()) {
        const inner = byName.get(dependency);
        if (inner !== undefined) visit(inner, [...path, name]);
      }
    }
    state.set(name, 'done');
    ordered.push({ name, version: pkg.manifest.version, dir: pkg.dir });
  };
  for (const pkg of [...packages].sort((a, b) => a.dir.localeCompare(b.dir))) visit(pkg, []);
  return ordered;
}
