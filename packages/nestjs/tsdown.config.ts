// The shared build lives at the repository root.
export { default } from '../../tsdown.base.ts';
