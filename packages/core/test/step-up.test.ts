import {
  AccessDeniedError,
  InsufficientScopeError,
  InsufficientUserAuthenticationError,
  acrIn,
  allScopes,
  and,
  anyGroup,
  authorize,
  not,
  or,
  toRule,
  type Rule,
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
    binding: { type: 'bearer' },
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

  it('denies with 401 insufficient_user_authentication and max_age (RFC 9470 §3)', () => {
    for (const auth_time of [1, undefined, 'x']) {
      const error = denial(tokenWith({ auth_time }), fiveMinutes, 'api');
      expect(error).toBeInstanceOf(InsufficientUserAuthenticationError);
      expect(error).toMatchObject({ status: 401, code: 'USER_AUTHENTICATION_INSUFFICIENT' });
      expect(error.headers['WWW-Authenticate']).toBe(
        `Bearer realm="api", error="insufficient_user_authentication", error_description="${error.description}", max_age="300"`,
      );
      expect(error.toJSON()).toEqual({
        error: 'insufficient_user_authentication',
        error_description: error.description,
      });
    }
    expect(challenge(tokenWith({}), authenticatedWithin(90.7))).toContain('max_age="90"');
  });

  it('is a frozen rule that composes', () => {
    expect(fiveMinutes).toMatchObject({ type: 'authTime', maxAge: 300, clockTolerance: 5 });
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

  it('denies with a bare 401 insufficient_user_authentication: amr has no challenge parameter', () => {
    const error = denial(tokenWith({ amr: ['pwd'] }), mfa);
    expect(error).toMatchObject({ status: 401, code: 'USER_AUTHENTICATION_INSUFFICIENT' });
    expect(error.headers['WWW-Authenticate']).not.toMatch(/acr_values|max_age/);
  });

  it('puts the configured acr_values in the challenge', () => {
    const mapped = amrIncludes('mfa', { acrValues: ['urn:mfa', 'phr'] });
    expect(challenge(tokenWith({ amr: ['pwd'] }), mapped)).toMatch(/, acr_values="urn:mfa phr"$/);
    expect(isAllowed(tokenWith({ amr: ['mfa'] }), mapped)).toBe(true);
  });

  it('rejects bad arguments with TypeError', () => {
    for (const method of ['', 1, null, undefined, ['mfa']]) {
      expect(() => amrIncludes(method as string)).toThrow(TypeError);
    }
    for (const acrValues of ['', 'a b', [], ['a"b'], [1]]) {
      expect(() => amrIncludes('mfa', { acrValues: acrValues as string })).toThrow(TypeError);
    }
  });
});

describe('acrIn', () => {
  const strong = acrIn('phr', 'phrh');

  it('matches an acr equal to one of the values, exactly', () => {
    expect(isAllowed(tokenWith({ acr: 'phrh' }), strong)).toBe(true);
    for (const acr of ['PHR', 'phr ', ['phr'], undefined, 1]) {
      expect(isAllowed(tokenWith({ acr }), strong), JSON.stringify(acr)).toBe(false);
    }
  });

  it('denies with 401 and acr_values in the order given (RFC 9470 §3)', () => {
    const error = denial(tokenWith({ acr: 'pwd' }), strong);
    expect(error).toMatchObject({ status: 401, code: 'USER_AUTHENTICATION_INSUFFICIENT' });
    expect(error.acrValues).toEqual(['phr', 'phrh']);
    expect(error.headers['WWW-Authenticate']).toMatch(/, acr_values="phr phrh"$/);
  });

  it('rejects values that cannot be sent in acr_values, at build time', () => {
    for (const values of [[], [''], ['a b'], ['a"'], ['a\\b'], ['é'], [1]]) {
      expect(() => acrIn(...(values as string[])), JSON.stringify(values)).toThrow(TypeError);
    }
  });

  it('validates hand-written step-up rules, naming the path', () => {
    const bad = [
      [{ type: 'acr', values: ['ok', 'a b'] }, 'rule.values[1]'],
      [{ type: 'acr', values: ['ok'], extra: 1 }, 'unknown key'],
      [{ type: 'authTime', maxAge: 0, clockTolerance: 5 }, 'rule.maxAge'],
      [{ type: 'authTime', maxAge: 60 }, 'rule.clockTolerance'],
      [{ type: 'amr', method: '' }, 'rule.method'],
      [{ type: 'amr', method: 'mfa', acrValues: 'x' }, 'rule.acrValues'],
      [
        { type: 'and', rules: [anyGroup('a'), { type: 'acr', values: [] }] },
        'rule.rules[1].values',
      ],
    ] as const;
    for (const [rule, path] of bad) {
      expect(() => toRule(rule, 'authorize()'), path).toThrow(TypeError);
      expect(() => toRule(rule, 'authorize()'), path).toThrow(path);
    }
    const handWritten = toRule({ type: 'acr', values: ['phr'] }, 'authorize()') as Rule;
    expect(challenge(tokenWith({}), handWritten)).toMatch(/acr_values="phr"$/);
  });
});

describe('step-up denials inside and / or / not', () => {
  const stale = { auth_time: nowSeconds() - 3600, acr: 'pwd' };
  const recent = authenticatedWithin(300);

  it('and: a 403 that re-authenticating cannot fix wins, whatever the order', () => {
    for (const rule of [and(anyGroup('admin'), recent), and(recent, anyGroup('admin'))]) {
      expect(denial(tokenWith(stale), rule)).toMatchObject({ code: 'ACCESS_DENIED' });
      expect(denial(tokenWith(stale, { groups: ['admin'] }), rule)).toMatchObject({
        code: 'USER_AUTHENTICATION_INSUFFICIENT',
      });
    }
    expect(denial(tokenWith(stale), and(recent, allScopes('x')))).toMatchObject({
      code: 'SCOPE_INSUFFICIENT',
    });
  });

  it('and: step-up requirements merge (smallest max_age, common acr values)', () => {
    const rule = and(recent, acrIn('phr', 'phrh'), authenticatedWithin(60), acrIn('phrh', 'x'));
    expect(denial(tokenWith(stale), rule)).toMatchObject({ maxAge: 60, acrValues: ['phrh'] });
    expect(denial(tokenWith(stale), and(acrIn('a'), acrIn('b')))).toMatchObject({
      code: 'ACCESS_DENIED',
    });
  });

  it('or: a step-up alternative is offered, as satisfying it grants access', () => {
    const rule = or(anyGroup('admin'), allScopes('x'), recent);
    expect(denial(tokenWith(stale), rule)).toMatchObject({ maxAge: 300 });
    expect(isAllowed(tokenWith(stale, { groups: ['admin'] }), rule)).toBe(true);
  });

  it('not: never a step-up challenge', () => {
    const fresh = { auth_time: nowSeconds() };
    expect(denial(tokenWith(fresh), not(recent))).toMatchObject({ code: 'ACCESS_DENIED' });
  });
});

/** What `authorize` throws for `auth` and `rule`; fails the test when it does not throw. */
function denial(auth: VerifiedToken, rule: Rule, realm?: string) {
  try {
    authorize(auth, rule, { realm });
  } catch (error) {
    return error as InsufficientUserAuthenticationError;
  }
  throw new Error('authorize() granted access');
}

function challenge(auth: VerifiedToken, rule: Rule): string {
  return denial(auth, rule).headers['WWW-Authenticate'] ?? '';
}

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
