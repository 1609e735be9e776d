// Header trust: nothing in the JOSE header may choose the key (RFC 8725 §3.10): `jku`, `x5u`,
// `x5c` and an embedded `jwk` (node-jose CVE-2018-0114) are never followed or trusted, unknown
// `crit` is refused (RFC 7515 §4.1.11), and `kid` is only ever a lookup string.
import { createHash } from 'node:crypto';
import { ecdsaSigner, rsaSigner } from './attack-tokens.js';
import {
  accessClaims,
  D,
  es256,
  invalidToken,
  me,
  ok,
  oidcClaims,
  rs256,
  userToken,
  type AdversarialScenario,
  type AttackContext,
} from './adversarial-kit.js';

/** Signed by the attacker's RSA key, claiming pool A. */
const attackerSigned = (c: AttackContext, header: Record<string, unknown>): string =>
  userToken(c, {}, { header, signer: rsaSigner(c.attacker.rsa.privateKey) });

const x5c = (c: AttackContext): string[] => [c.attacker.certificate.toString('base64')];

const keyLocationScenarios: AdversarialScenario[] = [
  {
    name: 'jku to a server the attacker runs, attacker kid',
    request: (c) => me(attackerSigned(c, { jku: c.trap.jwksUrl, kid: c.attacker.rsa.kid })),
    expected: invalidToken(D.noKey),
  },
  {
    name: 'jku to a server the attacker runs, the real kid',
    request: (c) => me(attackerSigned(c, { jku: c.trap.jwksUrl })),
    expected: invalidToken(D.signature),
  },
  {
    name: 'x5u to the attacker certificate, attacker kid',
    request: (c) => me(attackerSigned(c, { x5u: c.trap.certificateUrl, kid: c.attacker.rsa.kid })),
    expected: invalidToken(D.noKey),
  },
  {
    name: 'x5u to the attacker certificate, the real kid',
    request: (c) => me(attackerSigned(c, { x5u: c.trap.certificateUrl })),
    expected: invalidToken(D.signature),
  },
  {
    name: 'x5c with the attacker self-signed chain, no kid',
    // Pool A publishes two usable RS256 keys, so without kid nothing is guessed.
    request: (c) => me(attackerSigned(c, { x5c: x5c(c), kid: undefined })),
    expected: invalidToken(D.noKidAmbiguous),
  },
  {
    name: 'x5c with the attacker self-signed chain, the real kid',
    request: (c) => me(attackerSigned(c, { x5c: x5c(c) })),
    expected: invalidToken(D.signature),
  },
  {
    name: 'x5c and x5t#S256 of the attacker certificate, the real kid',
    request: (c) =>
      me(
        attackerSigned(c, {
          x5c: x5c(c),
          'x5t#S256': createHash('sha256').update(c.attacker.certificate).digest('base64url'),
        }),
      ),
    expected: invalidToken(D.signature),
  },
  {
    name: 'embedded jwk of the attacker key, no kid (CVE-2018-0114)',
    request: (c) => me(attackerSigned(c, { jwk: c.attacker.rsa.jwk, kid: undefined })),
    expected: invalidToken(D.noKidAmbiguous),
  },
  {
    name: 'embedded jwk of the attacker key, the real kid',
    request: (c) => me(attackerSigned(c, { jwk: c.attacker.rsa.jwk })),
    expected: invalidToken(D.signature),
  },
  {
    name: 'embedded jwk of the attacker key, attacker kid',
    request: (c) => me(attackerSigned(c, { jwk: c.attacker.rsa.jwk, kid: c.attacker.rsa.kid })),
    expected: invalidToken(D.noKey),
  },
  {
    name: 'embedded EC jwk on the ES256 issuer, no kid (its single EC key is used, not the jwk)',
    request: (c) =>
      me(
        es256(c.ec, oidcClaims(c.ec), {
          header: { jwk: c.attacker.ec.jwk, kid: undefined },
          signer: ecdsaSigner(c.attacker.ec.privateKey),
        }),
      ),
    expected: invalidToken(D.signature),
  },
  {
    name: 'control: an honest token carrying jku, x5u, x5c and jwk is verified by the real key',
    // The parameters are ignored, not followed: the trap server must still count zero.
    request: (c) =>
      me(
        userToken(
          c,
          {},
          {
            header: {
              jku: c.trap.jwksUrl,
              x5u: c.trap.certificateUrl,
              x5c: x5c(c),
              jwk: c.attacker.rsa.jwk,
            },
          },
        ),
      ),
    expected: ok('/me'),
  },
];

const CRIT_VALUES: readonly (readonly [string, Record<string, unknown>])[] = [
  ['crit ["exp"] (unknown extension)', { crit: ['exp'], exp: 1 }],
  [
    'crit ["https://example.com/x"]',
    { crit: ['https://example.com/x'], 'https://example.com/x': true },
  ],
  ['crit [] (RFC 7515 §4.1.11 forbids an empty list)', { crit: [] }],
  ['crit ["b64"] with b64 false', { crit: ['b64'], b64: false }],
  ['crit null', { crit: null }],
  ['crit as a string', { crit: 'exp' }],
];

const critScenarios: AdversarialScenario[] = CRIT_VALUES.map(([label, header]) => ({
  name: `${label}, real signature`,
  request: (c) => me(userToken(c, {}, { header })),
  expected: invalidToken(D.crit),
}));

const UNKNOWN_KIDS: readonly (readonly [string, (c: AttackContext) => string])[] = [
  ['"__proto__"', () => '__proto__'],
  ['"constructor"', () => 'constructor'],
  ['"toString"', () => 'toString'],
  ['"hasOwnProperty"', () => 'hasOwnProperty'],
  ['"../../etc/passwd"', () => '../../etc/passwd'],
  ['"/dev/null"', () => '/dev/null'],
  ['SQL "\' OR 1=1 --"', () => "' OR 1=1 --"],
  ['"*"', () => '*'],
  ['"" (empty)', () => ''],
  ['the real kid upper-cased', (c) => c.pool.key.kid.toUpperCase()],
  ['the real kid with a trailing space', (c) => `${c.pool.key.kid} `],
  ['the real kid with a trailing NUL', (c) => `${c.pool.key.kid}\u0000`],
  ['1024 characters (the largest accepted)', () => 'k'.repeat(1024)],
];

const BAD_KID_TYPES: readonly (readonly [string, (c: AttackContext) => unknown])[] = [
  ['1025 characters', () => 'k'.repeat(1025)],
  ['the number 1', () => 1],
  ['the number 0', () => 0],
  ['null', () => null],
  ['true', () => true],
  ['an object', () => ({})],
  ['an array holding the real kid', (c) => [c.pool.key.kid]],
];

const kidScenarios: AdversarialScenario[] = [
  ...UNKNOWN_KIDS.map(([label, kid]): AdversarialScenario => ({
    name: `kid ${label}, real signature`,
    request: (c) => me(userToken(c, {}, { header: { kid: kid(c) } })),
    expected: invalidToken(D.noKey),
  })),
  ...BAD_KID_TYPES.map(([label, kid]): AdversarialScenario => ({
    name: `kid ${label}, real signature`,
    request: (c) => me(userToken(c, {}, { header: { kid: kid(c) } })),
    expected: invalidToken(D.kidType),
  })),
  {
    name: 'kid of 10 000 characters',
    // The header alone outgrows maxTokenBytes (8192), which answers before any parsing.
    request: (c) => me(userToken(c, {}, { header: { kid: 'k'.repeat(10_000) } })),
    expected: invalidToken(D.tooLarge),
  },
  {
    name: 'no kid while the pool publishes two RS256 keys (signed by the current one)',
    request: (c) => me(userToken(c, {}, { header: { kid: undefined } })),
    expected: invalidToken(D.noKidAmbiguous),
  },
  {
    name: 'control: no kid where exactly one key fits (RFC 7515 §4.1.4 kid is optional)',
    request: (c) => me(es256(c.ec, oidcClaims(c.ec), { header: { kid: undefined } })),
    expected: ok('/me'),
  },
];

const crossIssuerScenarios: AdversarialScenario[] = [
  {
    name: "same kid at two issuers: claims pool B, signed by pool A's key under A's kid",
    // RFC 8725 §3.8: a key of one issuer never verifies a token that claims another.
    request: (c) => me(rs256(c.poolB, accessClaims(c.poolB), { key: c.pool.key })),
    expected: invalidToken(D.signature),
  },
  {
    name: "same kid at two issuers: claims pool A, signed by pool B's key under the shared kid",
    request: (c) => me(rs256(c.pool, accessClaims(c.pool), { key: c.poolB.sharedKid })),
    expected: invalidToken(D.signature),
  },
  {
    name: "control: pool B's own token under the shared kid verifies",
    request: (c) => me(rs256(c.poolB, accessClaims(c.poolB), { key: c.poolB.sharedKid })),
    expected: ok('/me'),
  },
  {
    name: "pool A's kid and key on a token claiming the OIDC issuer",
    request: (c) => me(rs256(c.pool, oidcClaims(c.ec))),
    expected: invalidToken(D.noKey),
  },
  {
    name: 'an unconfigured pool signs a token claiming pool A, under its own kid',
    request: (c) => me(rs256(c.pool, accessClaims(c.pool), { key: c.stranger.key })),
    expected: invalidToken(D.noKey),
  },
  {
    name: "an unconfigured pool signs a token claiming pool A, under pool A's kid",
    request: (c) =>
      me(rs256(c.pool, accessClaims(c.pool), { signer: rsaSigner(c.stranger.key.privateKey) })),
    expected: invalidToken(D.signature),
  },
];

export const HEADER_SCENARIOS: readonly AdversarialScenario[] = [
  ...keyLocationScenarios,
  ...critScenarios,
  ...kidScenarios,
  ...crossIssuerScenarios,
];
