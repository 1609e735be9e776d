import {
  AccessDeniedError,
  InsufficientScopeError,
  TokengateError,
  allGroups,
  allScopes,
  and,
  anyGroup,
  anyScope,
  authorize,
  claimEquals,
  claimIncludes,
  claimSatisfies,
  clientIdIn,
  isAllowed,
  noGroup,
  not,
  or,
  type Rule,
  type VerifiedToken,
} from '@tokengate/core';
import { describe, expect, it } from 'vitest';

/** A hand-built verification result: rules only ever look at these fields. */
function tokenWith(overrides: Partial<VerifiedToken> = {}): VerifiedToken {
  return {
    token: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln',
    header: { alg: 'RS256' },
    claims: {},
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
}

const withClaims = (claims: Record<string, unknown>): VerifiedToken => tokenWith({ claims });

/** Calls `authorize` and returns what it threw, failing the test when it did not throw. */
function denialOf(auth: VerifiedToken, rule: Rule, realm?: string): TokengateError {
  let thrown: unknown;
  try {
    authorize(auth, rule, { realm });
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected authorize to throw').toBeInstanceOf(TokengateError);
  return thrown as TokengateError;
}

const yes = anyGroup('yes');
const no = anyGroup('no');
const member = tokenWith({ groups: ['yes'] });

describe('rule constructors reject bad input with TypeError', () => {
  const variadic = { allScopes, anyScope, allGroups, anyGroup, noGroup, clientIdIn };

  it.each(Object.entries(variadic))('%s needs non-empty strings', (_name, build) => {
    expect(() => build()).toThrow(TypeError);
    expect(() => build('')).toThrow(TypeError);
    expect(() => build('ok', '')).toThrow(TypeError);
    expect(() => build(1 as never)).toThrow(TypeError);
    expect(() => build('ok', null as never)).toThrow(TypeError);
    expect(() => build(undefined as never)).toThrow(TypeError);
    expect(() => build(['a'] as never)).toThrow(TypeError);
    expect(build('ok')).toBeDefined();
  });

  it.each([
    ['claimEquals', claimEquals],
    ['claimIncludes', claimIncludes],
  ] as const)('%s needs a claim name and a JSON primitive', (_name, build) => {
    expect(() => build('', 'x')).toThrow(TypeError);
    expect(() => build([], 'x')).toThrow(TypeError);
    expect(() => build(['a', ''], 'x')).toThrow(TypeError);
    expect(() => build(['a', 1 as never], 'x')).toThrow(TypeError);
    expect(() => build(1 as never, 'x')).toThrow(TypeError);
    expect(() => build(null as never, 'x')).toThrow(TypeError);
    expect(() => build({ 0: 'a', length: 1 } as never, 'x')).toThrow(TypeError);
    for (const value of [
      undefined,
      {},
      [],
      ['x'],
      NaN,
      Infinity,
      -Infinity,
      1n,
      Symbol('x'),
      () => 'x',
      new String('x'),
    ]) {
      expect(() => build('a', value as never), String(typeof value)).toThrow(TypeError);
    }
    for (const value of ['x', '', 0, -1.5, true, false, null]) {
      expect(build('a', value)).toBeDefined();
    }
  });

  it('claimSatisfies needs a claim name and a predicate function', () => {
    for (const predicate of [undefined, null, 'true', true, {}, /x/]) {
      expect(() => claimSatisfies('a', predicate as never)).toThrow(TypeError);
    }
    expect(() => claimSatisfies('', () => true)).toThrow(TypeError);
    expect(() => claimSatisfies([], () => true)).toThrow(TypeError);
    expect(claimSatisfies(['a', 'b'], () => true)).toBeDefined();
  });

  it('and, or and not need rules', () => {
    for (const combine of [and, or]) {
      expect(() => combine()).toThrow(TypeError);
      expect(() => combine(null as never)).toThrow(TypeError);
      expect(() => combine(yes, undefined as never)).toThrow(TypeError);
      expect(() => combine('admin' as never)).toThrow(TypeError);
      expect(() => combine({} as never)).toThrow(TypeError);
      expect(combine(yes)).toBeDefined();
    }
    expect(() => (not as (...rules: unknown[]) => Rule)()).toThrow(TypeError);
    expect(() => not(null as never)).toThrow(TypeError);
    expect(() => not('admin' as never)).toThrow(TypeError);
  });

  it('a sparse claim path is refused like one with an undefined member', () => {
    // Holes in a sparse path must fail like an undefined member, not read a claim named "undefined".
    const sparse: string[] = [];
    sparse[0] = 'x';
    sparse[2] = 'y';
    expect(() => claimEquals(['x', undefined as never, 'y'], 1)).toThrow(TypeError);
    expect(() => claimEquals(sparse, 1)).toThrow(TypeError);
  });

  it('and, or and not refuse objects that merely have a `type`', () => {
    // A hand-written or misspelt rule object must not slip into a combinator.
    const typo = { type: 'scope', match: 'all', values: ['admin'] } as unknown as Rule;
    expect(() => and(typo)).toThrow(TypeError);
    expect(() => or(typo)).toThrow(TypeError);
    expect(() => not(typo)).toThrow(TypeError);
  });
});

describe('rules are frozen plain values', () => {
  it('cannot be changed after creation, not even through the caller’s arrays', () => {
    const path = ['realm_access', 'roles'];
    const children: Rule[] = [yes, no];
    const rules = [
      allScopes('a', 'b'),
      noGroup('x'),
      clientIdIn('c'),
      claimEquals(path, 'admin'),
      claimSatisfies('a', () => true),
      and(...children),
      not(yes),
    ];
    path[1] = 'changed';
    children.push(anyGroup('late'));
    for (const rule of rules) {
      expect(Object.isFrozen(rule)).toBe(true);
      expect(Object.getPrototypeOf(rule)).toBe(Object.prototype);
      for (const value of Object.values(rule)) {
        if (typeof value === 'object' && value !== null) expect(Object.isFrozen(value)).toBe(true);
      }
    }
    expect(rules[3]).toMatchObject({ path: ['realm_access', 'roles'] });
    expect(rules[5]).toMatchObject({ rules: [yes, no] });
    expect(() => {
      (rules[0] as unknown as { values: string[] }).values.push('c');
    }).toThrow(TypeError);
  });

  it('give the same answer on every call and for every token', () => {
    const rule = and(anyGroup('admin'), anyScope('orders:read'));
    const allowed = tokenWith({ groups: ['admin'], scopes: ['orders:read'] });
    const refused = tokenWith({ groups: ['admin'] });
    for (let i = 0; i < 3; i += 1) {
      expect(isAllowed(allowed, rule)).toBe(true);
      expect(isAllowed(refused, rule)).toBe(false);
    }
    expect(JSON.parse(JSON.stringify(rule))).toEqual(rule);
  });
});

describe('matching is exact', () => {
  it.each([
    ['orders:readonly', 'orders:read'],
    ['orders:read', 'orders:readonly'],
    ['orders', 'orders:read'],
    ['Orders:Read', 'orders:read'],
    ['orders:read ', 'orders:read'],
    [' orders:read', 'orders:read'],
    ['orders:read\0', 'orders:read'],
    ['orders:read\u200b', 'orders:read'],
    ['orders:read orders:write', 'orders:read'],
  ])('scope %j does not satisfy %j', (held, wanted) => {
    const auth = tokenWith({ scopes: [held] });
    expect(isAllowed(auth, allScopes(wanted))).toBe(false);
    expect(isAllowed(auth, anyScope(wanted))).toBe(false);
    expect(isAllowed(tokenWith({ scopes: [wanted] }), anyScope(wanted))).toBe(true);
  });

  it.each([
    ['notadmin', 'admin'],
    ['admins', 'admin'],
    ['Admin', 'admin'],
    ['ADMIN', 'admin'],
    ['admin ', 'admin'],
    ['admin\0', 'admin'],
    ['\u200badmin', 'admin'],
    ['\u0430dmin', 'admin'], // Cyrillic а (U+0430), a homoglyph of Latin a
    ['admin', 'Admin'],
  ])('group %j does not satisfy %j', (held, wanted) => {
    const auth = tokenWith({ groups: [held] });
    expect(isAllowed(auth, anyGroup(wanted))).toBe(false);
    expect(isAllowed(auth, allGroups(wanted))).toBe(false);
    expect(isAllowed(auth, noGroup(wanted))).toBe(true);
  });

  it('applies to client ids and claim values too', () => {
    expect(isAllowed(tokenWith({ clientId: 'client-10' }), clientIdIn('client-1'))).toBe(false);
    expect(isAllowed(tokenWith({ clientId: 'CLIENT-1' }), clientIdIn('client-1'))).toBe(false);
    expect(isAllowed(tokenWith({ clientId: 'client-1' }), clientIdIn('client-1'))).toBe(true);
    expect(isAllowed(tokenWith({ clientId: undefined }), clientIdIn('undefined'))).toBe(false);
    const tenant = withClaims({ 'custom:tenant': 'acme ' });
    expect(isAllowed(tenant, claimEquals('custom:tenant', 'acme'))).toBe(false);
    expect(isAllowed(tenant, claimEquals('custom:tenant', 'acme '))).toBe(true);
    expect(isAllowed(withClaims({ amr: ['mfa-sms'] }), claimIncludes('amr', 'mfa'))).toBe(false);
  });
});

describe('scope and group rules', () => {
  const auth = tokenWith({ scopes: ['a', 'b'], groups: ['staff', 'admin'] });

  it('all*, any* and noGroup', () => {
    expect(isAllowed(auth, allScopes('a', 'b'))).toBe(true);
    expect(isAllowed(auth, allScopes('a', 'c'))).toBe(false);
    expect(isAllowed(auth, anyScope('c', 'b'))).toBe(true);
    expect(isAllowed(auth, anyScope('c', 'd'))).toBe(false);
    expect(isAllowed(auth, allGroups('admin', 'staff'))).toBe(true);
    expect(isAllowed(auth, allGroups('admin', 'ops'))).toBe(false);
    expect(isAllowed(auth, anyGroup('ops', 'admin'))).toBe(true);
    expect(isAllowed(auth, noGroup('suspended', 'banned'))).toBe(true);
    expect(isAllowed(auth, noGroup('suspended', 'staff'))).toBe(false);
    expect(isAllowed(tokenWith(), noGroup('suspended'))).toBe(true);
    expect(isAllowed(tokenWith(), anyGroup('admin'))).toBe(false);
  });
});

describe('claim rules', () => {
  it('compare top-level claims and paths', () => {
    const auth = withClaims({
      'custom:tenant': 'acme',
      realm_access: { roles: ['admin', 'user'], level: 3, active: true, note: null },
    });
    expect(isAllowed(auth, claimEquals('custom:tenant', 'acme'))).toBe(true);
    expect(isAllowed(auth, claimEquals(['realm_access', 'level'], 3))).toBe(true);
    expect(isAllowed(auth, claimEquals(['realm_access', 'active'], true))).toBe(true);
    expect(isAllowed(auth, claimEquals(['realm_access', 'note'], null))).toBe(true);
    expect(isAllowed(auth, claimIncludes(['realm_access', 'roles'], 'admin'))).toBe(true);
    expect(isAllowed(auth, claimIncludes(['realm_access', 'roles'], 'owner'))).toBe(false);
    // A missing claim is not `null`.
    expect(isAllowed(auth, claimEquals('missing', null))).toBe(false);
    expect(isAllowed(auth, claimEquals(['realm_access', 'missing'], null))).toBe(false);
  });

  it.each([
    ['a string is not the number', { 'custom:tenant': 1 }, claimEquals('custom:tenant', '1')],
    ['a number is not the string', { 'custom:tenant': '1' }, claimEquals('custom:tenant', 1)],
    ['a string is not true', { email_verified: 'true' }, claimEquals('email_verified', true)],
    ['0 is not false', { flag: 0 }, claimEquals('flag', false)],
    ['"null" is not null', { flag: 'null' }, claimEquals('flag', null)],
    ['an array is not its element', { tenant: ['acme'] }, claimEquals('tenant', 'acme')],
    ['an object is not a string', { tenant: { id: 'acme' } }, claimEquals('tenant', 'acme')],
    ['includes on a string', { amr: 'mfa' }, claimIncludes('amr', 'mfa')],
    ['includes on a substring', { amr: 'pwd mfa' }, claimIncludes('amr', 'mfa')],
    ['includes on an object', { amr: { mfa: 'mfa' } }, claimIncludes('amr', 'mfa')],
    ['includes of another type', { levels: ['1', '2'] }, claimIncludes('levels', 1)],
    ['a path through null', { a: null }, claimEquals(['a', 'b'], null)],
    ['a path through a string', { a: 'bc' }, claimEquals(['a', 'length'], 2)],
    ['a path through a string index', { a: 'bc' }, claimEquals(['a', '0'], 'b')],
    ['a path through a number', { a: 5 }, claimEquals(['a', 'b'], 5)],
    ['a path through an array', { a: [{ b: 'x' }] }, claimEquals(['a', 'b'], 'x')],
    ['a path past a leaf', { a: { b: 'x' } }, claimEquals(['a', 'b', 'c'], 'x')],
  ])('%s: no match, no throw', (_case, claims, rule) => {
    const auth = withClaims(claims);
    expect(isAllowed(auth, rule)).toBe(false);
    expect(denialOf(auth, rule)).toBeInstanceOf(AccessDeniedError);
  });

  it('does not read JavaScript-only members of arrays', () => {
    // JSON arrays have no `length` member, so a path through it matches nothing.
    const auth = withClaims({ roles: ['a', 'b'] });
    expect(isAllowed(auth, claimEquals(['roles', 'length'], 2))).toBe(false);
  });

  it('never reach Object.prototype through __proto__, constructor or inherited names', () => {
    const auth = withClaims({ profile: { name: 'x' } });
    const reachesAnything = (value: unknown) => value !== undefined;
    for (const path of [
      ['__proto__'],
      ['constructor'],
      ['toString'],
      ['hasOwnProperty'],
      ['profile', '__proto__'],
      ['profile', 'constructor'],
    ]) {
      expect(isAllowed(auth, claimSatisfies(path, reachesAnything)), path.join('.')).toBe(false);
    }
    expect(isAllowed(auth, claimEquals(['constructor', 'name'], 'Object'))).toBe(false);
    expect(isAllowed(auth, claimEquals(['__proto__', 'constructor', 'name'], 'Object'))).toBe(
      false,
    );
    expect(isAllowed(auth, claimEquals(['toString', 'name'], 'toString'))).toBe(false);
    expect(isAllowed(auth, claimEquals(['profile', 'toString', 'length'], 0))).toBe(false);
  });

  it('do read a claim literally named __proto__, as JSON.parse creates it', () => {
    const auth = withClaims(
      JSON.parse('{"__proto__":{"role":"admin"}}') as Record<string, unknown>,
    );
    expect(isAllowed(auth, claimEquals(['__proto__', 'role'], 'admin'))).toBe(true);
    expect(({} as Record<string, unknown>)['role']).toBeUndefined();
  });

  it('claimSatisfies matches only on a return of true, and a throw is no match', () => {
    const auth = withClaims({ identities: [{ providerName: 'Google' }], n: 2 });
    const seen: unknown[] = [];
    const viaGoogle = claimSatisfies('identities', (ids, token) => {
      seen.push(ids, token);
      return Array.isArray(ids) && ids.some((id) => id?.providerName === 'Google');
    });
    expect(isAllowed(auth, viaGoogle)).toBe(true);
    expect(seen).toEqual([auth.claims['identities'], auth]);

    for (const predicate of [
      () => 1,
      () => 'true',
      () => ({}),
      () => Promise.resolve(true),
      () => false,
      () => undefined,
    ]) {
      expect(isAllowed(auth, claimSatisfies('n', predicate as never))).toBe(false);
    }
    const throwing = claimSatisfies('n', () => {
      throw new Error('boom');
    });
    const throwingNonError = claimSatisfies('n', () => {
      throw undefined;
    });
    expect(isAllowed(auth, throwing)).toBe(false);
    expect(isAllowed(auth, throwingNonError)).toBe(false);
    expect(isAllowed(auth, not(throwing))).toBe(true);
    expect(denialOf(auth, throwing)).toBeInstanceOf(AccessDeniedError);
    // A missing claim reaches the predicate as undefined.
    expect(
      isAllowed(
        auth,
        claimSatisfies('missing', (value) => value === undefined),
      ),
    ).toBe(true);
  });
});

describe('and, or, not', () => {
  const rulesOf = { yes, no };
  it.each([
    ['yes yes', true, true],
    ['yes no', false, true],
    ['no yes', false, true],
    ['no no', false, false],
    ['yes', true, true],
    ['no', false, false],
    ['yes yes no', false, true],
  ] as const)('(%s): and → %s, or → %s', (names, andResult, orResult) => {
    const rules = names.split(' ').map((name) => rulesOf[name as keyof typeof rulesOf]);
    expect(isAllowed(member, and(...rules))).toBe(andResult);
    expect(isAllowed(member, or(...rules))).toBe(orResult);
  });

  it('not inverts, and nests', () => {
    expect(isAllowed(member, not(yes))).toBe(false);
    expect(isAllowed(member, not(no))).toBe(true);
    expect(isAllowed(member, not(not(yes)))).toBe(true);
    expect(isAllowed(member, and(yes, not(no)))).toBe(true);
    expect(isAllowed(member, or(no, and(yes, not(yes))))).toBe(false);
    expect(isAllowed(member, or(no, and(yes, or(no, yes))))).toBe(true);
  });
});

describe('authorize', () => {
  it('returns nothing when the rule holds', () => {
    expect(authorize(member, yes)).toBeUndefined();
    expect(authorize(tokenWith({ scopes: ['a'] }), allScopes('a'), { realm: 'api' })).toBe(
      undefined,
    );
  });

  it('throws InsufficientScopeError 403 with the required scopes for scope rules', () => {
    const auth = tokenWith({ scopes: ['orders:read'] });
    const error = denialOf(auth, allScopes('orders:read', 'orders:write'));
    expect(error).toBeInstanceOf(InsufficientScopeError);
    expect(error).toMatchObject({ status: 403, error: 'insufficient_scope' });
    expect(error.code).toBe('SCOPE_INSUFFICIENT');
    expect((error as InsufficientScopeError).requiredScopes).toEqual([
      'orders:read',
      'orders:write',
    ]);
    expect(error.headers['WWW-Authenticate']).toContain('error="insufficient_scope"');
    expect(error.headers['WWW-Authenticate']).toContain('scope="orders:read orders:write"');
    expect(error.headers['WWW-Authenticate']).not.toContain('realm=');
  });

  it('answers an or of scope rules with the union of their scopes', () => {
    const rule = or(allScopes('a', 'b'), anyScope('c', 'a'), and(anyScope('d')));
    const error = denialOf(tokenWith({ scopes: ['b'] }), rule);
    expect(error).toBeInstanceOf(InsufficientScopeError);
    expect([...(error as InsufficientScopeError).requiredScopes].sort()).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
    expect(error.headers['WWW-Authenticate']).toMatch(/scope="[abcd ]{7}"/);
    // An and reports the scope rule that failed.
    const both = denialOf(tokenWith({ scopes: ['a'] }), and(anyScope('a'), allScopes('x')));
    expect(both).toBeInstanceOf(InsufficientScopeError);
    expect((both as InsufficientScopeError).requiredScopes).toEqual(['x']);
  });

  it.each([
    ['a group rule', anyGroup('admin')],
    ['noGroup', noGroup('staff')],
    ['a client rule', clientIdIn('other')],
    ['a claim rule', claimEquals('custom:tenant', 'acme')],
    ['claimIncludes', claimIncludes('amr', 'mfa')],
    ['claimSatisfies', claimSatisfies('x', () => false)],
    ['not of a scope rule', not(anyScope('a'))],
    ['an or mixing scopes and groups', or(anyScope('x'), anyGroup('admin'))],
    ['an and failing on a group first', and(anyGroup('admin'), anyScope('x'))],
  ])('throws AccessDeniedError 403 for %s', (_case, rule) => {
    const auth = tokenWith({ scopes: ['a'], groups: ['staff'] });
    const error = denialOf(auth, rule, 'api');
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).not.toBeInstanceOf(InsufficientScopeError);
    expect(error).toMatchObject({ status: 403, statusCode: 403, code: 'ACCESS_DENIED' });
    expect(error.error).toBe('access_denied');
    expect(error.headers['WWW-Authenticate']).toMatch(/^Bearer realm="api", error="access_denied"/);
    expect(error.headers['WWW-Authenticate']).not.toContain('scope=');
  });

  it('fails closed on a rule object of unknown type', () => {
    // An unknown rule type fails closed.
    const typo = { type: 'scope', match: 'all', values: ['admin'] } as unknown as Rule;
    expect(isAllowed(tokenWith(), typo)).toBe(false);
    expect(denialOf(tokenWith(), typo)).toBeInstanceOf(AccessDeniedError);
  });

  it('puts the realm in the challenge', () => {
    const error = denialOf(tokenWith(), allScopes('orders:read'), 'orders-api');
    expect(error.realm).toBe('orders-api');
    expect(error.headers['WWW-Authenticate']).toMatch(
      /^Bearer realm="orders-api", error="insufficient_scope", .*scope="orders:read"$/,
    );
  });
});
