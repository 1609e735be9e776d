// The gate's DPoP path end to end (RFC 9449 §7): scheme, proof and binding checked on every
// request, cache hits included, with the challenges a client can act on.
import { createGate, isTokengateError, oidcIssuer, type Gate } from '@tokengate/core';
import { createDpopKey, createTestIssuer, type DpopKey, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let idp: TestIssuer;
let key: DpopKey;
let other: DpopKey;
const gates: Gate[] = [];

beforeAll(async () => {
  idp = await createTestIssuer();
  key = await createDpopKey();
  other = await createDpopKey();
});
afterAll(async () => {
  await Promise.all(gates.map((gate) => gate.close()));
  await idp.close();
});

function gate(options: Record<string, unknown> = {}): Gate {
  const built = createGate({
    issuers: [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience })],
    ...options,
  });
  gates.push(built);
  return built;
}

const URL_ = 'http://api.example.test/orders?page=2';

function request(authorization: string, proof?: string | string[], method = 'GET') {
  const rawHeaders = ['Host', 'api.example.test', 'Authorization', authorization];
  for (const value of proof === undefined ? [] : [proof].flat()) rawHeaders.push('DPoP', value);
  return { rawHeaders, url: '/orders?page=2', method };
}

async function refusal(pending: Promise<unknown>) {
  try {
    await pending;
  } catch (error) {
    if (isTokengateError(error)) {
      return {
        status: error.status,
        code: error.code,
        challenge: error.headers['WWW-Authenticate'],
      };
    }
    throw error;
  }
  throw new Error('accepted');
}

describe('DPoP through the gate', () => {
  it('accepts a DPoP-bound token with a fresh proof, on every request (cache hits too)', async () => {
    const g = gate();
    const token = await idp.accessToken({ dpop: key });
    for (let i = 0; i < 3; i += 1) {
      const proof = await key.proof({ method: 'GET', url: URL_, accessToken: token });
      const auth = await g.authenticate(request(`DPoP ${token}`, proof));
      expect(auth?.binding).toEqual({ type: 'dpop', jkt: key.thumbprint });
    }
    // The token is cached now; the proof is still required and checked.
    expect(await refusal(g.authenticate(request(`DPoP ${token}`)))).toMatchObject({
      status: 401,
      code: 'DPOP_PROOF_MISSING',
    });
    const replayed = await key.proof({ method: 'GET', url: URL_, accessToken: token });
    await g.authenticate(request(`DPoP ${token}`, replayed));
    expect(await refusal(g.authenticate(request(`DPoP ${token}`, replayed)))).toMatchObject({
      code: 'DPOP_PROOF_REPLAYED',
    });
  });

  it('refuses a DPoP-bound token sent as Bearer, and an unbound token sent as DPoP', async () => {
    const g = gate();
    const bound = await idp.accessToken({ dpop: key });
    const proof = await key.proof({ method: 'GET', url: URL_, accessToken: bound });
    const downgrade = await refusal(g.authenticate(request(`Bearer ${bound}`, proof)));
    expect(downgrade).toMatchObject({ status: 401, code: 'DPOP_SCHEME_REQUIRED' });
    expect(downgrade.challenge).toMatch(/^Bearer error="invalid_token", .*, DPoP algs="[^"]+"$/);
    const plain = await idp.accessToken();
    const plainProof = await key.proof({ method: 'GET', url: URL_, accessToken: plain });
    expect(await refusal(g.authenticate(request(`DPoP ${plain}`, plainProof)))).toMatchObject({
      code: 'DPOP_SCHEME_UNBOUND',
    });
  });

  it('refuses a proof of another key, method, URL or token', async () => {
    const g = gate();
    const token = await idp.accessToken({ dpop: key });
    const cases = [
      [
        await other.proof({ method: 'GET', url: URL_, accessToken: token }),
        'DPOP_BINDING_MISMATCH',
      ],
      [await key.proof({ method: 'POST', url: URL_, accessToken: token }), 'DPOP_METHOD_MISMATCH'],
      [
        await key.proof({ method: 'GET', url: 'http://evil.test/orders', accessToken: token }),
        'DPOP_URL_MISMATCH',
      ],
      [await key.proof({ method: 'GET', url: URL_, accessToken: 'other' }), 'DPOP_ATH_MISMATCH'],
    ] as const;
    for (const [proof, code] of cases) {
      const answer = await refusal(g.authenticate(request(`DPoP ${token}`, proof)));
      expect(answer, code).toMatchObject({ status: 401, code });
      expect(answer.challenge).toContain('DPoP error="invalid_dpop_proof"');
    }
    const one = await key.proof({ method: 'GET', url: URL_, accessToken: token });
    const two = await key.proof({ method: 'GET', url: URL_, accessToken: token });
    expect(await refusal(g.authenticate(request(`DPoP ${token}`, [one, two])))).toMatchObject({
      code: 'DPOP_PROOF_DUPLICATE',
    });
  });

  it("mode 'required' refuses bearer tokens before any work; 'disabled' refuses DPoP-bound ones", async () => {
    const required = gate({ dpop: 'required' });
    const answer = await refusal(
      required.authenticate(request(`Bearer ${await idp.accessToken()}`)),
    );
    expect(answer).toMatchObject({ status: 401, code: 'DPOP_SCHEME_REQUIRED' });
    expect(answer.challenge).toMatch(/^DPoP error="invalid_token", .*algs="/);
    const disabled = gate({ dpop: 'disabled' });
    const bound = await idp.accessToken({ dpop: key });
    expect(await refusal(disabled.authenticate(request(`Bearer ${bound}`)))).toMatchObject({
      code: 'DPOP_DISABLED',
    });
    // With DPoP disabled the DPoP scheme is no credential of ours, and the challenge is RFC 6750's alone.
    const none = await refusal(disabled.authenticate(request(`DPoP ${bound}`)));
    expect(none).toMatchObject({ status: 401, code: 'CREDENTIALS_MISSING', challenge: 'Bearer' });
  });

  it('the verifier alone refuses bound tokens unless its caller checks the proof', async () => {
    const g = gate();
    const bound = await idp.accessToken({ dpop: key });
    const { createVerifier } = await import('@tokengate/core');
    const verifier = createVerifier({
      issuers: [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience })],
    });
    try {
      expect(await refusal(verifier.verify(bound))).toMatchObject({
        code: 'TOKEN_BINDING_UNCHECKED',
      });
      const result = await verifier.verify(bound, undefined, { allowBoundTokens: true });
      expect(result.binding.type).toBe('dpop');
    } finally {
      await verifier.close();
    }
    expect(g).toBeDefined();
  });

  it('with server nonces, a proof without the nonce gets use_dpop_nonce and the nonce', async () => {
    const g = gate({ dpop: { nonce: {} } });
    const token = await idp.accessToken({ dpop: key });
    const first = await key.proof({ method: 'GET', url: URL_, accessToken: token });
    let nonce: string | undefined;
    try {
      await g.authenticate(request(`DPoP ${token}`, first));
      throw new Error('accepted');
    } catch (error) {
      if (!isTokengateError(error)) throw error;
      expect(error.code).toBe('DPOP_NONCE_REQUIRED');
      expect(error.headers['WWW-Authenticate']).toContain('DPoP error="use_dpop_nonce"');
      nonce = error.headers['DPoP-Nonce'];
    }
    expect(nonce).toEqual(expect.any(String));
    const second = await key.proof({ method: 'GET', url: URL_, accessToken: token, nonce: nonce! });
    expect((await g.authenticate(request(`DPoP ${token}`, second)))?.binding.type).toBe('dpop');
    expect(await g.dpopNonce()).toEqual(expect.any(String));
  });
});

describe('DPoP through the gate: requests seen twice, events, forwarded origins', () => {
  it('a gate run twice on the same request accepts its proof once checked; another request replaying it is refused', async () => {
    const g = gate();
    const token = await idp.accessToken({ dpop: key });
    const proof = await key.proof({ method: 'GET', url: URL_, accessToken: token });
    const same = request(`DPoP ${token}`, proof);
    expect((await g.authenticate(same))?.binding.type).toBe('dpop');
    // Mounted twice (app.use(requireAuth) and again on the route): the same request.
    expect((await g.authenticate(same))?.binding.type).toBe('dpop');
    // A copy of the request is another request: the proof is a replay there.
    expect(
      await refusal(g.authenticate({ ...same, rawHeaders: [...same.rawHeaders] })),
    ).toMatchObject({
      code: 'DPOP_PROOF_REPLAYED',
    });
  });

  it('reports a valid token with a failed proof as a rejected event', async () => {
    const events: { type: string; code?: string }[] = [];
    const g = gate({ onEvent: (event: { type: string; code?: string }) => events.push(event) });
    const token = await idp.accessToken({ dpop: key });
    const proof = await other.proof({ method: 'GET', url: URL_, accessToken: token });
    await refusal(g.authenticate(request(`DPoP ${token}`, proof)));
    expect(events.filter((event) => event.type === 'rejected')).toEqual([
      expect.objectContaining({ code: 'DPOP_BINDING_MISMATCH', issuer: idp.issuer }),
    ]);
  });

  it('trustForwardedHeaders takes one value of each header and refuses lists', async () => {
    const g = gate({ trustForwardedHeaders: true });
    const token = await idp.accessToken({ dpop: key });
    const proof = await key.proof({
      method: 'GET',
      url: 'https://public.example.test/orders',
      accessToken: token,
    });
    const forwarded = (host: string) => ({
      ...request(`DPoP ${token}`, proof),
      rawHeaders: [
        ...request(`DPoP ${token}`, proof).rawHeaders,
        'X-Forwarded-Proto',
        'https',
        'X-Forwarded-Host',
        host,
      ],
    });
    expect((await g.authenticate(forwarded('public.example.test')))?.binding.type).toBe('dpop');
    const next = await key.proof({
      method: 'GET',
      url: 'https://public.example.test/orders',
      accessToken: token,
    });
    const listed = forwarded('public.example.test, internal.example.test');
    listed.rawHeaders[listed.rawHeaders.indexOf('DPoP') + 1] = next;
    expect(await refusal(g.authenticate(listed))).toMatchObject({
      status: 400,
      code: 'HOST_INVALID',
    });
  });
});

describe('a verifier wrapped by the application', () => {
  it('is called through its own verify(), whether spread into a new object or replaced in place', async () => {
    const { createVerifier } = await import('@tokengate/core');
    const verifier = createVerifier({
      issuers: [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience })],
    });
    try {
      const calls: string[] = [];
      const spread = {
        ...verifier,
        verify: ((token: string, ...rest: unknown[]) => {
          calls.push('spread');
          return (verifier.verify as (...args: unknown[]) => unknown)(token, ...rest);
        }) as typeof verifier.verify,
      };
      const token = await idp.accessToken();
      const bearer = { rawHeaders: ['Authorization', `Bearer ${token}`], url: '/', method: 'GET' };
      const g1 = createGate({ verifier: spread });
      await g1.authenticate(bearer);
      await g1.authenticate(bearer); // a cache hit too
      expect(calls).toEqual(['spread', 'spread']);
      const g2 = createGate({ verifier });
      const original = verifier.verify;
      verifier.verify = ((token: string, ...rest: unknown[]) => {
        calls.push('replaced');
        return (original as (...args: unknown[]) => unknown)(token, ...rest);
      }) as typeof verifier.verify;
      await g2.authenticate(bearer);
      expect(calls).toEqual(['spread', 'spread', 'replaced']);
    } finally {
      await verifier.close();
    }
  });
});

describe('dpop.issuers: a policy per issuer', () => {
  it("refuses a 'required' issuer's bearer tokens and a 'disabled' issuer's bound ones; others follow the gate", async () => {
    const second = await createTestIssuer();
    try {
      const g = createGate({
        issuers: [
          oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience }),
          oidcIssuer({ issuer: second.issuer, jwksUri: second.jwksUri, audience: second.audience }),
        ],
        dpop: { issuers: { [idp.issuer]: 'required', [second.issuer]: 'disabled' } },
      });
      gates.push(g);
      expect(
        await refusal(g.authenticate(request(`Bearer ${await idp.accessToken()}`))),
      ).toMatchObject({ status: 401, code: 'DPOP_SCHEME_REQUIRED' });
      const bound = await idp.accessToken({ dpop: key });
      const proof = await key.proof({ method: 'GET', url: URL_, accessToken: bound });
      expect((await g.authenticate(request(`DPoP ${bound}`, proof)))?.binding.type).toBe('dpop');
      expect((await g.authenticate(request(`Bearer ${await second.accessToken()}`)))?.issuer).toBe(
        second.issuer,
      );
      const secondBound = await second.accessToken({ dpop: key });
      const secondProof = await key.proof({ method: 'GET', url: URL_, accessToken: secondBound });
      expect(
        await refusal(g.authenticate(request(`DPoP ${secondBound}`, secondProof))),
      ).toMatchObject({ code: 'DPOP_DISABLED' });
    } finally {
      await second.close();
    }
  });

  it('is validated when the gate is built', () => {
    const issuers = [
      oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience }),
    ];
    expect(() =>
      createGate({ issuers, dpop: { issuers: { [idp.issuer]: 'sometimes' as never } } }),
    ).toThrow(TypeError);
    expect(() =>
      createGate({ issuers, dpop: { mode: 'disabled', issuers: { [idp.issuer]: 'required' } } }),
    ).toThrow(/needs dpop.mode 'allowed'/);
  });
});

describe('dpop.issuers keys', () => {
  it('must be the iss of an issuer of the gate: a typo fails at build, not open', () => {
    const issuers = [
      oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience }),
    ];
    expect(() =>
      createGate({ issuers, dpop: { issuers: { [`${idp.issuer}/`]: 'required' } } }),
    ).toThrow(/is not the iss of an issuer configured on this gate/);
  });
});
