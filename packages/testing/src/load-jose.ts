import type * as Jose from 'jose';

let loading: Promise<typeof Jose> | undefined;

/**
 * jose (a dependency, not bundled) ships ES modules only. A static import would make the CJS
 * build `require('jose')`, which only Node ≥ 20.19 can do (require of ES modules); `import()`
 * works from CommonJS on every Node 20. It is loaded once, on the first key or signature, and
 * every caller is already async.
 */
export function loadJose(): Promise<typeof Jose> {
  return (loading ??= import('jose'));
}
