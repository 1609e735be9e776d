// Types for fresh-build.mjs, which the TypeScript test helpers (test/support/pack.ts) import.
export interface BuildablePackage {
  readonly name: string;
  readonly dir: string;
}

export function distIsFresh(root: string, dir: string): boolean;

export function ensureBuilt(root: string, pkg: BuildablePackage): Promise<void>;
