// Differential test: tokengate and jose's `jwtVerify` (with `createLocalJWKSet`) must reach the
// same verdict on OIDC tokens signed with RS256, PS256, ES256 and EdDSA under the same issuer,
// audience, algorithms and clock tolerance. Every disagreement is a listed deliberate
// difference with its reason; anything else is a bug.
// The clock is frozen half a second past a whole second, so time checks are exact.
import { constants, sign as cryptoSign } from 'node:crypto';
import { createVerifier, oidcIssuer, type Verifier } from '@tokengate/core';
import { createTestIssuer, type TestIssuer, type TestKey } from '@tokengate/testing';
import fc from 'fast-check';
import { createLocalJWKSet, jwtVerify, type JWTVerifyOptions } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
type Alg = (typeof ALGS)[number];
const TOLERANCE = 5;

type Verdict = 'accept' | 'reject';
interface Pair {
  readonly ours: Verifier;
  readonly theirs: (token: string) => Promise<unknown>;
}

let issuer: TestIssuer;
let keyOf: Record<Alg, TestKey>;
let plain: Pair;
/** Both sides configured with `typ: 'at+jwt'` (RFC 9068 §2.1). */
let typed: Pair;
/** The frozen now, in seconds: a whole second plus 0.5. */
let now: number;
let T: number;

beforeAll(async () => {
  issuer = await createTestIssuer({ kind: 'oidc', alg: 'RS256' });
  for (const alg of ALGS.slice(1)) await issuer.addKey({ alg });
  keyOf = Object.fromEntries(
    ALGS.map((alg) => [alg, issuer.keys().find((key) => key.alg === alg) as TestKey]),
  ) as Record<Alg, TestKey>;
  const pair = (typ: string | undefined): Pair => {
    const ours = createVerifier({
      clockToleranceSeconds: TOLERANCE,
      issuers: [
        oidcIssuer({
          issuer: issuer.issuer,
          jwksUri: issuer.jwksUri,
          audience: issuer.audience,
          algorithms: [...ALGS],
          ...(typ === undefined ? {} : { typ }),
        }),
      ],
    });
    const jwks = createLocalJWKSet(issuer.jwks() as Parameters<typeof createLocalJWKSet>[0]);
    const options: JWTVerifyOptions = {
      issuer: issuer.issuer,
      audience: issuer.audience,
      algorithms: [...ALGS],
      clockTolerance: TOLERANCE,
      ...(typ === undefined ? {} : { typ }),
    };
    return { ours, theirs: (token) => jwtVerify(token, jwks, options) };
  };
  plain = pair(undefined);
  typed = pair('at+jwt');
  // Keys are fetched before the clock stops, and stay fresh while it is stopped.
  await plain.ours.prewarm();
  await typed.ours.prewarm();
  T = Math.floor(Date.now() / 1000) + 1;
  now = T + 0.5;
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(now * 1000);
});
afterAll(async () => {
  vi.useRealTimers();
  await issuer?.close();
});

const b64 = (bytes: Buffer | string): string => Buffer.from(bytes).toString('base64url');

/** Signs exactly these header and payload bytes with the key of `keyAlg`, under `signAlg`. */
function signRaw(
  header: Buffer | string,
  payload: Buffer | string,
  keyAlg: Alg,
  signAlg: Alg = keyAlg,
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const key = keyOf[keyAlg].privateKey;
  const options =
    signAlg === 'PS256'
      ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
      : signAlg === 'ES256'
        ? { key, dsaEncoding: 'ieee-p1363' as const }
        : key;
  const signature = cryptoSign(signAlg === 'EdDSA' ? null : 'sha256', Buffer.from(input), options);
  return `${input}.${b64(signature)}`;
}

interface Draft {
  readonly alg?: Alg;
  readonly header?: Record<string, unknown>;
  readonly claims?: Record<string, unknown>;
}

/** An OIDC access token (RFC 9068) signed by the `alg` key, with header and claim overrides. */
function mint({ alg = 'RS256', header = {}, claims = {} }: Draft = {}): string {
  const fullHeader = dropUndefined({ alg, kid: keyOf[alg].kid, typ: 'at+jwt', ...header });
  const fullClaims = dropUndefined({
    iss: issuer.issuer,
    sub: 'user-1',
    aud: issuer.audience,
    client_id: issuer.clientId,
    iat: T - 10,
    exp: T + 600,
    ...claims,
  });
  return signRaw(JSON.stringify(fullHeader), JSON.stringify(fullClaims), alg);
}

function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The same signature bytes with a non-zero unused bit in the last character (64/256-byte signatures). */
const nonCanonical = (token: string): string =>
  token.slice(0, -1) + B64URL[B64URL.indexOf(token.at(-1) as string) + 1];

const swapSegment = (token: string, index: number, value: string): string =>
  token
    .split('.')
    .map((part, i) => (i === index ? value : part))
    .join('.');

async function verdicts(pair: Pair, token: string): Promise<{ ours: Verdict; theirs: Verdict }> {
  const settle = (promise: Promise<unknown>): Promise<Verdict> =>
    promise.then(
      () => 'accept' as const,
      () => 'reject' as const,
    );
  return { ours: await settle(pair.ours.verify(token)), theirs: await settle(pair.theirs(token)) };
}

/**
 * Deliberate differences. `ours`/`theirs` is the verdict each side gives; anything not listed
 * here must agree.
 */
const DELIBERATE = {
  missingExp: {
    ours: 'reject',
    reason:
      'RFC 9068 §2.2 and RFC 8725 §3.10: a bearer token that never expires is refused by default (requiredClaims: [exp])',
  },
  iatInFuture: {
    ours: 'reject',
    reason:
      'RFC 7519 §4.1.6: a token cannot have been issued after now, beyond the leeway (jose checks iat only with maxTokenAge)',
  },
  nonFiniteDate: {
    ours: 'reject',
    reason:
      'RFC 7519 §2: a NumericDate is a finite number; JSON.parse turns 1e400 into Infinity, which jose lets through as "never expires"',
  },
  nonStringSub: {
    ours: 'reject',
    reason:
      'RFC 7519 §4.1.2: sub is a StringOrURI; jose checks its type only when a subject is expected',
  },
  critB64: {
    ours: 'reject',
    reason:
      'RFC 7515 §4.1.11: tokengate understands no extension, so any crit is refused; jose recognizes b64 (RFC 7797) and accepts crit ["b64"] (even ["b64", "b64"]) with b64: true',
  },
  lenientBase64: {
    ours: 'reject',
    reason:
      'RFC 7515 §2: segments are unpadded base64url without whitespace; jose decodes with atob, which skips whitespace and accepts padding',
  },
  nonCanonicalBase64: {
    ours: 'reject',
    reason:
      'RFC 4648 §3.5: the unused bits of the last character must be zero, so that one signature has one spelling; atob ignores them',
  },
  bom: {
    ours: 'reject',
    reason:
      'RFC 8259 §8.1: JSON text carries no byte order mark; jose decodes with TextDecoder, which strips one',
  },
  subSecondClock: {
    ours: 'either',
    reason:
      'tokengate compares exp/nbf with the current time to the millisecond; jose truncates now to whole seconds, so within the last second of a bound the two differ (tokengate is right by RFC 7519 §4.1.4–4.1.5)',
  },
} as const satisfies Record<string, { ours: Verdict | 'either'; reason: string }>;
type Deliberate = keyof typeof DELIBERATE;

interface Case {
  readonly name: string;
  readonly token: () => string;
  readonly pair?: () => Pair;
  readonly deliberate?: Deliberate;
}

const perAlg = (name: string, make: (alg: Alg) => string, deliberate?: Deliberate): Case[] =>
  ALGS.map((alg) => ({
    name: `${alg}: ${name}`,
    token: () => make(alg),
    ...(deliberate ? { deliberate } : {}),
  }));

const CASES: readonly Case[] = [
  ...perAlg('a valid access token', (alg) => mint({ alg })),
  ...perAlg('a valid token without kid', (alg) => mint({ alg, header: { kid: undefined } })),
  ...perAlg('an expired token', (alg) => mint({ alg, claims: { exp: T - 60 } })),
  ...perAlg('a token not valid yet', (alg) => mint({ alg, claims: { nbf: T + 600 } })),
  ...perAlg('another audience', (alg) => mint({ alg, claims: { aud: 'https://other.example' } })),
  ...perAlg('an audience list with ours', (alg) =>
    mint({ alg, claims: { aud: ['x', 1, issuer.audience] } }),
  ),
  ...perAlg('another issuer', (alg) => mint({ alg, claims: { iss: `${issuer.issuer}/` } })),
  ...perAlg('a tampered payload', (alg) =>
    swapSegment(
      mint({ alg }),
      1,
      b64(JSON.stringify({ iss: issuer.issuer, aud: issuer.audience, exp: T + 600, sub: 'admin' })),
    ),
  ),
  ...perAlg('a flipped signature bit', (alg) => {
    const token = mint({ alg });
    const signature = Buffer.from(token.split('.')[2] as string, 'base64url');
    signature[3] = (signature[3] as number) ^ 1;
    return swapSegment(token, 2, b64(signature));
  }),
  ...perAlg('a missing exp', (alg) => mint({ alg, claims: { exp: undefined } }), 'missingExp'),
  ...perAlg('an unknown crit header', (alg) =>
    mint({ alg, header: { crit: ['x-custom'], 'x-custom': 1 } }),
  ),
  ...perAlg('a kid of another key', (alg) =>
    mint({ alg, header: { kid: keyOf[alg === 'RS256' ? 'PS256' : 'RS256'].kid } }),
  ),
  {
    name: 'RS256 key signing PS256 (the JWK pins RS256)',
    token: () =>
      signRaw(
        JSON.stringify({ alg: 'PS256', kid: keyOf.RS256.kid }),
        JSON.stringify({ iss: issuer.issuer, aud: issuer.audience, exp: T + 60 }),
        'RS256',
        'PS256',
      ),
  },
  {
    name: 'PS256 key signing RS256 without kid',
    token: () =>
      signRaw(
        JSON.stringify({ alg: 'RS256' }),
        JSON.stringify({ iss: issuer.issuer, aud: issuer.audience, exp: T + 60 }),
        'PS256',
        'RS256',
      ),
  },
  {
    name: 'ES256 header on an EdDSA signature',
    token: () =>
      swapSegment(
        mint({ alg: 'EdDSA' }),
        0,
        b64(JSON.stringify({ alg: 'ES256', kid: keyOf.ES256.kid })),
      ),
  },
  {
    name: 'alg none',
    token: () => `${b64(JSON.stringify({ alg: 'none' }))}.${mint().split('.')[1]}.`,
  },
  {
    name: 'alg HS256',
    token: () =>
      swapSegment(mint(), 0, b64(JSON.stringify({ alg: 'HS256', kid: keyOf.RS256.kid }))),
  },
  { name: 'alg RS384 (not allowed)', token: () => mint({ header: { alg: 'RS384' } }) },
  {
    name: 'iat in the future',
    token: () => mint({ claims: { iat: T + 3600 } }),
    deliberate: 'iatInFuture',
  },
  { name: 'exp as a string', token: () => mint({ claims: { exp: String(T + 600) } }) },
  {
    name: 'exp of 1e400 (Infinity)',
    token: () =>
      signRaw(
        JSON.stringify({ alg: 'RS256', kid: keyOf.RS256.kid }),
        `{"iss":${JSON.stringify(issuer.issuer)},"aud":${JSON.stringify(issuer.audience)},"exp":1e400}`,
        'RS256',
      ),
    deliberate: 'nonFiniteDate',
  },
  {
    name: 'nbf of -1e400 (-Infinity)',
    token: () =>
      signRaw(
        JSON.stringify({ alg: 'RS256', kid: keyOf.RS256.kid }),
        `{"iss":${JSON.stringify(issuer.issuer)},"aud":${JSON.stringify(issuer.audience)},"exp":${T + 60},"nbf":-1e400}`,
        'RS256',
      ),
    deliberate: 'nonFiniteDate',
  },
  { name: 'a numeric sub', token: () => mint({ claims: { sub: 42 } }), deliberate: 'nonStringSub' },
  {
    name: 'crit ["b64"] with b64: true',
    token: () => mint({ header: { crit: ['b64'], b64: true } }),
    deliberate: 'critB64',
  },
  {
    name: 'crit ["b64", "b64"] with b64: true',
    token: () => mint({ header: { crit: ['b64', 'b64'], b64: true } }),
    deliberate: 'critB64',
  },
  {
    name: 'crit ["b64"] with b64: false',
    token: () => mint({ header: { crit: ['b64'], b64: false } }),
  },
  {
    name: 'b64: false without crit (ignored by both)',
    token: () => mint({ header: { b64: false } }),
  },
  { name: 'padding on the signature', token: () => `${mint()}==`, deliberate: 'lenientBase64' },
  {
    name: 'a space inside the signature',
    token: () => {
      const t = mint();
      return `${t.slice(0, -10)} ${t.slice(-10)}`;
    },
    deliberate: 'lenientBase64',
  },
  ...perAlg(
    'a non-canonical last signature character (same bytes)',
    (alg) => nonCanonical(mint({ alg })),
    'nonCanonicalBase64',
  ),
  {
    name: 'a byte order mark before the payload',
    token: () =>
      signRaw(
        JSON.stringify({ alg: 'RS256', kid: keyOf.RS256.kid }),
        `\ufeff${JSON.stringify({ iss: issuer.issuer, aud: issuer.audience, exp: T + 60 })}`,
        'RS256',
      ),
    deliberate: 'bom',
  },
  {
    name: 'duplicate claims (the last one wins in both)',
    token: () =>
      signRaw(
        JSON.stringify({ alg: 'RS256', kid: keyOf.RS256.kid }),
        `{"iss":"https://evil.example","iss":${JSON.stringify(issuer.issuer)},"aud":${JSON.stringify(issuer.audience)},"exp":${T + 60}}`,
        'RS256',
      ),
  },
  {
    name: 'exp 4.7 s ago (inside the leeway only when now is truncated)',
    token: () => mint({ claims: { exp: T - 4.7 } }),
    deliberate: 'subSecondClock',
  },
  {
    name: 'nbf 5.3 s ahead (inside the leeway only at full precision)',
    token: () => mint({ claims: { nbf: T + 5.3 } }),
    deliberate: 'subSecondClock',
  },
  {
    name: 'exp exactly at the leeway bound',
    token: () => mint({ claims: { exp: T - TOLERANCE } }),
  },
  {
    name: 'a payload that is a JSON array',
    token: () => signRaw(JSON.stringify({ alg: 'RS256', kid: keyOf.RS256.kid }), '[1]', 'RS256'),
  },
  ...(['at+jwt', 'application/at+jwt', 'AT+JWT', 'JWT', 'jwt', '', undefined] as const).map(
    (typ): Case => ({
      name: `typ ${JSON.stringify(typ)} where at+jwt is required`,
      pair: () => typed,
      token: () => mint({ header: { typ } }),
    }),
  ),
];

describe('tokengate and jose agree on OIDC tokens', () => {
  it.each(CASES)('$name', async ({ token, pair, deliberate }) => {
    const { ours, theirs } = await verdicts(pair?.() ?? plain, token());
    if (deliberate === undefined) {
      expect(ours).toBe(theirs);
    } else {
      expect(ours).not.toBe(theirs);
      const expected = DELIBERATE[deliberate].ours;
      if (expected !== 'either') expect(ours).toBe(expected);
    }
  });

  it('agree on generated tokens, except for the listed deliberate differences (seeded)', async () => {
    const explained: Partial<Record<Deliberate, number>> = {};
    let agreements = 0;
    await fc.assert(
      fc.asyncProperty(generatedToken(), async (generated) => {
        const { ours, theirs } = await verdicts(generated.typed ? typed : plain, generated.token);
        if (ours === theirs) {
          agreements += 1;
          return;
        }
        const rule = explain(generated, ours);
        if (rule === undefined) {
          throw new Error(
            `undeclared disagreement: tokengate ${ours}, jose ${theirs}: ${generated.how}`,
          );
        }
        explained[rule] = (explained[rule] ?? 0) + 1;
      }),
      { seed: 20_251_126, numRuns: 500 },
    );
    // The generator must keep reaching both verdicts and the listed differences.
    expect(agreements).toBeGreaterThan(400);
    expect(Object.keys(explained).length).toBeGreaterThanOrEqual(5);
  });

  // RFC 7519 §7.2 and RFC 8259 §8.1: claims are UTF-8. Decoding leniently (U+FFFD for bad
  // bytes) would let two byte strings read as the same claims.
  it('rejects a payload or header that is not valid UTF-8, like jose', async () => {
    const payload = Buffer.concat([
      Buffer.from(
        `{"iss":${JSON.stringify(issuer.issuer)},"aud":${JSON.stringify(issuer.audience)},"exp":${T + 60},"sub":"admin`,
      ),
      Buffer.from([0xff]),
      Buffer.from('"}'),
    ]);
    const token = signRaw(JSON.stringify({ alg: 'RS256', kid: keyOf.RS256.kid }), payload, 'RS256');
    expect(await verdicts(plain, token)).toEqual({ ours: 'reject', theirs: 'reject' });
    const header = Buffer.concat([
      Buffer.from(`{"alg":"RS256","kid":${JSON.stringify(keyOf.RS256.kid)},"x":"`),
      Buffer.from([0xfe]),
      Buffer.from('"}'),
    ]);
    const claims = JSON.stringify({ iss: issuer.issuer, aud: issuer.audience, exp: T + 60 });
    expect(await verdicts(plain, signRaw(header, claims, 'RS256'))).toEqual({
      ours: 'reject',
      theirs: 'reject',
    });
  });
});

interface Generated {
  readonly token: string;
  readonly typed: boolean;
  readonly how: string;
  readonly header: Record<string, unknown>;
  /** Claims as raw JSON text per name, so 1e400 survives. */
  readonly claims: Readonly<Record<string, string>>;
  readonly tamper: string;
}

/** Mostly `usual`, sometimes one of `others`: most tokens differ from a valid one in one place. */
const mostly = <V>(usual: V, ...others: V[]): fc.Arbitrary<V> =>
  fc.oneof(
    { weight: 10, arbitrary: fc.constant(usual) },
    { weight: 2, arbitrary: fc.constantFrom(...others) },
  );

/** A NumericDate as raw JSON: near the bound (to the tenth of a second), far, or not a number. */
const timeValue = (bound: () => number): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    {
      weight: 2,
      arbitrary: fc.integer({ min: -30, max: 30 }).map((offset) => String(bound() + offset)),
    },
    {
      weight: 3,
      arbitrary: fc.integer({ min: -30, max: 30 }).map((tenths) => String(bound() + tenths / 10)),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(undefined, 'null', '"soon"', '1e400', '-1e400', 'true', '[]'),
    },
  );

function generatedToken(): fc.Arbitrary<Generated> {
  return fc
    .record({
      alg: fc.constantFrom(...ALGS),
      rsaSignsOther: mostly(false, true),
      kid: mostly<'own' | 'none' | 'other' | 'unknown' | 'numeric'>(
        'own',
        'none',
        'other',
        'unknown',
        'numeric',
      ),
      headerAlg: mostly<string | undefined>(
        undefined,
        'none',
        'HS256',
        'RS384',
        'ES384',
        'Ed25519',
        'RS256',
      ),
      typ: mostly<unknown>(
        'at+jwt',
        undefined,
        'application/at+jwt',
        'AT+JWT',
        'JWT',
        'jwt',
        '',
        'at+jwt; v=1',
        7,
      ),
      crit: mostly<unknown>(undefined, ['x-custom'], ['b64'], ['b64'], [], 'b64', ['b64', 'b64']),
      b64: mostly<unknown>(undefined, true, true, false),
      iss: mostly<unknown>('ours', 'slash', 'https://evil.example', 7, undefined, ['ours']),
      aud: mostly<unknown>('ours', ['ours'], ['x', 'ours'], [1, 'ours'], 'x', [], 7, undefined),
      sub: mostly<unknown>('user-1', undefined, '', 42, null, ['user-1']),
      exp: fc.oneof(
        { weight: 2, arbitrary: fc.constant(String(T + 600)) },
        { weight: 3, arbitrary: timeValue(() => T - TOLERANCE) },
      ),
      nbf: fc.oneof(
        { weight: 3, arbitrary: fc.constant(undefined) },
        { weight: 2, arbitrary: timeValue(() => T + TOLERANCE) },
      ),
      iat: fc.oneof(
        { weight: 3, arbitrary: fc.constant(String(T - 10)) },
        { weight: 1, arbitrary: timeValue(() => T + TOLERANCE) },
      ),
      tamper: mostly('none', 'payload', 'signature', 'padding', 'space', 'non-canonical'),
      typed: fc.boolean(),
    })
    .map((draft): Generated => {
      const key = draft.alg;
      const rsa = key === 'RS256' || key === 'PS256';
      const signAlg: Alg = rsa && draft.rsaSignsOther ? (key === 'RS256' ? 'PS256' : 'RS256') : key;
      const kid = {
        own: keyOf[key].kid,
        none: undefined,
        other: keyOf[key === 'RS256' ? 'ES256' : 'RS256'].kid,
        unknown: 'no-such-kid',
        numeric: 7,
      }[draft.kid];
      const header = dropUndefined({
        alg: draft.headerAlg ?? signAlg,
        kid,
        typ: draft.typ,
        crit: draft.crit,
        b64: draft.b64,
        ...(Array.isArray(draft.crit) && draft.crit.includes('x-custom') ? { 'x-custom': 1 } : {}),
      });
      const resolve = (value: unknown, ours: string): unknown =>
        value === 'ours'
          ? ours
          : value === 'slash'
            ? `${ours}/`
            : Array.isArray(value)
              ? value.map((v) => resolve(v, ours))
              : value;
      const claims: Record<string, string> = {};
      const put = (name: string, raw: string | undefined): void => {
        if (raw !== undefined) claims[name] = raw;
      };
      put('iss', JSON.stringify(resolve(draft.iss, issuer.issuer)));
      put('aud', JSON.stringify(resolve(draft.aud, issuer.audience)));
      put('sub', JSON.stringify(draft.sub));
      put('exp', draft.exp);
      put('nbf', draft.nbf);
      put('iat', draft.iat);
      const payload = `{${Object.entries(claims)
        .map(([name, raw]) => `${JSON.stringify(name)}:${raw}`)
        .join(',')}}`;
      let token = signRaw(JSON.stringify(header), payload, key, signAlg);
      const signature = token.slice(token.lastIndexOf('.') + 1);
      switch (draft.tamper) {
        case 'payload':
          token = swapSegment(
            token,
            1,
            b64(payload.replace('user-1', 'admin-1').replace(/}$/, ',"x":1}')),
          );
          break;
        case 'signature':
          token = swapSegment(token, 2, (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1));
          break;
        case 'padding':
          token = `${token}=`;
          break;
        case 'space':
          token = `${token.slice(0, -4)} ${token.slice(-4)}`;
          break;
        case 'non-canonical':
          token = nonCanonical(token);
          break;
      }
      const how = `${key} key signing ${signAlg}, header ${JSON.stringify(header)}, claims ${payload}, tamper ${draft.tamper}, typ policy ${draft.typed}`;
      return { token, typed: draft.typed, how, header, claims, tamper: draft.tamper };
    });
}

/** The deliberate difference that explains tokengate's verdict `ours`, if any applies. */
function explain({ header, claims, tamper }: Generated, ours: Verdict): Deliberate | undefined {
  const number = (name: string): number | undefined => {
    const raw = claims[name];
    if (raw === undefined) return undefined;
    const value: unknown = JSON.parse(raw);
    return typeof value === 'number' ? value : undefined;
  };
  const exp = number('exp');
  const nbf = number('nbf');
  const iat = number('iat');
  const applies: Record<Deliberate, boolean> = {
    missingExp: claims.exp === undefined,
    iatInFuture: iat !== undefined && iat > now + TOLERANCE,
    nonFiniteDate: [exp, nbf, iat].some((value) => value !== undefined && !Number.isFinite(value)),
    nonStringSub: claims.sub !== undefined && typeof JSON.parse(claims.sub) !== 'string',
    critB64:
      Array.isArray(header.crit) &&
      header.crit.length > 0 &&
      header.crit.every((name) => name === 'b64') &&
      header.b64 === true,
    lenientBase64: tamper === 'padding' || tamper === 'space',
    nonCanonicalBase64: tamper === 'non-canonical',
    bom: false,
    subSecondClock:
      (exp !== undefined && !Number.isInteger(exp) && Math.abs(exp - (T - TOLERANCE)) < 1) ||
      (nbf !== undefined && !Number.isInteger(nbf) && Math.abs(nbf - (T + TOLERANCE)) < 1),
  };
  return (Object.keys(DELIBERATE) as Deliberate[]).find(
    (rule) =>
      applies[rule] && (DELIBERATE[rule].ours === 'either' || DELIBERATE[rule].ours === ours),
  );
}
