// Pools of JSON values for re-encoded headers and payloads: every JSON type, raw numbers that
// JSON.parse turns into Infinity, deep nesting, and per-parameter/per-claim plausible values.
import { createPublicKey } from 'node:crypto';
import fc from 'fast-check';
import type { FuzzWorld } from './world.js';

/** A JSON value as raw text, so non-JSON.stringify-able values (1e400) can be written. */
export type Raw = string;

export const json = (value: unknown): Raw => JSON.stringify(value) ?? 'null';

/** Values of every JSON type, including those that stress parsers and type checks. */
export const anyValue: fc.Arbitrary<Raw> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .constantFrom<unknown>(
        null,
        true,
        false,
        0,
        -1,
        1.5,
        2 ** 53 + 2,
        Number.MAX_VALUE,
        '',
        ' ',
        '0',
        [],
        {},
        [null],
        { a: {} },
      )
      .map(json),
  },
  { weight: 2, arbitrary: fc.string().map(json) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme' }).map(json) },
  { weight: 2, arbitrary: fc.double().map(json) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(json) },
  {
    // JSON.parse reads these as Infinity, -0, or a rounded number.
    weight: 2,
    arbitrary: fc.constantFrom(
      '1e400',
      '-1e400',
      '1E+999',
      '-0',
      '0.0',
      '1e-400',
      '99999999999999999999999999',
      '"\\ud800"',
      '"\\u0000"',
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 3000 })
      .map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 1000 })
      .map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
  },
);

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Time-like values: near now, in milliseconds, far past and future, wrong types. */
const timeValue: fc.Arbitrary<Raw> = fc.oneof(
  fc.integer({ min: -10_000_000, max: 10_000_000 }).map((offset) => json(nowSeconds() + offset)),
  fc.integer({ min: -100, max: 100 }).map((offset) => json(nowSeconds() + offset)),
  fc.double({ min: -1e4, max: 1e4, noNaN: true }).map((offset) => json(nowSeconds() + offset)),
  fc.constantFrom(
    json(Date.now()),
    json(String(nowSeconds() + 3600)),
    json(new Date().toISOString()),
    '1e400',
    '-1e400',
    json(-1),
    json(0),
    json(2 ** 31),
    json(2 ** 53),
    json([nowSeconds() + 3600]),
  ),
  anyValue,
);

export function claimValues(world: FuzzWorld): Record<string, fc.Arbitrary<Raw>> {
  const issuers = [world.oidc.issuer, world.pool.issuer];
  const issuerValue = fc.oneof(
    fc.constantFrom(...issuers).map(json),
    fc.constantFrom(...issuers).map((iss) => json(`${iss}/`)),
    fc.constantFrom(...issuers).map((iss) => json(iss.toUpperCase())),
    fc.constantFrom(...issuers).map((iss) => json([iss])),
    anyValue,
  );
  const audienceValue = fc.oneof(
    fc.constantFrom(world.oidc.audience, world.oidc.clientId, world.pool.clientId).map(json),
    fc.constantFrom(world.oidc.audience).map((aud) => json([aud, 'other'])),
    fc.constantFrom(json([]), json(['other']), json([123]), json({ aud: world.oidc.audience })),
    anyValue,
  );
  const stringish = fc.oneof(
    fc.constantFrom('access', 'id', 'refresh', 'ACCESS', world.pool.clientId, 'admin').map(json),
    anyValue,
  );
  const list = fc.oneof(
    fc.constantFrom(
      json(['admin']),
      json('admin'),
      json('orders:read orders:write'),
      json([['admin']]),
    ),
    anyValue,
  );
  return {
    iss: issuerValue,
    aud: audienceValue,
    exp: timeValue,
    nbf: timeValue,
    iat: timeValue,
    auth_time: timeValue,
    sub: stringish,
    jti: stringish,
    token_use: stringish,
    client_id: stringish,
    azp: stringish,
    username: stringish,
    scope: list,
    scp: list,
    groups: list,
    'cognito:groups': list,
  };
}

export function headerValues(world: FuzzWorld): Record<string, fc.Arbitrary<Raw>> {
  const attackerJwk = createPublicKey(world.attackerKeys.RS256).export({ format: 'jwk' });
  return {
    alg: fc.oneof(
      fc
        .constantFrom(
          'none',
          'None',
          'NONE',
          'HS256',
          'HS384',
          'HS512',
          'RS256',
          'RS384',
          'RS512',
          'PS256',
          'PS512',
          'ES256',
          'ES384',
          'ES512',
          'EdDSA',
          'Ed25519',
          'ES256K',
          'rs256',
          'RS256 ',
          '',
        )
        .map(json),
      anyValue,
    ),
    kid: fc.oneof(
      fc.constantFrom(...world.kids).map(json),
      fc.constantFrom('', ' ', '../../../dev/null', "' OR 1=1 --", 'kid\u0000').map(json),
      fc.integer({ min: 1020, max: 1030 }).map((n) => json('k'.repeat(n))),
      anyValue,
    ),
    typ: fc.oneof(
      fc
        .constantFrom(
          'JWT',
          'jwt',
          'at+jwt',
          'application/at+jwt',
          'AT+JWT',
          'application/jwt',
          'JOSE',
          '',
        )
        .map(json),
      anyValue,
    ),
    crit: fc.oneof(
      fc
        .constantFrom<unknown>(
          [],
          ['exp'],
          ['b64'],
          ['x-custom'],
          'b64',
          ['alg'],
          [1],
          ['b64', 'b64'],
        )
        .map(json),
      anyValue,
    ),
    b64: fc.constantFrom('false', 'true', '"false"'),
    'x-custom': fc.constantFrom('true', '{}'),
    jku: fc.constant(json('https://attacker.example/jwks.json')),
    x5u: fc.constant(json('https://attacker.example/cert.pem')),
    jwk: fc.constant(json(attackerJwk)),
    x5c: fc.constant(json(['MIIBkTCB+wIJAK'])),
    zip: fc.constant(json('DEF')),
    cty: fc.constantFrom(json('JWT'), json('jwt')),
  };
}
