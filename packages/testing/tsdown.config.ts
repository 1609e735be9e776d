import base from '../../tsdown.base.ts';

// jose ships ESM only. The ESM build imports it; the CJS build carries its own copy so that
// `require('@tokengate/testing')` works on every Node 20, not only on those that can
// require() ES modules (≥ 20.19).
export default [
  { ...base, format: ['esm'] },
  { ...base, format: ['cjs'], clean: false, noExternal: ['jose'] },
];
