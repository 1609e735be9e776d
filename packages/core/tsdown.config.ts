import base from '../../tsdown.base.ts';

// The shared build, with more entries: `@tokengate/core/client-credentials`, the outgoing
// token source alone, so a service that only calls others loads neither the verifier nor the
// JWKS cache; and the two crypto backends, which the built code reaches through the package's
// `#crypto-backend` import (kept external): `node-crypto` under the `node` condition,
// `web-crypto` (Web Crypto, no `node:` module) everywhere else. See docs/architecture.md.
export default {
  ...base,
  entry: {
    index: 'src/index.ts',
    'client-credentials': 'src/client-credentials/index.ts',
    'node-crypto': 'src/jws/node-crypto.ts',
    'web-crypto': 'src/jws/web-crypto.ts',
  },
  external: ['#crypto-backend'],
};
