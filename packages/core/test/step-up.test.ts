import {
  AccessDeniedError,
  InsufficientScopeError,
  and,
  anyGroup,
  authorize,
  cognitoIssuer,
  createVerifier,
  isAllowed,
  type VerifiedToken,
} from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amrIncludes, authenticatedWithin, cognitoM2M } from '@tokengate/core';
import { nowSeconds } from './helpers.js';

/** A hand-built verification result: rules only ever look at these fields. */
function tokenWith(claims: Record<string, unknown>, overrides: Partial<VerifiedToken> = {}) {
  const token: VerifiedToken = {
    token: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln',
    header: { alg: 'RS256' },
    claims,
    issuer: 'https://idp.example.com',
    expiresAt: undefined,
    subject: 'user-1',
    clientId: 'client-1',
    tokenUse: 'access',
    scopes: [],
    groups: [],
    ...overrides,
  };
  return token;
}

describe('authenticatedWithin', () => {
  const fiveMinutes = authenticatedWithin(300);

  it('matches a sign-in at most that many seconds ago', () => {
    expect(isAllowed(tokenWith({ auth_time: nowSeconds() - 10 }), fiveMinutes)).toBe(true);
    expect(isAllowed(tokenWith({ auth_time: nowSeconds() - 300 }), fiveMinutes)).toBe(true);
    expect(isAllowed(tokenWith({ auth_time: nowSeconds() - 400 }), fiveMinutes)).toBe(false);
  });

  it('does not match a missing, non-numeric or far-future auth_time', () => {
    for (const auth_time of [
      undefined,
      null,
      String(nowSeconds()),
      [nowSeconds()],
      true,
      Infinity,
    ]) {
      expect(isAllowed(tokenWith({ auth_time }), fiveMinutes), String(auth_time)).toBe(false);
    }
    expect(isAllowed(tokenWith({ auth_time: nowSeconds() + 3 }), fiveMinutes)).toBe(true);
    expect(isAllowed(tokenWith({ auth_time: nowSeconds() + 3600 }), fiveMinutes)).toBe(false);
    const strict = authenticatedWithin(300, { clockToleranceSeconds: 0 });
    expect(isAllowed(tokenWith({ auth_time: nowSeconds() + 3 }), strict)).toBe(false);
  });

  it('denies with 403 access_denied through authorize()', () => {
    expect(() => authorize(tokenWith({ auth_time: 1 }), fiveMinutes)).toThrow(AccessDeniedError);
  });

  it('is an ordinary claim rule that composes', () => {
    expect(fiveMinutes).toMatchObject({ type: 'claim', path: ['auth_time'], match: 'satisfies' });
    expect(Object.isFrozen(fiveMinutes)).toBe(true);
    const adminRecently = and(anyGroup('admin'), fiveMinutes);
    const fresh = { auth_time: nowSeconds() };
    expect(isAllowed(tokenWith(fresh, { groups: ['admin'] }), adminRecently)).toBe(true);
    expect(isAllowed(tokenWith(fresh), adminRecently)).toBe(false);
  });

  it('rejects bad arguments with TypeError', () => {
    for (const seconds of [0, -1, Number.NaN, Infinity, '300', undefined]) {
      expect(() => authenticatedWithin(seconds as number), String(seconds)).toThrow(TypeError);
    }
    expect(() => authenticatedWithin(60, { clockToleranceSeconds: -1 })).toThrow(TypeError);
  });
});

describe('amrIncludes', () => {
  const mfa = amrIncludes('mfa');

  it('matches when the amr array contains the method', () => {
    expect(isAllowed(tokenWith({ amr: ['pwd', 'mfa'] }), mfa)).toBe(true);
    expect(isAllowed(tokenWith({ amr: ['pwd'] }), mfa)).toBe(false);
  });

  it('does not match an amr of the wrong type', () => {
    for (const amr of [undefined, 'mfa', { 0: 'mfa' }, [['mfa']], null]) {
      expect(isAllowed(tokenWith({ amr }), mfa), JSON.stringify(amr)).toBe(false);
    }
  });

  it('rejects bad arguments with TypeError', () => {
    for (const method of ['', 1, null, undefined, ['mfa']]) {
      expect(() => amrIncludes(method as string)).toThrow(TypeError);
    }
  });
});

describe('cognitoM2M', () => {
  let pool: TestIssuer;
  let verify: (token: string) => Promise<VerifiedToken>;
  beforeAll(async () => {
    pool = await createTestIssuer({ kind: 'cognito', clientId: 'billing-job' });
    const verifier = createVerifier({
      issuers: [
        cognitoIssuer({
          userPoolId: pool.userPoolId ?? '',
          clientId: ['billing-job', 'reporting-job'],
          issuerOverride: pool.issuer,
        }),
      ],
    });
    verify = (token) => verifier.verify(token);
  });
  afterAll(() => pool.close());

  const billing = cognitoM2M({
    clientIds: ['billing-job'],
    scopes: ['orders-api/orders.read', 'orders-api/invoices.write'],
  });

  it('allows a client-credentials token of the client with every scope', async () => {
    const auth = await verify(
      await pool.m2mToken({ scopes: ['orders-api/orders.read', 'orders-api/invoices.write'] }),
    );
    expect(isAllowed(auth, billing)).toBe(true);
    expect(isAllowed(auth, cognitoM2M({ clientIds: 'billing-job' }))).toBe(true);
  });

  it('answers insufficient_scope when only scopes are missing', async () => {
    const auth = await verify(await pool.m2mToken({ scopes: ['orders-api/orders.read'] }));
    let thrown: unknown;
    try {
      authorize(auth, billing);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InsufficientScopeError);
    expect((thrown as InsufficientScopeError).requiredScopes).toEqual([
      'orders-api/orders.read',
      'orders-api/invoices.write',
    ]);
  });

  it('denies other clients and user tokens of the same client with access_denied', async () => {
    const scopes = ['orders-api/orders.read', 'orders-api/invoices.write'];
    const other = await verify(
      await pool.m2mToken({ clientId: 'reporting-job', sub: 'reporting-job', scopes }),
    );
    expect(() => authorize(other, billing)).toThrow(AccessDeniedError);
    const user = await verify(await pool.accessToken({ scopes }));
    expect(user.clientId).toBe('billing-job');
    expect(() => authorize(user, billing)).toThrow(AccessDeniedError);
  });

  it('checks the M2M shape claim by claim, with exact types', () => {
    const m2m = {
      token_use: 'access',
      sub: 'billing-job',
      client_id: 'billing-job',
      scope: 'orders-api/orders.read',
    };
    const rule = cognitoM2M({ clientIds: 'billing-job' });
    const as = (claims: Record<string, unknown>) => tokenWith(claims, { clientId: 'billing-job' });
    expect(isAllowed(as(m2m), rule)).toBe(true);
    expect(isAllowed(as({ ...m2m, username: 'alice' }), rule)).toBe(false);
    expect(isAllowed(as({ ...m2m, username: null }), rule)).toBe(false);
    expect(isAllowed(as({ ...m2m, sub: 'someone' }), rule)).toBe(false);
    expect(isAllowed(as({ ...m2m, sub: undefined, client_id: undefined }), rule)).toBe(false);
    expect(isAllowed(as({ ...m2m, token_use: 'id' }), rule)).toBe(false);
    expect(isAllowed(tokenWith(m2m, { clientId: undefined }), rule)).toBe(false);
  });

  it('rejects bad options with TypeError', () => {
    const make = (options: unknown) => () =>
      cognitoM2M(options as Parameters<typeof cognitoM2M>[0]);
    expect(make(undefined)).toThrow(TypeError);
    expect(make({})).toThrow(/clientIds/);
    expect(make({ clientIds: [] })).toThrow(/clientIds/);
    expect(make({ clientIds: 'a', scopes: [] })).toThrow(/scopes/);
    expect(make({ clientIds: 'a', scopes: [''] })).toThrow(/scopes/);
  });
});
