// The DPoP rows of the conformance table (RFC 9449): what a well-behaved client sends, and the
// exact answer each gate mode gives, the same on every adapter.
import type { RawRequest } from '../support/raw-http-client.js';
import {
  ALGS,
  dpopRequest,
  ok,
  proofRefused,
  REALM,
  type DpopApp,
  type DpopWorld,
} from './dpop-kit.js';
import type { Expected } from './scenarios.js';

export interface DpopScenario {
  readonly name: string;
  readonly app?: DpopApp;
  readonly request: (world: DpopWorld, origin: string) => Promise<RawRequest>;
  readonly expected: Expected;
}

const bearer = (token: string): RawRequest => ({
  path: '/me',
  headers: [['Authorization', `Bearer ${token}`]],
});
const now = (): number => Math.floor(Date.now() / 1000);
/** A proof whose `htu` is spelled `htu(origin)` instead of the helper's normal form. */
const spelled = (world: DpopWorld, origin: string, htu: string, path = '/me') =>
  dpopRequest(world, origin, { path, proof: { claims: { htu } } });
const anonymous = (challenge: string): Expected => ({
  status: 401,
  challenge,
  body: { error: 'unauthorized', error_description: 'Authentication required' },
});

export const DPOP_SCENARIOS: readonly DpopScenario[] = [
  {
    name: 'a DPoP-bound token with its proof',
    request: (w, o) => dpopRequest(w, o),
    expected: ok(),
  },
  {
    name: 'an EdDSA key',
    request: (w, o) => dpopRequest(w, o, { key: w.ed, token: w.boundEd }),
    expected: ok(),
  },
  {
    name: 'the DPoP scheme in lower case (RFC 9110 §11.1)',
    request: (w, o) => dpopRequest(w, o, { scheme: 'dpop' }),
    expected: ok(),
  },
  {
    name: 'POST with htm POST',
    request: (w, o) => dpopRequest(w, o, { token: w.boundAdmin, method: 'POST', path: '/orders' }),
    expected: ok('/orders'),
  },
  // RFC 9449 §4.3: query and fragment are not part of what `htu` is compared on.
  {
    name: 'a request query the proof does not name',
    request: (w, o) => spelled(w, o, `${o}/me`, '/me?page=2'),
    expected: ok(),
  },
  {
    name: 'a proof htu with a query and a fragment of its own',
    request: (w, o) => spelled(w, o, `${o}/me?other=1#top`, '/me?page=2'),
    expected: ok(),
  },
  // RFC 9449 §4.3 with RFC 3986 §6.2.2: syntax-based normalization before comparing.
  {
    name: 'htu: scheme and host in upper case',
    request: (w, o) => spelled(w, o, o.toUpperCase() + '/me'),
    expected: ok(),
  },
  {
    name: 'htu: a percent-encoded unreserved character',
    request: (w, o) => spelled(w, o, `${o}/%6De`),
    expected: ok(),
  },
  {
    name: 'htu: an encoded dot segment',
    request: (w, o) => spelled(w, o, `${o}/x/%2E%2E/me`),
    expected: ok(),
  },
  // RFC 7515 §4.1.9: media types compare case-insensitively and `application/` may be left
  // out, so `application/dpop+jwt` and `DPoP+JWT` name the `dpop+jwt` type RFC 9449 §4.2
  // asks for. Accepted today; explicit typing (RFC 8725 §3.11) still tells proofs apart.
  {
    name: 'typ application/dpop+jwt',
    request: (w, o) => dpopRequest(w, o, { proof: { header: { typ: 'application/dpop+jwt' } } }),
    expected: ok(),
  },
  {
    name: 'typ DPoP+JWT',
    request: (w, o) => dpopRequest(w, o, { proof: { header: { typ: 'DPoP+JWT' } } }),
    expected: ok(),
  },
  // RFC 7638 §3: the thumbprint covers the required members only.
  {
    name: 'the jwk with kid and alg members added',
    request: (w, o) =>
      dpopRequest(w, o, {
        proof: { header: { jwk: { ...w.key.publicJwk, kid: 'k1', alg: 'ES256' } } },
      }),
    expected: ok(),
  },
  {
    name: 'iat 30 s old',
    request: (w, o) => dpopRequest(w, o, { proof: { iat: now() - 30 } }),
    expected: ok(),
  },
  {
    name: 'iat 2 s ahead (clock tolerance)',
    request: (w, o) => dpopRequest(w, o, { proof: { iat: now() + 2 } }),
    expected: ok(),
  },
  {
    name: 'a bearer token with the Bearer scheme',
    request: async (w) => bearer(w.plain),
    expected: ok(),
  },
  {
    name: 'optional authentication with a DPoP-bound token',
    request: (w, o) => dpopRequest(w, o, { path: '/optional' }),
    expected: ok('/optional'),
  },
  {
    name: 'optional authentication still refuses a bad proof',
    request: (w, o) => dpopRequest(w, o, { path: '/optional', key: w.other }),
    expected: proofRefused('DPoP proof key is not the key the token is bound to'),
  },
  {
    name: 'no credentials: both schemes offered',
    request: async () => ({ path: '/me' }),
    expected: anonymous(`Bearer realm="${REALM}", DPoP realm="${REALM}", algs="${ALGS}"`),
  },
  {
    name: 'a DPoP-bound token without the scope: 403 in the DPoP challenge',
    request: (w, o) => dpopRequest(w, o, { method: 'POST', path: '/orders' }),
    expected: {
      status: 403,
      challenge: `Bearer realm="${REALM}", DPoP realm="${REALM}", error="insufficient_scope", error_description="Token lacks the scope this resource requires", scope="orders:write", algs="${ALGS}"`,
      body: {
        error: 'insufficient_scope',
        error_description: 'Token lacks the scope this resource requires',
      },
    },
  },
  {
    name: 'a DPoP token and a form-body token together',
    request: async (w, o) => {
      const request = await dpopRequest(w, o, {
        token: w.boundAdmin,
        method: 'POST',
        path: '/orders',
      });
      return {
        ...request,
        headers: [
          ...(request.headers ?? []),
          ['Content-Type', 'application/x-www-form-urlencoded'],
        ],
        body: `access_token=${w.plain}`,
      };
    },
    expected: {
      status: 400,
      challenge: `Bearer realm="${REALM}", error="invalid_request", error_description="Request carries a token by more than one method", DPoP realm="${REALM}", algs="${ALGS}"`,
      body: {
        error: 'invalid_request',
        error_description: 'Request carries a token by more than one method',
      },
    },
  },

  // dpop: 'required' (RFC 9449 §7.2): only the DPoP scheme, only it challenged.
  {
    name: 'required: a DPoP-bound token with its proof',
    app: 'required',
    request: (w, o) => dpopRequest(w, o),
    expected: ok(),
  },
  {
    name: 'required: no credentials',
    app: 'required',
    request: async () => ({ path: '/me' }),
    expected: anonymous(`DPoP realm="${REALM}", algs="${ALGS}"`),
  },

  // dpop: 'disabled': RFC 6750 alone.
  {
    name: 'disabled: a bearer token',
    app: 'disabled',
    request: async (w) => bearer(w.plain),
    expected: ok(),
  },
  {
    name: 'disabled: no credentials',
    app: 'disabled',
    request: async () => ({ path: '/me' }),
    expected: anonymous(`Bearer realm="${REALM}"`),
  },
];
