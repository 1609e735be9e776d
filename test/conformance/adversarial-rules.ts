// Rule tricks: honestly signed tokens whose groups and scopes only look like the required
// ones. Matching is exact (README "Authorization rules"): no substrings, case folding,
// trimming or Unicode normalization, and a claim of the wrong JSON type never matches.
import { compact, rsaSigner } from './attack-tokens.js';
import {
  accessClaims,
  bearer,
  D,
  denied,
  get,
  insufficientScope,
  invalidToken,
  jsonWith,
  ok,
  userToken,
  type AdversarialScenario,
  type AttackContext,
  type Claims,
} from './adversarial-kit.js';

const GROUPS = 'cognito:groups';

/** Pool A token whose payload is the access claims minus `without`, plus raw JSON `members`. */
function rawPayload(
  c: AttackContext,
  members: string | Buffer,
  without: readonly string[],
): string {
  const claims: Claims = accessClaims(c.pool);
  for (const name of without) delete claims[name];
  const text = typeof members === 'string' ? jsonWith(claims, members) : members;
  return compact({ alg: 'RS256', kid: c.pool.key.kid }, text, rsaSigner(c.pool.key.privateKey));
}

const NOT_ADMIN: readonly (readonly [string, unknown])[] = [
  ['"admin" + NUL', ['admin\u0000']],
  ['zero-width space + "admin"', ['\u200badmin']],
  ['"admin" + zero-width space', ['admin\u200b']],
  ['Cyrillic "а" homoglyph', ['\u0430dmin']],
  ['"admin" + combining acute accent', ['admin\u0301']],
  ['"admin " (trailing space)', ['admin ']],
  ['" admin" (leading space)', [' admin']],
  ['"Admin"', ['Admin']],
  ['"ADMIN"', ['ADMIN']],
  ['"notadmin" (suffix match)', ['notadmin']],
  ['"admin2" (prefix match)', ['admin2']],
  ['"adm" (substring)', ['adm']],
  ['"admins"', ['admins']],
  ['"users,admin" (comma-joined)', ['users,admin']],
  ['the string "admin" instead of an array', 'admin'],
  ['an object {admin: true}', { admin: true }],
  ['an array-like object {0: "admin", length: 1}', { 0: 'admin', length: 1 }],
  ['a nested array [["admin"]]', [['admin']]],
  ['null', null],
  ['["__proto__"]', ['__proto__']],
  ['["constructor", "toString"]', ['constructor', 'toString']],
];

const groupScenarios: AdversarialScenario[] = [
  ...NOT_ADMIN.map(([label, groups]): AdversarialScenario => ({
    name: `cognito:groups ${label} on an admin route`,
    request: (c) => get('/admin', bearer(userToken(c, { [GROUPS]: groups }))),
    expected: denied,
  })),
  {
    name: 'groups under the OIDC name "groups" on a Cognito token',
    request: (c) => get('/admin', bearer(userToken(c, { [GROUPS]: undefined, groups: ['admin'] }))),
    expected: denied,
  },
  {
    name: 'top-level "__proto__" member holding cognito:groups ["admin"]',
    // JSON.parse makes "__proto__" an own member; it must not become the claims' prototype.
    request: (c) =>
      get('/admin', bearer(rawPayload(c, `"__proto__":{"${GROUPS}":["admin"]}`, [GROUPS]))),
    expected: denied,
  },
  {
    name: 'duplicate cognito:groups: ["admin"] then ["users"] (last wins)',
    request: (c) =>
      get('/admin', bearer(rawPayload(c, `"${GROUPS}":["admin"],"${GROUPS}":["users"]`, [GROUPS]))),
    expected: denied,
  },
  {
    name: 'duplicate cognito:groups: ["users"] then ["admin"] (last wins)',
    request: (c) =>
      get('/admin', bearer(rawPayload(c, `"${GROUPS}":["users"],"${GROUPS}":["admin"]`, [GROUPS]))),
    expected: ok('/admin'),
  },
  {
    name: 'overlong UTF-8 "a" (0xC1 0xA1) in "admin"',
    // Overlong encodings are malformed UTF-8 (RFC 3629 §3): the payload is refused outright.
    request: (c) => {
      const head = Buffer.from(JSON.stringify({ ...accessClaims(c.pool), [GROUPS]: ['@@'] }));
      const at = head.indexOf('@@');
      const bytes = Buffer.concat([
        head.subarray(0, at),
        Buffer.from([0xc1, 0xa1]),
        Buffer.from('dmin'),
        head.subarray(at + 2),
      ]);
      return get('/admin', bearer(rawPayload(c, bytes, [])));
    },
    expected: invalidToken(D.payloadJson),
  },
  {
    name: 'cognito:groups [1, "admin"]: the string member still counts',
    // Non-string members are skipped; "admin" itself is there, exactly.
    request: (c) => get('/admin', bearer(userToken(c, { [GROUPS]: [1, 'admin'] }))),
    expected: ok('/admin'),
  },
  {
    name: 'control: cognito:groups ["users", "admin"]',
    request: (c) => get('/admin', bearer(userToken(c, { [GROUPS]: ['users', 'admin'] }))),
    expected: ok('/admin'),
  },
];

const NOT_ORDERS_READ: readonly (readonly [string, unknown])[] = [
  ['"orders:readonly" (prefix match)', 'orders:readonly'],
  ['"orders:rea" (substring)', 'orders:rea'],
  ['"Orders:read"', 'Orders:read'],
  ['"ORDERS:READ"', 'ORDERS:READ'],
  ['"orders:read" + NUL', 'orders:read\u0000'],
  ['Cyrillic "а" homoglyph', 'orders:re\u0430d'],
  ['zero-width space + "orders:read"', '\u200borders:read'],
  ['"orders:read" + zero-width space', 'orders:read\u200b'],
  ['comma-separated', 'orders:read,orders:write'],
  ['tab-separated', 'orders:read\torders:write'],
  ['newline-separated', 'orders:read\norders:write'],
  ['"orders:*"', 'orders:*'],
  ['"*"', '*'],
  ['"orders"', 'orders'],
  ['a number', 1],
  ['an object {"orders:read": true}', { 'orders:read': true }],
  ['null', null],
  ['true', true],
];

const scopeScenarios: AdversarialScenario[] = [
  ...NOT_ORDERS_READ.map(([label, scope]): AdversarialScenario => ({
    name: `scope ${label} on an orders:read route`,
    request: (c) => get('/orders', bearer(userToken(c, { scope }))),
    expected: insufficientScope('orders:read'),
  })),
  {
    name: 'scp ["orders:read"] instead of scope on a Cognito token',
    // The Cognito preset reads `scope` only; `scp` is an Okta/Entra claim.
    request: (c) =>
      get('/orders', bearer(userToken(c, { scope: undefined, scp: ['orders:read'] }))),
    expected: insufficientScope('orders:read'),
  },
  {
    name: 'top-level "__proto__" member holding scope "orders:read"',
    request: (c) =>
      get('/orders', bearer(rawPayload(c, '"__proto__":{"scope":"orders:read"}', ['scope']))),
    expected: insufficientScope('orders:read'),
  },
  {
    name: 'duplicate scope: "orders:read" then "profile" (last wins)',
    request: (c) =>
      get('/orders', bearer(rawPayload(c, '"scope":"orders:read","scope":"profile"', ['scope']))),
    expected: insufficientScope('orders:read'),
  },
  {
    name: 'scope with extra spaces around "orders:read"',
    // RFC 6749 §3.3: scope is a space-delimited list; empty entries carry nothing.
    request: (c) => get('/orders', bearer(userToken(c, { scope: '  orders:read  ' }))),
    expected: ok('/orders'),
  },
  {
    name: 'Cognito scope as an array ["orders:read"]',
    // The shared scope reader takes a space-delimited string or an array of strings (Okta and
    // Entra `scp`), also for the Cognito preset. Cognito never sends one; the issuer signed it.
    request: (c) => get('/orders', bearer(userToken(c, { scope: ['orders:read'] }))),
    expected: ok('/orders'),
  },
  {
    name: 'Cognito scope as an array ["orders:write"] on POST /orders',
    request: (c) => ({
      method: 'POST',
      path: '/orders',
      headers: [bearer(userToken(c, { scope: ['orders:write'] }))],
    }),
    expected: ok('/orders'),
  },
  {
    name: 'scope array member "orders:read orders:write" is one scope, not two',
    request: (c) => ({
      method: 'POST',
      path: '/orders',
      headers: [bearer(userToken(c, { scope: ['orders:read orders:write'] }))],
    }),
    expected: insufficientScope('orders:write'),
  },
];

const tenantScenarios: AdversarialScenario[] = [
  ...(
    [
      ['"acme " (trailing space)', 'acme '],
      ['"ACME"', 'ACME'],
      ['["acme"]', ['acme']],
      ['Cyrillic "а" homoglyph', '\u0430cme'],
    ] as const
  ).map(([label, tenant]): AdversarialScenario => ({
    name: `custom:tenant ${label}`,
    request: (c) => get('/tenant', bearer(userToken(c, { 'custom:tenant': tenant }))),
    expected: denied,
  })),
  {
    name: 'noGroup("suspended") with cognito:groups the string "suspended"',
    // NOTE: a wrong-typed groups claim reads as "no groups", so a deny-list rule passes. Only
    // the trusted issuer can sign this, and Cognito always sends an array; kept as a record.
    request: (c) =>
      get('/tenant', bearer(userToken(c, { 'custom:tenant': 'acme', [GROUPS]: 'suspended' }))),
    expected: ok('/tenant'),
  },
  {
    name: 'noGroup("suspended") with cognito:groups ["suspended", 1]',
    request: (c) =>
      get('/tenant', bearer(userToken(c, { 'custom:tenant': 'acme', [GROUPS]: ['suspended', 1] }))),
    expected: denied,
  },
];

export const RULE_SCENARIOS: readonly AdversarialScenario[] = [
  ...groupScenarios,
  ...scopeScenarios,
  ...tenantScenarios,
];
