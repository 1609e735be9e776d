// Guards trust only a verifier's own results, never an object of the same shape: another
// middleware (express-jwt v7) sets `req.auth` to a decoded payload, and a plain object with
// `groups: 'admin-x'` used to match `anyGroup('admin')` by substring.
import {
  allScopes,
  anyGroup,
  cognitoIssuer,
  isAllowed,
  noGroup,
  createGate,
  createVerifier,
  isVerifiedToken,
  type Gate,
  type VerifiedToken,
  type VerifierOptions,
} from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let pool: TestIssuer;
let options: VerifierOptions;

beforeAll(async () => {
  pool = await createTestIssuer({ kind: 'cognito' });
  options = {
    issuers: [
      cognitoIssuer({
        userPoolId: pool.userPoolId ?? '',
        clientId: pool.clientId,
        issuerOverride: pool.issuer,
      }),
    ],
  };
});
afterAll(() => pool.close());

/** What `gate.authorize` threw, or `undefined` when it let the request through. */
function thrownBy(gate: Gate, auth: unknown, rule?: Parameters<Gate['authorize']>[1]) {
  try {
    gate.authorize(auth as VerifiedToken, rule);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('isVerifiedToken', () => {
  it('holds for fresh results, cache hits and results of a verifier without a cache', async () => {
    const token = await pool.accessToken({ groups: ['admin'] });
    const cached = createVerifier(options);
    const first = await cached.verify(token);
    const hit = await cached.verify(token);
    const uncached = await createVerifier({ ...options, cache: false }).verify(token);
    for (const auth of [first, hit, uncached]) expect(isVerifiedToken(auth)).toBe(true);
  });

  it('does not hold for copies, look-alikes or anything else', async () => {
    const auth = await createVerifier(options).verify(
      await pool.accessToken({ groups: ['admin'] }),
    );
    const copies: unknown[] = [
      { ...auth },
      JSON.parse(JSON.stringify(auth)),
      structuredClone(auth),
      Object.create(auth),
      auth.claims,
      { sub: 'x', groups: ['admin'], scopes: [] },
      { [Symbol.for('tokengate.verifiedToken')]: false },
      undefined,
      null,
      'token',
    ];
    for (const copy of copies) expect(isVerifiedToken(copy)).toBe(false);
  });
});

describe('gate.authorize', () => {
  // What express-jwt v7 and similar middlewares leave in `req.auth`: a decoded payload.
  const FOREIGN: readonly [string, unknown][] = [
    ['a decoded payload', { sub: 'mallory', groups: ['admin'], scopes: ['orders:read'] }],
    ['a payload whose groups is a string', { sub: 'mallory', groups: 'admin-wannabe', scopes: '' }],
    ['an empty object', {}],
  ];

  it.each(FOREIGN)('answers 401 CREDENTIALS_MISSING for %s, with or without a rule', (_, auth) => {
    const gate = createGate({ ...options, realm: 'api' });
    for (const rule of [undefined, anyGroup('admin')]) {
      expect(thrownBy(gate, auth, rule)).toMatchObject({
        code: 'CREDENTIALS_MISSING',
        status: 401,
        realm: 'api',
      });
    }
  });

  it('answers 401 for a copy of a verified token, and lets the token itself through', async () => {
    const gate = createGate(options);
    const token = await pool.accessToken({ groups: ['admin'] });
    const auth = await gate.authenticate({
      rawHeaders: ['Host', 'api.example.com', 'Authorization', `Bearer ${token}`],
      url: '/',
    });
    expect(thrownBy(gate, { ...auth }, anyGroup('admin'))).toMatchObject({
      code: 'CREDENTIALS_MISSING',
    });
    expect(thrownBy(gate, auth, anyGroup('admin'))).toBeUndefined();
    expect(thrownBy(gate, auth)).toBeUndefined();
  });
});

describe('isAllowed on a hand-built auth', () => {
  it('never matches a string where a list belongs (no substring match, no vacuous noGroup)', async () => {
    const auth = await createVerifier(options).verify(await pool.accessToken({ groups: [] }));
    const forged = { ...auth, groups: 'admin-wannabe', scopes: 'orders:read:all' };
    for (const rule of [anyGroup('admin'), noGroup('suspended'), allScopes('orders:read')]) {
      expect(isAllowed(forged as unknown as VerifiedToken, rule)).toBe(false);
    }
    expect(isAllowed(auth, noGroup('suspended'))).toBe(true);
  });
});
