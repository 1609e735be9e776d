// Algorithm games: `none`, HMAC keyed with the public key (alg confusion), algorithms that do
// not fit the key, keys that must not verify at all, and malformed ECDSA signatures.
// jsonwebtoken CVE-2022-23539/23540/23541, fast-jwt CVE-2023-48223, CVE-2022-21449.
import {
  ecdsaRewrite,
  ecdsaSigner,
  EC_KEY_ENCODINGS,
  encodePublicKey,
  hmacSigner,
  joinRs,
  KEY_ENCODINGS,
  P256_ORDER,
  pssSigner,
  rsaSigner,
} from './attack-tokens.js';
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
} from './adversarial-kit.js';

const NONE_SPELLINGS = ['none', 'None', 'NONE', 'nOnE'] as const;
const HMAC = [
  ['HS256', 'sha256'],
  ['HS384', 'sha384'],
  ['HS512', 'sha512'],
] as const;

const noneScenarios: AdversarialScenario[] = NONE_SPELLINGS.flatMap((alg) => [
  {
    name: `alg "${alg}" with an empty signature`,
    // The strict decoder refuses the empty third segment before `alg` is read; still a 401
    // invalid_token, which is all RFC 8725 §3.2 asks.
    request: (c) =>
      me(rs256(c.pool, accessClaims(c.pool), { header: { alg }, signer: Buffer.alloc(0) })),
    expected: invalidToken(D.signatureB64),
  },
  {
    name: `alg "${alg}" with a real RS256 signature kept`,
    request: (c) => me(rs256(c.pool, accessClaims(c.pool), { header: { alg } })),
    expected: invalidToken(D.alg),
  },
]);

const hmacScenarios: AdversarialScenario[] = HMAC.flatMap(([alg, digest]) =>
  KEY_ENCODINGS.map((encoding): AdversarialScenario => ({
    name: `${alg} keyed with the pool's public key as ${encoding}`,
    request: (c) => {
      const secret = encodePublicKey(encoding, c.pool.key.publicKey, c.pool.key.jwk);
      return me(userToken(c, {}, { header: { alg }, signer: hmacSigner(secret, digest) }));
    },
    // RFC 8725 §3.1: HMAC is never accepted from an asymmetric issuer.
    expected: invalidToken(D.alg),
  })),
);

const ecHmacScenarios: AdversarialScenario[] = EC_KEY_ENCODINGS.map((encoding) => ({
  name: `HS256 keyed with the EC issuer's public key as ${encoding}`,
  request: (c) => {
    const secret = encodePublicKey(encoding, c.ec.key.publicKey, c.ec.key.jwk);
    return me(
      es256(c.ec, oidcClaims(c.ec), {
        header: { alg: 'HS256' },
        signer: hmacSigner(secret, 'sha256'),
      }),
    );
  },
  expected: invalidToken(D.alg),
}));

const BAD_ALG_VALUES: readonly (readonly [string, unknown])[] = [
  ['lower-case "rs256"', 'rs256'],
  ['"RS256 " with a trailing space', 'RS256 '],
  ['" RS256" with a leading space', ' RS256'],
  ['"RS256" followed by NUL', 'RS256\u0000'],
  ['"RS-256"', 'RS-256'],
  ['missing', undefined],
  ['null', null],
  ['the number 256', 256],
  ['an array ["RS256"]', ['RS256']],
  ['an object', { name: 'RS256' }],
  ['"__proto__"', '__proto__'],
];

const algValueScenarios: AdversarialScenario[] = BAD_ALG_VALUES.map(([label, alg]) => ({
  name: `alg ${label}, real RS256 signature`,
  request: (c) => me(userToken(c, {}, { header: { alg } })),
  expected: invalidToken(D.alg),
}));

const mismatchScenarios: AdversarialScenario[] = [
  {
    name: 'RS256 header, HMAC-SHA256 signature keyed with the PEM',
    request: (c) =>
      me(
        userToken(
          c,
          {},
          {
            signer: hmacSigner(
              encodePublicKey('PEM SPKI', c.pool.key.publicKey, c.pool.key.jwk),
              'sha256',
            ),
          },
        ),
      ),
    expected: invalidToken(D.signature),
  },
  // Cognito signs with RS256 only, so the preset pins it: other RSA algorithms are refused even
  // when the pool's own key made the signature.
  ...(['RS384', 'RS512'] as const).map((alg): AdversarialScenario => ({
    name: `${alg} signed by the pool's own key (Cognito pins RS256)`,
    request: (c) =>
      me(
        userToken(
          c,
          {},
          { header: { alg }, signer: rsaSigner(c.pool.key.privateKey, `sha${alg.slice(2)}`) },
        ),
      ),
    expected: invalidToken(D.alg),
  })),
  {
    name: "PS256 signed by the pool's own key (Cognito pins RS256)",
    request: (c) =>
      me(userToken(c, {}, { header: { alg: 'PS256' }, signer: pssSigner(c.pool.key.privateKey) })),
    expected: invalidToken(D.alg),
  },
  {
    name: 'ES256 by an attacker EC key on the Cognito pool',
    request: (c) =>
      me(
        userToken(
          c,
          {},
          { header: { alg: 'ES256' }, signer: ecdsaSigner(c.attacker.ec.privateKey) },
        ),
      ),
    expected: invalidToken(D.alg),
  },
  {
    name: "EdDSA header over the pool's RSA key",
    request: (c) => me(userToken(c, {}, { header: { alg: 'EdDSA' } })),
    expected: invalidToken(D.alg),
  },
  {
    name: 'a token signed by the 1024-bit RSA key the pool publishes',
    // RFC 8725 §3.5: weak keys are skipped at import, so the kid matches nothing usable.
    request: (c) => me(userToken(c, {}, { key: c.pool.weak })),
    expected: invalidToken(D.noKey),
  },
  {
    name: 'a token signed by the key the pool publishes with use "enc"',
    request: (c) => me(userToken(c, {}, { key: c.pool.enc })),
    expected: invalidToken(D.noKey),
  },
  {
    name: "control: the pool's second published key verifies",
    request: (c) => me(userToken(c, {}, { key: c.pool.second })),
    expected: ok('/me'),
  },
  // The OIDC issuer trusts every asymmetric algorithm, so only key fit stands in the way.
  {
    name: 'control: RS256 by the OIDC issuer RSA key verifies',
    request: (c) =>
      me(
        es256(c.ec, oidcClaims(c.ec), {
          header: { alg: 'RS256' },
          key: c.ec.rsa,
          signer: rsaSigner(c.ec.rsa.privateKey),
        }),
      ),
    expected: ok('/me'),
  },
  {
    name: "RS256 token naming the EC key's kid",
    request: (c) =>
      me(
        es256(c.ec, oidcClaims(c.ec), {
          header: { alg: 'RS256' },
          signer: rsaSigner(c.ec.rsa.privateKey),
        }),
      ),
    expected: invalidToken(D.noKey),
  },
  {
    name: 'ES256 token naming the RSA key kid',
    request: (c) =>
      me(
        es256(c.ec, oidcClaims(c.ec), { key: c.ec.rsa, signer: ecdsaSigner(c.ec.key.privateKey) }),
      ),
    expected: invalidToken(D.noKey),
  },
  {
    name: 'ES384 header over the P-256 key',
    request: (c) =>
      me(
        es256(c.ec, oidcClaims(c.ec), {
          header: { alg: 'ES384' },
          signer: ecdsaSigner(c.ec.key.privateKey, 'sha384'),
        }),
      ),
    expected: invalidToken(D.noKey),
  },
  {
    name: 'ES512 header over the P-256 key',
    request: (c) =>
      me(
        es256(c.ec, oidcClaims(c.ec), {
          header: { alg: 'ES512' },
          signer: ecdsaSigner(c.ec.key.privateKey, 'sha512'),
        }),
      ),
    expected: invalidToken(D.noKey),
  },
  {
    name: 'PS256 over an RSA JWK pinned to RS256',
    // RFC 7517 §4.4: the JWK's own alg restricts what it verifies.
    request: (c) =>
      me(
        es256(c.ec, oidcClaims(c.ec), {
          header: { alg: 'PS256' },
          key: c.ec.rsa,
          signer: pssSigner(c.ec.rsa.privateKey),
        }),
      ),
    expected: invalidToken(D.noKey),
  },
  {
    name: 'RS384 over an RSA JWK pinned to RS256',
    request: (c) =>
      me(
        es256(c.ec, oidcClaims(c.ec), {
          header: { alg: 'RS384' },
          key: c.ec.rsa,
          signer: rsaSigner(c.ec.rsa.privateKey, 'sha384'),
        }),
      ),
    expected: invalidToken(D.noKey),
  },
  {
    name: 'EdDSA header over the RSA key',
    request: (c) =>
      me(
        es256(c.ec, oidcClaims(c.ec), {
          header: { alg: 'EdDSA' },
          key: c.ec.rsa,
          signer: rsaSigner(c.ec.rsa.privateKey),
        }),
      ),
    expected: invalidToken(D.noKey),
  },
  {
    name: 'RS256 header, RSASSA-PSS signature by the right key',
    request: (c) =>
      me(
        es256(c.ec, oidcClaims(c.ec), {
          header: { alg: 'RS256' },
          key: c.ec.rsa,
          signer: pssSigner(c.ec.rsa.privateKey),
        }),
      ),
    expected: invalidToken(D.signature),
  },
];

// CVE-2022-21449 and friends, against the ES256 issuer. RFC 7518 §3.4: R||S, 32 bytes each.
const n = P256_ORDER;
const ECDSA_REWRITES: readonly (readonly [
  string,
  (r: bigint, s: bigint, raw: Buffer) => Buffer,
])[] = [
  ['r = s = 0', () => Buffer.alloc(64)],
  ['r = 0', (_r, s) => joinRs(0n, s)],
  ['s = 0', (r) => joinRs(r, 0n)],
  ['r = n (the curve order)', (_r, s) => joinRs(n, s)],
  ['s = n', (r) => joinRs(r, n)],
  ['r = s = n', () => joinRs(n, n)],
  ['r = s = 1', () => joinRs(1n, 1n)],
  ['r = s = n - 1', () => joinRs(n - 1n, n - 1n)],
  ['r and s swapped', (r, s) => joinRs(s, r)],
  ['r = 2^256 - 1 (above n)', (_r, s) => joinRs((1n << 256n) - 1n, s)],
  ['63 bytes (last byte dropped)', (_r, _s, raw) => raw.subarray(0, 63)],
  ['65 bytes (a zero byte appended)', (_r, _s, raw) => Buffer.concat([raw, Buffer.alloc(1)])],
  ['65 bytes (a zero byte prepended)', (_r, _s, raw) => Buffer.concat([Buffer.alloc(1), raw])],
  ['96 bytes (zero-padded to ES384 size)', (_r, _s, raw) => Buffer.concat([raw, Buffer.alloc(32)])],
  [
    'one bit of r flipped',
    (_r, _s, raw) => Buffer.from(raw.map((byte, i) => (i === 5 ? byte ^ 1 : byte))),
  ],
];

const ecdsaScenarios: AdversarialScenario[] = [
  {
    name: 'control: an honest ES256 token verifies',
    request: (c) => me(es256(c.ec, oidcClaims(c.ec))),
    expected: ok('/me'),
  },
  ...ECDSA_REWRITES.map(([label, rewrite]): AdversarialScenario => ({
    name: `ES256 signature with ${label}`,
    request: (c) =>
      me(es256(c.ec, oidcClaims(c.ec), { signer: ecdsaRewrite(c.ec.key.privateKey, rewrite) })),
    expected: invalidToken(D.signature),
  })),
  {
    name: 'ES256 signature DER-encoded instead of R||S',
    request: (c) =>
      me(
        es256(c.ec, oidcClaims(c.ec), { signer: ecdsaSigner(c.ec.key.privateKey, 'sha256', true) }),
      ),
    expected: invalidToken(D.signature),
  },
  {
    name: 'ES256 with a 0-byte signature',
    request: (c) => me(es256(c.ec, oidcClaims(c.ec), { signer: Buffer.alloc(0) })),
    expected: invalidToken(D.signatureB64),
  },
  {
    name: 'ES256 signature (r, n - s): the high-S twin of a real signature',
    // NOTE: (r, n−s) is a mathematically valid ECDSA signature of the same input; RFC 7518
    // §3.4 does not demand low-S and every JOSE verifier (jose, aws-jwt-verify) accepts it.
    // The claims are untouched, so accepting it grants nothing new. Kept so a change is deliberate.
    request: (c) =>
      me(
        es256(c.ec, oidcClaims(c.ec), {
          signer: ecdsaRewrite(c.ec.key.privateKey, (r, s) => joinRs(r, n - s)),
        }),
      ),
    expected: ok('/me'),
  },
  {
    name: 'ES256 signature by the attacker key under the issuer kid',
    request: (c) =>
      me(es256(c.ec, oidcClaims(c.ec), { signer: ecdsaSigner(c.attacker.ec.privateKey) })),
    expected: invalidToken(D.signature),
  },
];

export const ALG_SCENARIOS: readonly AdversarialScenario[] = [
  ...noneScenarios,
  ...hmacScenarios,
  ...ecHmacScenarios,
  ...algValueScenarios,
  ...mismatchScenarios,
  ...ecdsaScenarios,
];
