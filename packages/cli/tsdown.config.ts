import base from '../../tsdown.base.ts';

// The library entry (`runCli`) builds like every package; the executable is one more ESM file
// with the shebang that lets npm link it as `tokengate`.
export default [
  base,
  {
    ...base,
    entry: { bin: 'src/bin.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    banner: '#!/usr/bin/env node',
  },
];
