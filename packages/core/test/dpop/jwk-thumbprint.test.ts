// RFC 7638 JWK thumbprints (what a DPoP-bound token names in `cnf.jkt`, RFC 9449 §6.1):
// the RFCs' own examples, and a differential test against jose's calculateJwkThumbprint for
// every key type, on whichever crypto backend this run resolved.
import { generateKeyPairSync } from 'node:crypto';
import { backend } from '#crypto-backend';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { jwkThumbprint, type PublicJwk } from '@tokengate/core';

// RFC 7638 §3.1.
const RFC7638_KEY = {
  kty: 'RSA',
  n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  e: 'AQAB',
  alg: 'RS256',
  kid: '2011-04-29',
} as const;

// RFC 8037 §A.3.
const RFC8037_KEY = {
  kty: 'OKP',
  crv: 'Ed25519',
  x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
} as const;

function publicJwk(type: 'rsa' | 'ec' | 'ed25519' | 'ed448', namedCurve?: string): PublicJwk {
  const { publicKey } =
    type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: namedCurve! })
      : type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : type === 'ed25519'
          ? generateKeyPairSync('ed25519')
          : generateKeyPairSync('ed448');
  return publicKey.export({ format: 'jwk' }) as unknown as PublicJwk;
}

describe('jwkThumbprint', () => {
  it('gives the RFC 7638 §3.1 example, ignoring alg and kid', async () => {
    expect(await jwkThumbprint(RFC7638_KEY as PublicJwk)).toBe(
      'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
    );
  });

  it('gives the RFC 8037 §A.3 Ed25519 example', async () => {
    expect(await jwkThumbprint(RFC8037_KEY)).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });

  it('is synchronous on Node and a promise on Web Crypto', () => {
    const result = jwkThumbprint(RFC8037_KEY);
    expect(typeof result === 'string').toBe(backend.name === 'node');
  });

  it.each([
    ['RSA', () => publicJwk('rsa')],
    ['EC P-256', () => publicJwk('ec', 'P-256')],
    ['EC P-384', () => publicJwk('ec', 'P-384')],
    ['EC P-521', () => publicJwk('ec', 'P-521')],
    ['OKP Ed25519', () => publicJwk('ed25519')],
    ['OKP Ed448', () => publicJwk('ed448')],
  ])('agrees with jose for %s keys, whatever else the JWK holds', async (_name, make) => {
    for (let i = 0; i < 5; i += 1) {
      const jwk = make();
      const expected = await calculateJwkThumbprint(jwk as JWK, 'sha256');
      expect(await jwkThumbprint(jwk)).toBe(expected);
      // Optional members and their order never change it (RFC 7638 §3.2–3.3).
      const decorated = { use: 'sig', kid: 'k1', ...jwk, alg: 'ES256', key_ops: ['verify'] };
      expect(
        await jwkThumbprint(
          Object.fromEntries(Object.entries(decorated).reverse()) as unknown as PublicJwk,
        ),
      ).toBe(expected);
    }
  });

  it.each([
    ['an oct key', { kty: 'oct', k: 'c2VjcmV0' }],
    ['an RSA key without e', { kty: 'RSA', n: 'AQAB' }],
    ['an EC key without y', { kty: 'EC', crv: 'P-256', x: 'AQAB' }],
    ['an OKP key whose x is a number', { kty: 'OKP', crv: 'Ed25519', x: 1 }],
  ])('refuses %s with a TypeError', (_name, jwk) => {
    expect(() => jwkThumbprint(jwk as unknown as PublicJwk)).toThrow(TypeError);
  });
});
