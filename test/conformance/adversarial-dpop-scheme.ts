// DPoP attack families on the scheme and the replay store (RFC 9449 §7, §9, §11.1): a bound
// token downgraded to Bearer (in the header or a form body), a bearer token upgraded to DPoP,
// the `required` and `disabled` modes, a forged nonce, and a replay store that cannot answer.
import {
  ALGS,
  dpopRequest,
  proofRefused,
  REALM,
  tokenRefusedInBearer,
  tokenRefusedInDpop,
  type DpopAttack,
} from './dpop-kit.js';

const DPOP_BOUND = 'Token is DPoP-bound: send it with the DPoP scheme and a DPoP proof';

export const SCHEME: readonly DpopAttack[] = [
  // RFC 9449 §7.1: a DPoP-bound token is never a bearer token, proof or not.
  {
    name: 'downgrade: a DPoP-bound token as Bearer, with its valid proof',
    code: 'DPOP_SCHEME_REQUIRED',
    request: (world, origin) => dpopRequest(world, origin, { scheme: 'Bearer' }),
    expected: tokenRefusedInBearer(DPOP_BOUND),
  },
  {
    name: 'downgrade: a DPoP-bound token as Bearer, no proof',
    code: 'DPOP_SCHEME_REQUIRED',
    request: (world, origin) => dpopRequest(world, origin, { scheme: 'Bearer', lines: () => [] }),
    expected: tokenRefusedInBearer(DPOP_BOUND),
  },
  {
    name: 'downgrade: a DPoP-bound token in a form body (RFC 6750 §2.2)',
    code: 'DPOP_SCHEME_REQUIRED',
    request: async (world) => ({
      method: 'POST',
      path: '/orders',
      headers: [['Content-Type', 'application/x-www-form-urlencoded']],
      body: `access_token=${world.boundAdmin}`,
    }),
    expected: tokenRefusedInBearer(DPOP_BOUND),
  },
  {
    name: 'a bearer token with the DPoP scheme and a proof of a key',
    code: 'DPOP_SCHEME_UNBOUND',
    request: (world, origin) => dpopRequest(world, origin, { token: world.plain }),
    expected: tokenRefusedInDpop('Token is not DPoP-bound: send it with the Bearer scheme'),
  },
  // RFC 9449 §7.2: where DPoP is required, only the DPoP scheme is challenged.
  ...(['plain', 'bound'] as const).map((token): DpopAttack => ({
    name: `dpop 'required': a ${token === 'plain' ? 'bearer' : 'DPoP-bound'} token as Bearer`,
    app: 'required',
    code: 'DPOP_SCHEME_REQUIRED',
    request: async (world) => ({
      path: '/me',
      headers: [['Authorization', `Bearer ${world[token]}`]],
    }),
    expected: {
      status: 401,
      challenge: `DPoP realm="${REALM}", error="invalid_token", error_description="This resource requires DPoP: send a DPoP-bound token with a DPoP proof", algs="${ALGS}"`,
      body: {
        error: 'invalid_token',
        error_description: 'This resource requires DPoP: send a DPoP-bound token with a DPoP proof',
      },
    },
  })),
  {
    name: "dpop 'disabled': a DPoP-bound token as Bearer",
    app: 'disabled',
    code: 'DPOP_DISABLED',
    request: (world, origin) => dpopRequest(world, origin, { scheme: 'Bearer' }),
    expected: {
      status: 401,
      challenge: `Bearer realm="${REALM}", error="invalid_token", error_description="Token is DPoP-bound, and DPoP is not accepted here"`,
      body: {
        error: 'invalid_token',
        error_description: 'Token is DPoP-bound, and DPoP is not accepted here',
      },
    },
  },
  {
    // Without DPoP the scheme is no credential of ours (RFC 6750 §3.1): no token at all.
    name: "dpop 'disabled': a DPoP-bound token with the DPoP scheme and its proof",
    app: 'disabled',
    code: 'CREDENTIALS_MISSING',
    request: (world, origin) => dpopRequest(world, origin),
    expected: {
      status: 401,
      challenge: `Bearer realm="${REALM}"`,
      body: { error: 'unauthorized', error_description: 'Authentication required' },
    },
  },
  // RFC 9449 §9: a nonce the server never issued.
  {
    name: 'a forged nonce',
    app: 'nonce',
    code: 'DPOP_NONCE_REQUIRED',
    request: (world, origin) => dpopRequest(world, origin, { proof: { nonce: 'forged-nonce' } }),
    expected: {
      status: 401,
      challenge: `Bearer realm="${REALM}", DPoP realm="${REALM}", error="use_dpop_nonce", error_description="DPoP proof must carry the nonce the server provides", algs="ES256"`,
      body: {
        error: 'use_dpop_nonce',
        error_description: 'DPoP proof must carry the nonce the server provides',
      },
    },
  },
];

const UNAVAILABLE = {
  status: 503,
  challenge: null,
  headers: { 'retry-after': '5' },
  body: {
    error: 'temporarily_unavailable',
    error_description: 'DPoP replay state is unavailable; retry later',
  },
};

/** RFC 9449 §11.1: a replay store that cannot answer is a 503, never a pass and never a 401. */
export const STORE: readonly DpopAttack[] = [
  {
    name: 'a valid proof while the replay store throws',
    app: 'storeDown',
    code: 'DPOP_REPLAY_UNAVAILABLE',
    request: (world, origin) => dpopRequest(world, origin),
    expected: UNAVAILABLE,
  },
  {
    name: 'a valid proof while the replay store never answers (100 ms deadline)',
    app: 'storeHang',
    code: 'DPOP_REPLAY_UNAVAILABLE',
    request: (world, origin) => dpopRequest(world, origin),
    expected: UNAVAILABLE,
  },
  {
    name: 'a proof failing a check never reaches the failing store: 401, not 503',
    app: 'storeDown',
    code: 'DPOP_BINDING_MISMATCH',
    request: (world, origin) => dpopRequest(world, origin, { key: world.other }),
    expected: proofRefused('DPoP proof key is not the key the token is bound to'),
  },
];
