// Payload shapes and claim types: duplicate members written into the JSON text, NumericDates
// of every wrong type (RFC 7519 §2, §4.1.4–4.1.6), and `iss`/`aud` of the wrong type or a
// near-miss value (exact, case-sensitive string comparison: RFC 7519 §4.1.1, §4.1.3).
import { compact, rsaSigner } from './attack-tokens.js';
import {
  accessClaims,
  D,
  es256,
  idClaims,
  invalidToken,
  jsonWith,
  me,
  notNumericDate,
  nowSeconds,
  ok,
  oidcClaims,
  rs256,
  userToken,
  type AdversarialScenario,
  type AttackContext,
} from './adversarial-kit.js';

/** Pool A token whose payload is `claims` minus `without`, plus raw `members` text. */
function withMembers(c: AttackContext, without: readonly string[], members: string): string {
  const claims = accessClaims(c.pool);
  for (const name of without) delete claims[name];
  return compact(
    { alg: 'RS256', kid: c.pool.key.kid },
    jsonWith(claims, members),
    rsaSigner(c.pool.key.privateKey),
  );
}

/** Pool A token under a hand-written header (the payload is an honest access token). */
const withHeaderText = (c: AttackContext, header: string): string =>
  compact(header, accessClaims(c.pool), rsaSigner(c.pool.key.privateKey));

const future = (): number => nowSeconds() + 3600;

// RFC 7519 §4 (and RFC 7515 §5.2 for headers): a parser either rejects duplicate member
// names or keeps the lexically last one, as ECMAScript JSON.parse does. tokengate keeps the
// last, consistently for header and payload; each pair below proves which one is read.
const duplicateScenarios: AdversarialScenario[] = [
  {
    name: 'duplicate exp: 1 then the future (last wins: valid)',
    request: (c) => me(withMembers(c, ['exp'], `"exp":1,"exp":${future()}`)),
    expected: ok('/me'),
  },
  {
    name: 'duplicate exp: the future then 1 (last wins: expired)',
    request: (c) => me(withMembers(c, ['exp'], `"exp":${future()},"exp":1`)),
    expected: invalidToken(D.expired),
  },
  {
    name: 'duplicate alg in the header: "none" then "RS256" (last wins: verified as RS256)',
    request: (c) => me(withHeaderText(c, `{"alg":"none","alg":"RS256","kid":"${c.pool.key.kid}"}`)),
    expected: ok('/me'),
  },
  {
    name: 'duplicate alg in the header: "RS256" then "none" (last wins: refused)',
    request: (c) => me(withHeaderText(c, `{"alg":"RS256","alg":"none","kid":"${c.pool.key.kid}"}`)),
    expected: invalidToken(D.alg),
  },
  {
    name: 'duplicate kid in the header: attacker then real (last wins: verified)',
    request: (c) =>
      me(
        withHeaderText(
          c,
          `{"alg":"RS256","kid":"${c.attacker.rsa.kid}","kid":"${c.pool.key.kid}"}`,
        ),
      ),
    expected: ok('/me'),
  },
  {
    name: 'duplicate kid in the header: real then attacker (last wins: unknown kid)',
    request: (c) =>
      me(
        withHeaderText(
          c,
          `{"alg":"RS256","kid":"${c.pool.key.kid}","kid":"${c.attacker.rsa.kid}"}`,
        ),
      ),
    expected: invalidToken(D.noKey),
  },
  {
    name: 'duplicate iss: a stranger then pool A (last wins: routed to pool A)',
    request: (c) =>
      me(withMembers(c, ['iss'], `"iss":"${c.stranger.issuer}","iss":"${c.pool.issuer}"`)),
    expected: ok('/me'),
  },
  {
    name: 'duplicate iss: pool A then a stranger (last wins: untrusted)',
    request: (c) =>
      me(withMembers(c, ['iss'], `"iss":"${c.pool.issuer}","iss":"${c.stranger.issuer}"`)),
    expected: invalidToken(D.issuer),
  },
  {
    name: 'duplicate token_use: "id" then "access" (last wins: access)',
    request: (c) => me(withMembers(c, ['token_use'], '"token_use":"id","token_use":"access"')),
    expected: ok('/me'),
  },
  {
    name: 'duplicate token_use: "access" then "id" (last wins: not an access token)',
    request: (c) => me(withMembers(c, ['token_use'], '"token_use":"access","token_use":"id"')),
    expected: invalidToken(D.notAccess),
  },
  {
    name: 'duplicate client_id: accepted then foreign (last wins: refused)',
    request: (c) =>
      me(
        withMembers(
          c,
          ['client_id'],
          `"client_id":"${c.pool.clientId}","client_id":"someone-else"`,
        ),
      ),
    expected: invalidToken(D.client),
  },
];

type DateClaim = 'exp' | 'nbf' | 'iat';
const DATE_CASES: readonly (readonly [
  DateClaim,
  string,
  (now: number) => unknown,
  'ok' | string,
])[] = [
  ['exp', 'a numeric string', (now) => String(now + 3600), notNumericDate('exp')],
  ['exp', '"NaN"', () => 'NaN', notNumericDate('exp')],
  ['exp', 'null', () => null, notNumericDate('exp')],
  ['exp', 'true', () => true, notNumericDate('exp')],
  ['exp', 'false', () => false, notNumericDate('exp')],
  ['exp', 'an array', (now) => [now + 3600], notNumericDate('exp')],
  ['exp', 'an object', (now) => ({ value: now + 3600 }), notNumericDate('exp')],
  ['exp', 'missing', () => undefined, D.expMissing],
  ['exp', '-1', () => -1, D.expired],
  ['exp', '0', () => 0, D.expired],
  ['exp', '30 s ago (beyond the 5 s tolerance)', (now) => now - 30, D.expired],
  // RFC 7519 sets no upper bound on exp; bounding lifetimes is maxTokenAgeSeconds' job.
  ['exp', '1e308', () => 1e308, 'ok'],
  ['exp', 'a fraction (RFC 7519 §2 allows non-integers)', (now) => now + 3600.5, 'ok'],
  ['exp', '3 s ago (within the 5 s tolerance)', (now) => now - 3, 'ok'],
  ['nbf', 'a numeric string', (now) => String(now), notNumericDate('nbf')],
  ['nbf', 'null', () => null, notNumericDate('nbf')],
  ['nbf', 'true', () => true, notNumericDate('nbf')],
  ['nbf', '1e308', () => 1e308, D.notYetValid],
  ['nbf', 'one minute ahead', (now) => now + 60, D.notYetValid],
  ['nbf', '2 s ahead (within tolerance)', (now) => now + 2, 'ok'],
  ['nbf', '-1', () => -1, 'ok'],
  ['iat', 'a numeric string', (now) => String(now), notNumericDate('iat')],
  ['iat', 'null', () => null, notNumericDate('iat')],
  ['iat', 'false', () => false, notNumericDate('iat')],
  ['iat', '1e308', () => 1e308, D.issuedInFuture],
  ['iat', 'one minute ahead', (now) => now + 60, D.issuedInFuture],
  // Without maxTokenAgeSeconds an old (even negative) iat proves nothing and costs nothing.
  ['iat', '-1', () => -1, 'ok'],
  ['iat', 'missing', () => undefined, 'ok'],
];

const dateScenarios: AdversarialScenario[] = [
  ...DATE_CASES.map(([claim, label, value, outcome]): AdversarialScenario => ({
    name: `${claim} ${label}`,
    request: (c) => me(userToken(c, { [claim]: value(nowSeconds()) })),
    expected: outcome === 'ok' ? ok('/me') : invalidToken(outcome),
  })),
  {
    name: 'exp 1e400 written into the JSON (parses as Infinity)',
    request: (c) => me(withMembers(c, ['exp'], '"exp":1e400')),
    expected: invalidToken(notNumericDate('exp')),
  },
  {
    name: 'nbf -1e400 written into the JSON (parses as -Infinity)',
    request: (c) => me(withMembers(c, [], '"nbf":-1e400')),
    expected: invalidToken(notNumericDate('nbf')),
  },
];

const subScenarios: AdversarialScenario[] = [
  ...(
    [
      ['a number', 1],
      ['null', null],
      ['an object', { id: 'user-0001' }],
      ['an array', ['user-0001']],
    ] as const
  ).map(([label, sub]): AdversarialScenario => ({
    name: `sub ${label}`,
    request: (c) => me(userToken(c, { sub })),
    expected: invalidToken(D.sub),
  })),
  {
    name: 'sub missing',
    // Only exp is required by default; Cognito always sends sub, and rules never read it.
    request: (c) => me(userToken(c, { sub: undefined })),
    expected: ok('/me', null),
  },
];

/** Wrong-typed and near-miss `iss` values for a token signed by pool A's real key. */
const ISS_CASES: readonly (readonly [string, (c: AttackContext) => unknown])[] = [
  ['a number', () => 1],
  ['an array holding the real issuer (CVE-2025-30144)', (c) => [c.pool.issuer]],
  ['an object', (c) => ({ iss: c.pool.issuer })],
  ['null', () => null],
  ['missing', () => undefined],
  ['empty', () => ''],
  ['with a trailing slash', (c) => `${c.pool.issuer}/`],
  ['with the pool id upper-cased', (c) => c.pool.issuer.replace('TokenGate', 'TOKENGATE')],
  ['with an upper-case scheme', (c) => c.pool.issuer.replace('http:', 'HTTP:')],
  ['naming localhost instead of 127.0.0.1', (c) => c.pool.issuer.replace('127.0.0.1', 'localhost')],
  ['cut to its origin (a prefix)', (c) => new URL(c.pool.issuer).origin],
  ['with a suffix', (c) => `${c.pool.issuer}x`],
  ['with a leading space', (c) => ` ${c.pool.issuer}`],
  ['with a trailing space', (c) => `${c.pool.issuer} `],
  ['with a trailing NUL', (c) => `${c.pool.issuer}\u0000`],
  ['with a Cyrillic "о" homoglyph', (c) => c.pool.issuer.replace('TokenGate', 'T\u043ekenGate')],
  ['with a full-width digit', (c) => c.pool.issuer.replace('127', '\uff11' + '27')],
  ['with "_" percent-encoded', (c) => c.pool.issuer.replace('_', '%5F')],
  ['with a doubled slash', (c) => c.pool.issuer.replace(/\/(?=[^/]*$)/, '//')],
  ['pointing at the JWKS document', (c) => `${c.pool.issuer}/.well-known/jwks.json`],
  ['"__proto__"', () => '__proto__'],
  ['"constructor"', () => 'constructor'],
  ['"toString"', () => 'toString'],
];

const issuerScenarios: AdversarialScenario[] = ISS_CASES.map(([label, iss]) => ({
  name: `iss ${label}`,
  request: (c) => me(userToken(c, { iss: iss(c) })),
  expected: invalidToken(D.issuer),
}));

/** `aud` variants on the OIDC issuer, whose audience is required. */
const AUD_CASES: readonly (readonly [string, (c: AttackContext) => unknown, boolean])[] = [
  ['an array holding the audience', (c) => [c.ec.audience], true],
  [
    'an array holding another value and the audience',
    (c) => ['https://other.example', c.ec.audience],
    true,
  ],
  // Non-string members are skipped, not fatal: the audience is still named as a string.
  ['an array holding a number and the audience', (c) => [1, c.ec.audience], true],
  ['another audience', () => 'https://other.example', false],
  ['a number', () => 1, false],
  ['an object', (c) => ({ aud: c.ec.audience }), false],
  ['null', () => null, false],
  ['missing', () => undefined, false],
  ['empty', () => '', false],
  ['an empty array', () => [], false],
  ['a nested array', (c) => [[c.ec.audience]], false],
  ['"*"', () => '*', false],
  ['with a trailing slash', (c) => `${c.ec.audience}/`, false],
  ['with an upper-cased host', (c) => c.ec.audience.toUpperCase(), false],
  ['cut short (a prefix)', (c) => c.ec.audience.slice(0, -5), false],
  ['with a suffix', (c) => `${c.ec.audience}.evil.example`, false],
  ['with a leading space', (c) => ` ${c.ec.audience}`, false],
  ['with a trailing space', (c) => `${c.ec.audience} `, false],
  ['with a Cyrillic "а" homoglyph', (c) => c.ec.audience.replace('api', '\u0430pi'), false],
];

const audienceScenarios: AdversarialScenario[] = [
  ...AUD_CASES.map(([label, aud, accepted]): AdversarialScenario => ({
    name: `OIDC aud ${label}`,
    request: (c) => me(es256(c.ec, oidcClaims(c.ec, { aud: aud(c) }))),
    expected: accepted ? ok('/me') : invalidToken(D.audience),
  })),
  ...(
    [
      ['an array holding the client id', (c: AttackContext) => [c.pool.clientId], true],
      ['the client id with a trailing space', (c: AttackContext) => `${c.pool.clientId} `, false],
      ['another client id', () => 'someone-else', false],
      ['a number', () => 1, false],
      ['null', () => null, false],
      ['missing', () => undefined, false],
    ] as const
  ).map(([label, aud, accepted]): AdversarialScenario => ({
    name: `Cognito ID token aud ${label}`,
    app: 'id',
    request: (c) => me(rs256(c.pool, idClaims(c.pool, { aud: aud(c) }))),
    expected: accepted ? ok('/me') : invalidToken(D.audience),
  })),
  {
    name: 'Cognito access token with a foreign aud',
    // Cognito access tokens carry no aud; the preset checks client_id instead, so an aud the
    // issuer signed into an access token neither helps nor hurts.
    request: (c) => me(userToken(c, { aud: 'https://evil.example' })),
    expected: ok('/me'),
  },
];

export const CLAIMS_SCENARIOS: readonly AdversarialScenario[] = [
  ...duplicateScenarios,
  ...dateScenarios,
  ...subScenarios,
  ...issuerScenarios,
  ...audienceScenarios,
];
