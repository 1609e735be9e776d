// DPoP attack families on what binds a proof to its request, token and time (RFC 9449 §4.3
// checks 8–12, §11.1): replay, another URL or method, another token, a stale or future `iat`,
// a missing or oversize `jti`.
import { randomUUID } from 'node:crypto';
import { ath } from './adversarial-dpop-proof.js';
import {
  dpopRequest,
  proofRefused,
  type DpopAttack,
  type DpopRequestSpec,
  type DpopWorld,
} from './dpop-kit.js';

const refused = (
  name: string,
  code: DpopAttack['code'],
  description: string,
  spec: (world: DpopWorld, origin: string) => DpopRequestSpec,
): DpopAttack => ({
  name,
  code,
  request: (world, origin) => dpopRequest(world, origin, spec(world, origin)),
  expected: proofRefused(description),
});

const claims = (members: Record<string, unknown>) => () => ({ proof: { claims: members } });
/** The proof names this URL (`htu`), built from the app's origin. */
const htu = (url: (origin: URL) => string) => (_: DpopWorld, origin: string) => ({
  proof: { url: url(new URL(origin)) },
});
const now = (): number => Math.floor(Date.now() / 1000);

const OTHER_URL = 'DPoP proof is for another URL';
const NOT_HTTP = 'DPoP proof htu is not an http(s) URI';

export const PROOF_REQUEST: readonly DpopAttack[] = [
  // RFC 9449 §11.1: a proof is accepted once.
  {
    name: 'the same proof twice',
    code: 'DPOP_PROOF_REPLAYED',
    request: async (world, origin) => {
      const request = await dpopRequest(world, origin);
      return [request, request];
    },
    expected: proofRefused('DPoP proof has already been used'),
  },
  {
    name: 'the same proof again with another query string',
    code: 'DPOP_PROOF_REPLAYED',
    request: async (world, origin) => {
      const request = await dpopRequest(world, origin, { path: '/me?page=1' });
      return [request, { ...request, path: '/me?page=2' }];
    },
    expected: proofRefused('DPoP proof has already been used'),
  },
  {
    name: 'a new proof reusing a jti already seen',
    code: 'DPOP_PROOF_REPLAYED',
    request: async (world, origin) => {
      const jti = randomUUID();
      const iat = now() - 1;
      return [
        await dpopRequest(world, origin, { proof: { jti, iat } }),
        await dpopRequest(world, origin, { proof: { jti } }),
      ];
    },
    expected: proofRefused('DPoP proof has already been used'),
  },
  // RFC 9449 §4.3 check 9: `htu` is the request URL, query and fragment ignored.
  refused(
    'htu: another host',
    'DPOP_URL_MISMATCH',
    OTHER_URL,
    htu((o) => `http://localhost:${o.port}/me`),
  ),
  refused(
    'htu: another port',
    'DPOP_URL_MISMATCH',
    OTHER_URL,
    htu((o) => `http://${o.hostname}:${Number(o.port) + 1}/me`),
  ),
  refused(
    'htu: another path',
    'DPOP_URL_MISMATCH',
    OTHER_URL,
    htu((o) => `${o.origin}/admin`),
  ),
  refused(
    'htu: https for an http request',
    'DPOP_URL_MISMATCH',
    OTHER_URL,
    htu((o) => `https://${o.host}/me`),
  ),
  refused(
    'htu: a trailing slash',
    'DPOP_URL_MISMATCH',
    OTHER_URL,
    htu((o) => `${o.origin}/me/`),
  ),
  refused(
    'htu: the path in another case',
    'DPOP_URL_MISMATCH',
    OTHER_URL,
    htu((o) => `${o.origin}/ME`),
  ),
  refused('htu: a relative reference', 'DPOP_PROOF_INVALID', NOT_HTTP, claims({ htu: '/me' })),
  refused('htu: another scheme', 'DPOP_PROOF_INVALID', NOT_HTTP, claims({ htu: 'urn:example:me' })),
  refused('htu: with userinfo', 'DPOP_PROOF_INVALID', NOT_HTTP, (_, origin) => ({
    proof: { claims: { htu: origin.replace('//', '//user@') + '/me' } },
  })),
  refused(
    'htu: missing',
    'DPOP_PROOF_INVALID',
    'DPoP proof htu claim is missing or invalid',
    claims({ htu: undefined }),
  ),
  // RFC 9449 §4.3 check 8; RFC 9110 §9.1: methods are case-sensitive.
  refused(
    'htm: POST for a GET',
    'DPOP_METHOD_MISMATCH',
    'DPoP proof is for another HTTP method',
    () => ({
      proof: { method: 'POST' },
    }),
  ),
  refused(
    'htm: get in lower case',
    'DPOP_METHOD_MISMATCH',
    'DPoP proof is for another HTTP method',
    () => ({
      proof: { method: 'get' },
    }),
  ),
  refused(
    'htm: missing',
    'DPOP_PROOF_INVALID',
    'DPoP proof htm claim is missing or invalid',
    claims({ htm: undefined }),
  ),
  // RFC 9449 §4.3 check 11: `ath` is the hash of this very token.
  refused(
    'ath: of another token',
    'DPOP_ATH_MISMATCH',
    'DPoP proof is for another access token',
    (w) => ({
      proof: { accessToken: w.boundAdmin },
    }),
  ),
  refused(
    'ath: missing',
    'DPOP_PROOF_INVALID',
    'DPoP proof ath claim is missing or invalid',
    claims({ ath: undefined }),
  ),
  refused(
    'ath: padded with =',
    'DPOP_ATH_MISMATCH',
    'DPoP proof is for another access token',
    (w) => ({
      proof: { claims: { ath: `${ath(w.bound)}=` } },
    }),
  ),
  refused(
    'ath: the hex digest',
    'DPOP_ATH_MISMATCH',
    'DPoP proof is for another access token',
    (w) => ({
      proof: { claims: { ath: Buffer.from(ath(w.bound), 'base64url').toString('hex') } },
    }),
  ),
  // `iat` within proofMaxAgeSeconds (60) + clockToleranceSeconds (5), not ahead beyond 5 s.
  refused('iat: two minutes old', 'DPOP_PROOF_EXPIRED', 'DPoP proof is too old', () => ({
    proof: { iat: now() - 120 },
  })),
  refused('iat: a day old', 'DPOP_PROOF_EXPIRED', 'DPoP proof is too old', () => ({
    proof: { iat: now() - 86_400 },
  })),
  refused(
    'iat: a minute ahead',
    'DPOP_PROOF_ISSUED_IN_FUTURE',
    'DPoP proof was issued in the future',
    () => ({
      proof: { iat: now() + 60 },
    }),
  ),
  refused(
    'iat: a string',
    'DPOP_PROOF_INVALID',
    'DPoP proof iat claim is missing or invalid',
    () => ({
      proof: { claims: { iat: String(now()) } },
    }),
  ),
  refused(
    'jti: missing',
    'DPOP_PROOF_INVALID',
    'DPoP proof jti claim is missing or invalid',
    claims({ jti: undefined }),
  ),
  refused(
    'jti: 257 characters',
    'DPOP_PROOF_INVALID',
    'DPoP proof jti claim is missing or invalid',
    claims({ jti: 'j'.repeat(257) }),
  ),
];
