import {
  AccessDeniedError,
  TokengateError,
  and,
  anyGroup,
  anyScope,
  assertRule,
  authorize,
  cognitoIssuer,
  createGate,
  isAllowed,
  not,
  or,
  type Rule,
  type VerifiedToken,
} from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A hand-built verification result with no groups, scopes or claims: rules only read these. */
const nobody: VerifiedToken = {
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
};

const sparse: unknown[] = [];
sparse[1] = 'admin';
class GroupRule {
  readonly type = 'groups';
  readonly match = 'any';
  readonly values = ['admin'];
}
const loop: { type: 'and'; rules: unknown[] } = { type: 'and', rules: [] };
loop.rules.push(loop);

/** Malformed rules and the path-naming message each must be refused with. */
const MALFORMED: readonly (readonly [string, unknown, string])[] = [
  [
    'match "All"',
    { type: 'groups', match: 'All', values: ['admin'] },
    "rule.match must be 'all', 'any' or 'none'",
  ],
  ['match omitted', { type: 'groups', values: ['admin'] }, 'rule.match must be'],
  ['match "any "', { type: 'groups', match: 'any ', values: ['admin'] }, 'rule.match must be'],
  [
    'scopes match "none"',
    { type: 'scopes', match: 'none', values: ['a'] },
    "rule.match must be 'all' or 'any'",
  ],
  ['an empty and', { type: 'and', rules: [] }, 'rule.rules must not be empty'],
  ['an empty or', { type: 'or', rules: [] }, 'rule.rules must not be empty'],
  ['an and without rules', { type: 'and' }, 'rule.rules must be an array of rules'],
  ['empty scopes', { type: 'scopes', match: 'all', values: [] }, 'rule.values must not be empty'],
  ['scopes without values', { type: 'scopes', match: 'all' }, 'rule.values must be an array'],
  [
    'values as a string',
    { type: 'groups', match: 'any', values: 'admin' },
    'rule.values must be an array',
  ],
  [
    'a number member',
    { type: 'groups', match: 'any', values: ['admin', 1] },
    'rule.values[1] must be',
  ],
  ['an empty-string member', { type: 'client', values: [''] }, 'rule.values[0] must be'],
  ['a hole in values', { type: 'groups', match: 'any', values: sparse }, 'rule.values[0] must be'],
  ['empty client ids', { type: 'client', values: [] }, 'rule.values must not be empty'],
  ['a not without rule', { type: 'not' }, 'rule.rule must be a rule object'],
  [
    'unknown key "match" on client',
    { type: 'client', match: 'any', values: ['c'] },
    'rule has unknown key "match"',
  ],
  [
    'unknown key on groups',
    { type: 'groups', match: 'any', values: ['a'], value: 'b' },
    'rule has unknown key "value"',
  ],
  [
    'claim path as a string',
    { type: 'claim', path: 'tenant', match: 'equals', value: 'acme' },
    'rule.path must be an array',
  ],
  [
    'empty claim path',
    { type: 'claim', path: [], match: 'equals', value: 'acme' },
    'rule.path must not be empty',
  ],
  [
    'empty claim path member',
    { type: 'claim', path: ['a', ''], match: 'equals', value: 1 },
    'rule.path[1] must be',
  ],
  [
    'claim match "contains"',
    { type: 'claim', path: ['a'], match: 'contains', value: 1 },
    "rule.match must be 'equals', 'includes' or 'satisfies'",
  ],
  ['claim without value', { type: 'claim', path: ['a'], match: 'equals' }, 'rule.value must be'],
  [
    'claim value an object',
    { type: 'claim', path: ['a'], match: 'includes', value: {} },
    'rule.value must be',
  ],
  [
    'claim value NaN',
    { type: 'claim', path: ['a'], match: 'equals', value: NaN },
    'rule.value must be',
  ],
  [
    'predicate not a function',
    { type: 'claim', path: ['a'], match: 'satisfies', predicate: 'true' },
    'rule.predicate must be a function',
  ],
  [
    'value on a satisfies claim',
    { type: 'claim', path: ['a'], match: 'satisfies', predicate: () => true, value: 1 },
    'rule has unknown key "value"',
  ],
  ['type "scope"', { type: 'scope', match: 'all', values: ['a'] }, 'rule.type must be'],
  ['no type', { match: 'all', values: ['a'] }, 'rule.type must be'],
  ['null', null, 'rule must be a rule object'],
  ['a string', 'admin', 'rule must be a rule object'],
  ['true', true, 'rule must be a rule object'],
  ['an array', ['admin'], 'rule must be a plain object'],
  ['a class instance', new GroupRule(), 'rule must be a plain object'],
  ['an object inheriting a rule', Object.create(anyGroup('admin')), 'rule must be a plain object'],
  [
    'a getter',
    {
      type: 'groups',
      match: 'any',
      get values() {
        return ['admin'];
      },
    },
    'rule.values must be a data property',
  ],
  [
    'a symbol key',
    { type: 'groups', match: 'any', values: ['a'], [Symbol('x')]: 1 },
    'rule has an unexpected symbol key',
  ],
  [
    'a bad rule inside and',
    { type: 'and', rules: [anyGroup('a'), { type: 'scopes', match: 'All', values: ['x'] }] },
    "rule.rules[1].match must be 'all' or 'any'",
  ],
  [
    'a hole inside or',
    { type: 'or', rules: [anyGroup('a'), undefined] },
    'rule.rules[1] must be a rule object',
  ],
  [
    'a bad rule inside not',
    { type: 'not', rule: { type: 'groups', values: ['a'] } },
    'rule.rule.match must be',
  ],
  ['a cycle', loop, 'rule.rules[0] contains itself'],
  ['nesting 33 deep', nested(33), 'rule nests rules more than 32 deep'],
  ['nesting 100 000 deep', nested(100_000), 'rule nests rules more than 32 deep'],
  ['a shared sub-rule used 2^20 times', shared(20), 'rule has more than 1000 sub-rules'],
];

/** `not(not(…(group)))` written by hand, `depth` rules in all. */
function nested(depth: number): unknown {
  let rule: unknown = { type: 'groups', match: 'any', values: ['a'] };
  for (let i = 1; i < depth; i += 1) rule = { type: 'not', rule };
  return rule;
}

/** An `and` of the same child twice, `levels` times over: small to write, huge to expand. */
function shared(levels: number): unknown {
  let rule: unknown = { type: 'groups', match: 'any', values: ['a'] };
  for (let i = 0; i < levels; i += 1) rule = { type: 'and', rules: [rule, rule] };
  return rule;
}

describe('a guard refuses a malformed rule when it is built', () => {
  it.each(MALFORMED)('%s', (_case, rule, message) => {
    expect(() => assertRule(rule, 'authorize()')).toThrow(TypeError);
    // The message is the contract here: it names where in the rule the mistake is.
    expect(() => assertRule(rule, 'authorize()')).toThrow(`authorize(): ${message}`);
  });

  it('names the exact path the brief promises', () => {
    const rule = {
      type: 'and',
      rules: [anyScope('a'), { type: 'scopes', match: 'x', values: ['b'] }],
    };
    expect(() => assertRule(rule, 'authorize()')).toThrow(
      "authorize(): rule.rules[1].match must be 'all' or 'any'",
    );
    // …while undefined, builder rules and valid hand-written rules pass.
    expect(() => assertRule(undefined, 'authorize()')).not.toThrow();
    expect(() => assertRule(and(anyGroup('a'), not(anyScope('b'))), 'authorize()')).not.toThrow();
    const handWritten = {
      type: 'or',
      rules: [{ type: 'groups', match: 'any', values: ['admin'] }],
    };
    expect(() => assertRule(handWritten, 'authorize()')).not.toThrow();
    expect(() => assertRule(nested(32), 'authorize()')).not.toThrow();
  });
});

describe('the rule functions share the same checks', () => {
  it('refuse a malformed hand-written child, naming its position', () => {
    const bad = { type: 'groups', match: 'All', values: ['admin'] } as unknown as Rule;
    expect(() => and(anyGroup('a'), bad)).toThrow(
      "and(): rules[1].match must be 'all', 'any' or 'none'",
    );
    expect(() => or(bad)).toThrow(TypeError);
    expect(() => not(bad)).toThrow("not(): rule.match must be 'all', 'any' or 'none'");
  });

  it('accept a valid hand-written child as a frozen copy', () => {
    const child = { type: 'groups', match: 'any', values: ['admin'] } as { values: string[] };
    const rule = and(child as unknown as Rule);
    child.values[0] = 'nobody';
    expect(isAllowed({ ...nobody, groups: ['admin'] }, rule)).toBe(true);
    expect(isAllowed(nobody, rule)).toBe(false);
  });

  it('refuse nesting deeper than 32 and more than 1000 sub-rules', () => {
    let deep: Rule = anyGroup('a');
    for (let i = 1; i < 32; i += 1) deep = not(deep);
    expect(() => not(deep)).toThrow(TypeError);
    let wide: Rule = anyGroup('a');
    for (let i = 0; i < 8; i += 1) wide = and(wide, wide);
    expect(() => and(wide, wide)).toThrow(TypeError);
  });
});

describe('authorize() at request time fails closed on rules it never saw', () => {
  /** What `authorize` threw, expecting a 403 `TokengateError` whatever the rule. */
  function denial(rule: unknown): unknown {
    try {
      authorize(nobody, rule as Rule, { realm: 'api' });
    } catch (error) {
      return error;
    }
    return undefined;
  }

  // Each of these granted the token with no groups, scopes or claims, or threw a TypeError.
  const GRANTED_OR_THREW: readonly (readonly [string, unknown])[] = [
    ...MALFORMED.filter(([name]) =>
      [
        'match "All"',
        'match omitted',
        'match "any "',
        'scopes match "none"',
        'an empty and',
        'an empty or',
        'an and without rules',
        'empty scopes',
        'scopes without values',
        'a not without rule',
        'claim without value',
        'value on a satisfies claim',
        'null',
        'a hole inside or',
        'a cycle',
        'nesting 100 000 deep',
      ].includes(name),
    ).map(([name, rule]) => [name, rule] as const),
    ['undefined', undefined],
    [
      'a not of a misspelt type',
      { type: 'not', rule: { type: 'scope', match: 'all', values: ['a'] } },
    ],
  ];

  it.each(GRANTED_OR_THREW)(
    '%s: denied with 403, never granted, never a TypeError',
    (_case, rule) => {
      expect(isAllowed(nobody, rule as Rule)).toBe(false);
      const thrown = denial(rule);
      expect(thrown).toBeInstanceOf(AccessDeniedError);
      expect(thrown).toMatchObject({ code: 'ACCESS_DENIED', status: 403, realm: 'api' });
    },
  );

  it('denies every malformed rule above and a proxy whose traps throw', () => {
    const throwing = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('hostile');
        },
      },
    );
    expect(GRANTED_OR_THREW).toHaveLength(18);
    for (const rule of [...MALFORMED.map(([, malformed]) => malformed), throwing]) {
      expect(isAllowed(nobody, rule as Rule)).toBe(false);
      expect(denial(rule)).toMatchObject({ code: 'ACCESS_DENIED', status: 403 });
    }
  });

  it('still denies when `auth` is not a verification result', () => {
    const broken = { ...nobody, groups: undefined } as unknown as VerifiedToken;
    expect(isAllowed(broken, anyGroup('admin'))).toBe(false);
    expect(() => authorize(broken, anyGroup('admin'))).toThrow(AccessDeniedError);
  });
});

describe('gate.authorize', () => {
  let pool: TestIssuer;
  beforeAll(async () => {
    pool = await createTestIssuer({ kind: 'cognito' });
  });
  afterAll(() => pool.close());

  it('throws only TokengateErrors, and denies, for hostile rules on a real token', async () => {
    const gate = createGate({
      issuers: [
        cognitoIssuer({
          userPoolId: pool.userPoolId ?? '',
          clientId: pool.clientId,
          issuerOverride: pool.issuer,
        }),
      ],
    });
    const token = await pool.accessToken({ groups: [], scopes: [] });
    const auth = await gate.authenticate({
      rawHeaders: ['Host', 'api.example.com', 'Authorization', `Bearer ${token}`],
      url: '/',
    });
    for (const [, rule] of MALFORMED) {
      let thrown: unknown;
      try {
        gate.authorize(auth, rule as Rule);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(TokengateError);
      expect(thrown).toMatchObject({ code: 'ACCESS_DENIED' });
    }
  });
});
