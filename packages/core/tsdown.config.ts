import base from '../../tsdown.base.ts';

// The shared build, with one more entry: `@tokengate/core/client-credentials`, the outgoing
// token source alone, so a service that only calls others loads neither the verifier nor the
// JWKS cache.
export default {
  ...base,
  entry: {
    index: 'src/index.ts',
    'client-credentials': 'src/client-credentials/index.ts',
  },
};
