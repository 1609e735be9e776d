// The shared build: jose stays a dependency in both formats (the CJS build loads it with
// `import()`, see src/load-jose.ts), so it is never bundled.
export { default } from '../../tsdown.base.ts';
