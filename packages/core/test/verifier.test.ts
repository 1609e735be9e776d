import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createVerifier, oidcIssuer, type VerifierEvent } from '@tokengate/core';
import { TEST_ALGORITHMS, createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nowSeconds, rejectionOf, segment, withSegment } from './helpers.js';

let idp: TestIssuer;
let other: TestIssuer;

beforeAll(async () => {
  [idp, other] = await Promise.all([createTestIssuer(), createTestIssuer()]);
});
afterAll(async () => {
  await Promise.all([idp.close(), other.close()]);
});

function verifierFor(issuer: TestIssuer, policy: Partial<Parameters<typeof oidcIssuer>[0]> = {}) {
  return createVerifier({
    issuers: [
      oidcIssuer({
        issuer: issuer.issuer,
        jwksUri: issuer.jwksUri,
        audience: issuer.audience,
        ...policy,
      }),
    ],
  });
}

describe('a valid token', () => {
  it('resolves to the normalized result', async () => {
    const token = await idp.accessToken({
      sub: 'user-1',
      scopes: ['orders:read', 'openid'],
      groups: ['admin'],
    });
    const result = await verifierFor(idp).verify(token);
    expect(result).toMatchObject({
      token,
      issuer: idp.issuer,
      subject: 'user-1',
      clientId: idp.clientId,
      tokenUse: 'access',
      scopes: ['orders:read', 'openid'],
      groups: ['admin'],
    });
    expect(result.header).toMatchObject({ alg: 'RS256', kid: idp.currentKid, typ: 'at+jwt' });
    expect(result.claims.sub).toBe('user-1');
    expect(result.expiresAt).toBe(result.claims.exp);
  });

  it.each(TEST_ALGORITHMS)('verifies %s signatures', async (alg) => {
    const issuer = await createTestIssuer({ alg });
    try {
      const result = await verifierFor(issuer).verify(await issuer.accessToken());
      expect(result.header.alg).toBe(alg);
    } finally {
      await issuer.close();
    }
  });

  it('reads OIDC client ids from azp and scopes from an scp array', async () => {
    const token = await idp.idToken({ claims: { scp: ['a', 'b'] } });
    const result = await verifierFor(idp, { audience: idp.clientId, tokenUse: 'id' }).verify(token);
    expect(result).toMatchObject({
      clientId: idp.clientId,
      scopes: ['a', 'b'],
      tokenUse: 'id',
    });
  });

  it('honours custom scope and groups claims, ignoring members of the wrong type', async () => {
    const token = await idp.accessToken({
      claims: { permissions: ['read', 7, 'write'], roles: ['ops', null] },
    });
    const result = await verifierFor(idp, {
      scopeClaim: 'permissions',
      groupsClaim: 'roles',
    }).verify(token);
    expect(result.scopes).toEqual(['read', 'write']);
    expect(result.groups).toEqual(['ops']);
  });
});

describe('malformed tokens are refused before any key work', () => {
  const cases: [string, (token: string) => string][] = [
    ['two segments', (t) => t.split('.').slice(0, 2).join('.')],
    ['four segments', (t) => `${t}.AAAA`],
    ['an empty signature', (t) => withSegment(t, 2, '')],
    ['padding', (t) => `${t}==`],
    ['standard base64 characters', (t) => withSegment(t, 2, `${t.split('.')[2]?.slice(0, -2)}+/`)],
    ['whitespace', (t) => t.replace('.', ' .')],
    ['an impossible base64 length', (t) => withSegment(t, 2, 'AAAAA')],
    ['a header that is not JSON', (t) => withSegment(t, 0, segment('{alg:RS256'))],
    ['a header that is an array', (t) => withSegment(t, 0, segment(['RS256']))],
    ['a payload that is a string', (t) => withSegment(t, 1, segment('"hello"'))],
    ['a payload that is null', (t) => withSegment(t, 1, segment('null'))],
  ];
  it.each(cases)('with %s', async (_name, mutate) => {
    const error = await rejectionOf(verifierFor(idp).verify(mutate(await idp.accessToken())));
    expect(error.code).toBe('TOKEN_MALFORMED');
    expect(error.status).toBe(401);
  });

  it('refuses non-strings and empty strings', async () => {
    const verifier = verifierFor(idp);
    expect((await rejectionOf(verifier.verify(''))).code).toBe('TOKEN_MALFORMED');
    expect((await rejectionOf(verifier.verify(42 as unknown as string))).code).toBe(
      'TOKEN_MALFORMED',
    );
  });

  it('never quotes decoded token text in the error or its cause', async () => {
    const token = await idp.accessToken();
    for (const index of [0, 1] as const) {
      const error = await rejectionOf(
        verifierFor(idp).verify(withSegment(token, index, segment('{"a": secret-marker}'))),
      );
      expect(error.code).toBe('TOKEN_MALFORMED');
      const cause = error.cause as Error | undefined;
      expect(`${error.message} ${cause?.message} ${cause?.stack}`).not.toContain('secret-marker');
    }
  });

  it('refuses an iss longer than 2048 characters as an unknown issuer', async () => {
    const verifier = verifierFor(idp);
    const token = await idp.accessToken({ claims: { iss: `${idp.issuer}/${'x'.repeat(2048)}` } });
    expect(await rejectionOf(verifier.verify(token))).toMatchObject({
      code: 'ISSUER_UNKNOWN',
      status: 401,
    });
    // A configured issuer that long could never match, so it is refused at creation.
    expect(() =>
      createVerifier({
        issuers: [
          oidcIssuer({ issuer: `https://idp.example/${'x'.repeat(2048)}`, audience: 'api' }),
        ],
      }),
    ).toThrow(TypeError);
  });

  it('refuses oversized tokens by length alone', async () => {
    const verifier = createVerifier({
      maxTokenBytes: 1024,
      issuers: [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience })],
    });
    const big = await idp.accessToken({ claims: { padding: 'x'.repeat(2000) } });
    expect((await rejectionOf(verifier.verify(big))).code).toBe('TOKEN_TOO_LARGE');
  });
});

describe('header rules (RFC 8725)', () => {
  it.each(['none', 'None', 'HS256', 'RS1', 'ES256K'])('refuses alg %s', async (alg) => {
    const token = withSegment(await idp.accessToken(), 0, segment({ alg, kid: idp.currentKid }));
    expect((await rejectionOf(verifierFor(idp).verify(token))).code).toBe('ALG_NOT_ALLOWED');
  });

  it('refuses an algorithm the issuer does not allow', async () => {
    const token = await idp.accessToken();
    const error = await rejectionOf(verifierFor(idp, { algorithms: ['ES256'] }).verify(token));
    expect(error.code).toBe('ALG_NOT_ALLOWED');
  });

  it('refuses a key used with an algorithm of another family', async () => {
    const token = await idp.sign(
      { iss: idp.issuer, aud: idp.audience, exp: nowSeconds() + 60 },
      { alg: 'PS256' },
    );
    const verifier = verifierFor(idp);
    // The RSA key signs fine under PS256, but the JWK pins RS256 (RFC 7517 §4.4).
    expect((await rejectionOf(verifier.verify(token))).code).toBe('KEY_NOT_FOUND');
  });

  it('refuses unknown critical headers', async () => {
    const token = await idp.accessToken({ header: { crit: ['exp'], exp: 1 } });
    expect((await rejectionOf(verifierFor(idp).verify(token))).code).toBe('CRIT_UNSUPPORTED');
  });

  it.each([[42], [{}], ['k'.repeat(2000)]])('refuses kid %#', async (kid) => {
    const token = await idp.accessToken({ header: { kid } });
    expect((await rejectionOf(verifierFor(idp).verify(token))).code).toBe('TOKEN_MALFORMED');
  });

  it.each(['__proto__', 'constructor', '../../etc/passwd'])(
    'treats kid %s as unknown',
    async (kid) => {
      const token = await idp.accessToken({ header: { kid } });
      expect((await rejectionOf(verifierFor(idp).verify(token))).code).toBe('KEY_NOT_FOUND');
    },
  );

  it('never fetches keys named by jku, x5u or an embedded jwk', async () => {
    let hits = 0;
    const trap = createServer((_req, res) => {
      hits += 1;
      res.end(JSON.stringify({ keys: [] }));
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(trap.address() as AddressInfo).port}/jwks`;
    try {
      const attacker = await createTestIssuer();
      const forged = await attacker.accessToken({
        claims: { iss: idp.issuer, aud: idp.audience },
        header: { jku: url, x5u: url, jwk: attacker.keys()[0]?.publicJwk },
      });
      await attacker.close();
      const error = await rejectionOf(verifierFor(idp).verify(forged));
      expect(error.code).toBe('KEY_NOT_FOUND');
      expect(hits).toBe(0);
    } finally {
      trap.close();
    }
  });

  it('enforces typ when asked, comparing media types as RFC 7515 says', async () => {
    const verifier = verifierFor(idp, { typ: 'at+jwt' });
    await expect(verifier.verify(await idp.accessToken())).resolves.toBeDefined();
    const upper = await idp.accessToken({ header: { typ: 'application/AT+JWT' } });
    await expect(verifier.verify(upper)).resolves.toBeDefined();
    const idToken = await idp.accessToken({ header: { typ: 'JWT' } });
    expect((await rejectionOf(verifier.verify(idToken))).code).toBe('TYP_MISMATCH');
  });
});

describe('keys', () => {
  it('refuses a tampered payload', async () => {
    const token = await idp.accessToken({ scopes: ['read'] });
    const tampered = withSegment(
      token,
      1,
      segment({
        ...JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()),
        scope: 'admin',
      }),
    );
    expect((await rejectionOf(verifierFor(idp).verify(tampered))).code).toBe('SIGNATURE_INVALID');
  });

  it('never lets a key of issuer A verify a token claiming issuer B', async () => {
    const verifier = createVerifier({
      issuers: [
        oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience }),
        oidcIssuer({ issuer: other.issuer, jwksUri: other.jwksUri, audience: other.audience }),
      ],
    });
    const claims = { iss: other.issuer, aud: other.audience, exp: nowSeconds() + 60 };
    const unknownKid = await idp.sign(claims);
    expect((await rejectionOf(verifier.verify(unknownKid))).code).toBe('KEY_NOT_FOUND');
    const borrowedKid = await idp.sign(claims, { header: { kid: other.currentKid } });
    expect((await rejectionOf(verifier.verify(borrowedKid))).code).toBe('SIGNATURE_INVALID');
    await expect(verifier.verify(await other.accessToken())).resolves.toMatchObject({
      issuer: other.issuer,
    });
  });

  it('skips weak RSA keys and keys published for encryption', async () => {
    const issuer = await createTestIssuer();
    try {
      const weak = await issuer.addKey({ rsaModulusLength: 1024 });
      const enc = await issuer.addKey({ use: 'enc' });
      const verifier = verifierFor(issuer);
      expect(
        (await rejectionOf(verifier.verify(await issuer.accessToken({ kid: weak })))).code,
      ).toBe('KEY_NOT_FOUND');
      expect(
        (await rejectionOf(verifier.verify(await issuer.accessToken({ kid: enc })))).code,
      ).toBe('KEY_NOT_FOUND');
    } finally {
      await issuer.close();
    }
  });

  it('accepts a token without kid only when a single key fits', async () => {
    const issuer = await createTestIssuer();
    try {
      const claims = { iss: issuer.issuer, aud: issuer.audience, exp: nowSeconds() + 60 };
      await expect(
        verifierFor(issuer).verify(await issuer.sign(claims, { kid: null })),
      ).resolves.toBeDefined();
      await issuer.addKey();
      const error = await rejectionOf(
        verifierFor(issuer).verify(await issuer.sign(claims, { kid: null })),
      );
      expect(error.code).toBe('KEY_NOT_FOUND');
    } finally {
      await issuer.close();
    }
  });
});

describe('claims (RFC 7519 §4.1)', () => {
  const now = nowSeconds;
  it.each([
    ['an expired token', { exp: now() - 60 }, 'TOKEN_EXPIRED'],
    ['a token not valid yet', { nbf: now() + 600 }, 'TOKEN_NOT_YET_VALID'],
    ['a token issued in the future', { iat: now() + 600 }, 'TOKEN_ISSUED_IN_FUTURE'],
    ['a token without exp', { exp: undefined }, 'CLAIM_MISSING'],
    ['exp as a string', { exp: String(now() + 600) }, 'CLAIM_INVALID'],
    ['iat as a string', { iat: 'yesterday' }, 'CLAIM_INVALID'],
    ['nbf as null', { nbf: null }, 'CLAIM_INVALID'],
    ['a numeric sub', { sub: 12 }, 'CLAIM_INVALID'],
    ['another audience', { aud: 'https://other.example' }, 'AUDIENCE_MISMATCH'],
    ['an audience near-miss', { aud: 'https://api.tokengate.test/' }, 'AUDIENCE_MISMATCH'],
    [
      'an audience of the wrong type',
      { aud: { 0: 'https://api.tokengate.test' } },
      'AUDIENCE_MISMATCH',
    ],
    ['an issuer of the wrong type', { iss: ['x'] }, 'ISSUER_UNKNOWN'],
  ] as const)('refuses %s', async (_name, claims, code) => {
    const token = await idp.accessToken({ claims });
    expect((await rejectionOf(verifierFor(idp).verify(token))).code).toBe(code);
  });

  it('accepts an expired token within the clock tolerance', async () => {
    const token = await idp.accessToken({ expiresIn: -3 });
    await expect(verifierFor(idp).verify(token)).resolves.toBeDefined();
    expect(
      (await rejectionOf(verifierFor(idp, { clockToleranceSeconds: 0 }).verify(token))).code,
    ).toBe('TOKEN_EXPIRED');
  });

  it('accepts an aud array that contains an accepted audience', async () => {
    const token = await idp.accessToken({
      claims: { aud: ['https://other.example', idp.audience] },
    });
    await expect(verifierFor(idp).verify(token)).resolves.toBeDefined();
  });

  it('skips the audience check only when told to with null', async () => {
    const token = await idp.accessToken({ claims: { aud: undefined } });
    await expect(verifierFor(idp, { audience: null }).verify(token)).resolves.toBeDefined();
  });

  it('limits token age from iat', async () => {
    const old = await idp.accessToken({ claims: { iat: nowSeconds() - 7200 } });
    expect(
      (await rejectionOf(verifierFor(idp, { maxTokenAgeSeconds: 3600 }).verify(old))).code,
    ).toBe('TOKEN_TOO_OLD');
    const noIat = await idp.accessToken({ claims: { iat: undefined } });
    expect(
      (await rejectionOf(verifierFor(idp, { maxTokenAgeSeconds: 3600 }).verify(noIat))).code,
    ).toBe('CLAIM_MISSING');
  });

  it('can require more claims, or none', async () => {
    const token = await idp.accessToken({ claims: { exp: undefined, jti: undefined } });
    await expect(verifierFor(idp, { requiredClaims: [] }).verify(token)).resolves.toBeDefined();
    const withExp = await idp.accessToken({ claims: { jti: undefined } });
    expect(
      (await rejectionOf(verifierFor(idp, { requiredClaims: ['exp', 'jti'] }).verify(withExp)))
        .code,
    ).toBe('CLAIM_MISSING');
  });
});

describe('several issuers', () => {
  it('routes by iss and never fetches keys for an unknown issuer', async () => {
    // EC keys generate in milliseconds, so a loaded machine does not time this out.
    const [a, b, stranger] = await Promise.all([
      createTestIssuer({ alg: 'ES256' }),
      createTestIssuer({ alg: 'ES256' }),
      createTestIssuer({ alg: 'ES256' }),
    ]);
    try {
      const verifier = createVerifier({
        audience: a.audience,
        issuers: [
          oidcIssuer({ issuer: a.issuer, jwksUri: a.jwksUri }),
          oidcIssuer({ issuer: b.issuer, jwksUri: b.jwksUri }),
        ],
      });
      await expect(verifier.verify(await a.accessToken())).resolves.toMatchObject({
        issuer: a.issuer,
      });
      expect([a.stats.jwksRequests, b.stats.jwksRequests]).toEqual([1, 0]);
      await expect(verifier.verify(await b.accessToken())).resolves.toMatchObject({
        issuer: b.issuer,
      });
      const error = await rejectionOf(verifier.verify(await stranger.accessToken()));
      expect(error.code).toBe('ISSUER_UNKNOWN');
      expect(stranger.stats.jwksRequests + stranger.stats.discoveryRequests).toBe(0);
    } finally {
      await Promise.all([a.close(), b.close(), stranger.close()]);
    }
  });
});

describe('OpenID Connect discovery', () => {
  it('reads jwks_uri from the discovery document once', async () => {
    const issuer = await createTestIssuer();
    try {
      const verifier = createVerifier({
        issuers: [oidcIssuer({ issuer: issuer.issuer, audience: issuer.audience })],
      });
      await verifier.verify(await issuer.accessToken());
      await verifier.verify(await issuer.accessToken());
      expect(issuer.stats.discoveryRequests).toBe(1);
      expect(issuer.stats.jwksRequests).toBe(1);
    } finally {
      await issuer.close();
    }
  });

  it('answers 503 when the document names another issuer', async () => {
    const issuer = await createTestIssuer();
    try {
      // Same discovery URL (the trailing slash is dropped), but `iss` differs from the document's.
      const configured = `${issuer.issuer}/`;
      const verifier = createVerifier({
        issuers: [oidcIssuer({ issuer: configured, audience: issuer.audience })],
      });
      const token = await issuer.accessToken({ claims: { iss: configured } });
      const error = await rejectionOf(verifier.verify(token));
      expect(error).toMatchObject({ code: 'IDP_UNAVAILABLE', status: 503 });
      expect(issuer.stats.jwksRequests).toBe(0);
    } finally {
      await issuer.close();
    }
  });
});

describe('events', () => {
  it('reports verified, rejected and key fetches, and survives a throwing listener', async () => {
    const events: VerifierEvent[] = [];
    const verifier = createVerifier({
      issuers: [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience })],
      onEvent: (event) => {
        events.push(event);
        throw new Error('listener bug');
      },
    });
    await verifier.verify(await idp.accessToken());
    await rejectionOf(verifier.verify(await idp.accessToken({ expiresIn: -600 })));
    expect(events.map((event) => event.type)).toEqual(['jwks-fetch', 'verified', 'rejected']);
    expect(events[0]).toMatchObject({ ok: true, uri: idp.jwksUri, keys: 1 });
    expect(events[2]).toMatchObject({ code: 'TOKEN_EXPIRED', status: 401 });
  });
});
