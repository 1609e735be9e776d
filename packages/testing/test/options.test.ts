// Option mistakes of every helper fail at once with a TypeError naming the option, and a
// misspelt option is refused with a suggestion instead of leaving a default silently in force
// (`expiresInn: -60` would otherwise mint a valid token for a test about expired ones).
import { createDpopKey, createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(async () => {
  await issuer?.close();
});

/** Calls `fn` with options a test got wrong, past the type checker. */
function loosely<A extends unknown[], R>(fn: (...args: A) => R) {
  return (...args: unknown[]): R => fn(...(args as A));
}

describe('createTestIssuer', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a NUL in jwksCacheControl', { jwksCacheControl: 'max-age=1\u0000' }, /^jwksCacheControl/],
    ['a DEL in jwksCacheControl', { jwksCacheControl: 'max-age=1\u007f' }, /^jwksCacheControl/],
    ['non-ASCII jwksCacheControl', { jwksCacheControl: 'max-age=1 ✓' }, /^jwksCacheControl/],
    ['an issuer that is no URL', { issuer: 'not a url' }, /^issuer must be an absolute http/],
    ['an issuer of another scheme', { issuer: 'urn:example:idp' }, /^issuer must be/],
    ['a huge tokenLifetimeSeconds', { tokenLifetimeSeconds: 1e300 }, /^tokenLifetimeSeconds/],
    ['a fractional tokenLifetimeSeconds', { tokenLifetimeSeconds: 0.5 }, /^tokenLifetimeSeconds/],
    ['a negative tokenLifetimeSeconds', { tokenLifetimeSeconds: -60 }, /^tokenLifetimeSeconds/],
    ['an infinite tokenLifetimeSeconds', { tokenLifetimeSeconds: Infinity }, /^tokenLifetime/],
    [
      'a misspelt client option',
      { clients: [{ clientId: 'a', clientSecret: 's', scope: ['x'] }] },
      /^createTestIssuer: clients\[0\]: unknown option "scope"; did you mean `scopes`\?$/,
    ],
  ])('refuses %s with a TypeError', async (_name, options, message) => {
    const created = loosely(createTestIssuer)(options);
    await expect(created).rejects.toThrow(TypeError);
    await expect(created).rejects.toThrow(message);
  });

  it('serves JWKS with a valid Cache-Control, and without one when given an empty string', async () => {
    for (const [value, expected] of [
      ['public, max-age=60\tmust-revalidate', 'public, max-age=60\tmust-revalidate'],
      ['', null],
    ] as const) {
      const idp = await createTestIssuer({ jwksCacheControl: value });
      try {
        const response = await fetch(idp.jwksUri);
        expect(response.status).toBe(200);
        expect(response.headers.get('cache-control')).toBe(expected);
      } finally {
        await idp.close();
      }
    }
  });

  it('accepts an http(s) issuer and a whole-number lifetime', async () => {
    const idp = await createTestIssuer({
      issuer: 'https://idp.example/tenant',
      tokenLifetimeSeconds: 120,
    });
    try {
      const token = await idp.accessToken();
      const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
      expect(claims).toMatchObject({ iss: 'https://idp.example/tenant' });
      expect(claims.exp - claims.iat).toBe(120);
    } finally {
      await idp.close();
    }
  });
});

describe('misspelt options of the issuer methods', () => {
  it.each<[string, () => Promise<unknown>, string]>([
    [
      'accessToken',
      () => loosely(issuer.accessToken)({ expiresInn: -60 }),
      'accessToken: unknown option "expiresInn"; did you mean `expiresIn`?',
    ],
    [
      'idToken',
      () => loosely(issuer.idToken)({ usrname: 'bob' }),
      'idToken: unknown option "usrname"; did you mean `username`?',
    ],
    [
      'm2mToken',
      () => loosely(issuer.m2mToken)({ scope: ['a'] }),
      'm2mToken: unknown option "scope"; did you mean `scopes`?',
    ],
    [
      'accessToken dpop',
      () => loosely(issuer.accessToken)({ dpop: { jtk: 'a'.repeat(43) } }),
      'accessToken: dpop: unknown option "jtk"; did you mean `jkt`?',
    ],
    [
      'accessToken dpop, an extra member',
      () => loosely(issuer.accessToken)({ dpop: { jkt: 'a'.repeat(43), alg: 'ES256' } }),
      'accessToken: dpop: unknown option "alg"',
    ],
    [
      'accessToken certificate',
      () => loosely(issuer.accessToken)({ certificate: { x5tS265: 'b'.repeat(43) } }),
      'accessToken: certificate: unknown option "x5tS265"; did you mean `x5tS256`?',
    ],
    [
      'sign',
      () => loosely(issuer.sign)({ sub: 'x' }, { algg: 'ES256' }),
      'sign: unknown option "algg"; did you mean `alg`?',
    ],
    [
      'outage',
      () => loosely(issuer.outage)('slow', { delayMS: 100 }),
      'outage: unknown option "delayMS"; did you mean `delayMs`?',
    ],
    [
      'rotateKeys',
      () => loosely(issuer.rotateKeys)({ algg: 'ES256' }),
      'rotateKeys: unknown option "algg"; did you mean `alg`?',
    ],
    [
      'addKey',
      () => loosely(issuer.addKey)({ rsaModulusLenght: 1024 }),
      'addKey: unknown option "rsaModulusLenght"; did you mean `rsaModulusLength`?',
    ],
    [
      'createDpopKey',
      () => loosely(createDpopKey)({ algorithm: 'ES256' }),
      'createDpopKey: unknown option "algorithm"',
    ],
  ])('%s rejects with a TypeError naming the option', async (_name, call, message) => {
    const result = call();
    await expect(result).rejects.toThrow(TypeError);
    await expect(result).rejects.toThrow(message);
  });

  it('refuses misspelt proof options and signWith members', async () => {
    const key = await createDpopKey();
    const proof = loosely(key.proof);
    const url = 'https://api.example/orders';
    await expect(proof({ method: 'GET', url, acessToken: 'x' })).rejects.toThrow(
      'proof: unknown option "acessToken"; did you mean `accessToken`?',
    );
    await expect(
      proof({ method: 'GET', url, signWith: { alg: 'HS256', secret: 's', secrets: 't' } }),
    ).rejects.toThrow('proof: signWith: unknown option "secrets"; did you mean `secret`?');
    await expect(
      proof({ method: 'GET', url, signWith: { alg: 'none', secret: 's' } }),
    ).rejects.toThrow('proof: signWith: unknown option "secret"');
  });

  it('refuses a misspelt registerClient option', () => {
    expect(() =>
      loosely(issuer.registerClient)({ clientId: 'a', clientSecret: 's', scops: [] }),
    ).toThrow('registerClient: unknown option "scops"; did you mean `scopes`?');
  });

  it.each([1e300, 0.5, Number.MAX_SAFE_INTEGER, -1e12])(
    'refuses expiresIn %d, which no real token carries',
    async (expiresIn) => {
      await expect(issuer.accessToken({ expiresIn })).rejects.toThrow(/^expiresIn must be/);
    },
  );

  it('refuses an outage delay no Node timer can wait, which would answer at once', async () => {
    await expect(issuer.outage('slow', { delayMs: 2 ** 31 })).rejects.toThrow(/^delayMs must be/);
  });

  it('refuses a sign header that is not an object', async () => {
    await expect(loosely(issuer.sign)({ sub: 'x' }, { header: 'typ' })).rejects.toThrow(
      'header must be an object',
    );
  });

  it('still accepts every documented form of the options', async () => {
    const dpopKey = await createDpopKey({ alg: 'ES256' });
    await expect(
      issuer.accessToken({
        sub: 's',
        username: 'u',
        clientId: 'c',
        groups: ['g'],
        scopes: ['a'],
        expiresIn: -60,
        claims: { extra: 1 },
        header: { typ: undefined },
        dpop: dpopKey,
      }),
    ).resolves.toMatch(/^ey/);
    await expect(issuer.accessToken({ dpop: { jkt: dpopKey.thumbprint } })).resolves.toMatch(/^ey/);
    await expect(issuer.accessToken({ certificate: { x5tS256: 'b'.repeat(43) } })).resolves.toMatch(
      /^ey/,
    );
    await expect(issuer.sign({ sub: 'x' }, { kid: null, header: { typ: 'JWT' } })).resolves.toMatch(
      /^ey/,
    );
    const kid = await issuer.addKey({
      alg: 'RS256',
      rsaModulusLength: 1024,
      kid: 'weak',
      use: 'sig',
    });
    expect(kid).toBe('weak');
    await expect(issuer.rotateKeys({ alg: 'ES256' })).resolves.toEqual(expect.any(String));
    await expect(
      dpopKey.proof({
        method: 'GET',
        url: 'https://api.example/orders',
        accessToken: 't',
        nonce: 'n',
        iat: 1,
        jti: 'j',
        header: {},
        claims: {},
        signWith: { alg: 'HS256', secret: 's' },
      }),
    ).resolves.toMatch(/^ey/);
    await issuer.outage('error', { status: 500, retryAfter: 1, requests: 1, delayMs: 10 });
    await issuer.recover();
  });
});
