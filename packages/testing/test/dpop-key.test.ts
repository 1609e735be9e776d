import { verify } from 'node:crypto';
import {
  EmbeddedJWK,
  calculateJwkThumbprint,
  compactVerify,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
} from 'jose';
import { describe, expect, it } from 'vitest';
import { TEST_ALGORITHMS, createDpopKey } from '../src/index.js';
import type { DpopKey, DpopProofOptions, TestAlgorithm } from '../src/index.js';
import { jwkThumbprint } from '../src/jwk-thumbprint.js';

const URL_ = 'https://api.example.com/orders';

/** An independent `ath`: Web Crypto rather than node's createHash. */
async function ath(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return Buffer.from(digest).toString('base64url');
}

function signatureOf(jws: string): Buffer {
  return Buffer.from(jws.split('.')[2] ?? '', 'base64url');
}

describe('createDpopKey()', () => {
  it.each(TEST_ALGORITHMS)(
    '%s: publishes only public members, and its thumbprint is jose’s',
    async (alg) => {
      const key = await createDpopKey({ alg });
      expect(key.alg).toBe(alg);
      const members = Object.keys(key.publicJwk).sort();
      const expected: Record<string, string[]> = {
        EC: ['crv', 'kty', 'x', 'y'],
        OKP: ['crv', 'kty', 'x'],
        RSA: ['e', 'kty', 'n'],
      };
      expect(members).toStrictEqual(expected[key.publicJwk['kty'] ?? '']);
      // Differential: jose computes RFC 7638 from the JWK and from the key object.
      expect(key.thumbprint).toBe(await calculateJwkThumbprint(key.publicJwk));
      expect(key.thumbprint).toBe(await calculateJwkThumbprint(key.publicKey));
      expect(key.thumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Object.isFrozen(key)).toBe(true);
      expect(Object.isFrozen(key.publicJwk)).toBe(true);
    },
  );

  it('defaults to ES256 on P-256', async () => {
    const key = await createDpopKey();
    expect(key.alg).toBe('ES256');
    expect(key.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256' });
  });

  it('makes a new key each time', async () => {
    const [a, b] = await Promise.all([createDpopKey(), createDpopKey()]);
    expect(a.thumbprint).not.toBe(b.thumbprint);
  });

  it('refuses symmetric, unsigned and unknown algorithms with TypeError', async () => {
    for (const alg of ['HS256', 'none', 'ES256K', '']) {
      await expect(createDpopKey({ alg: alg as TestAlgorithm })).rejects.toThrow(TypeError);
    }
    await expect(createDpopKey(null as never)).rejects.toThrow(TypeError);
  });
});

describe('jwkThumbprint()', () => {
  it('gives the RFC 7638 §3.1 example thumbprint', () => {
    const jwk = {
      kty: 'RSA',
      n:
        '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP' +
        'ebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY' +
        '368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0f' +
        'M4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    expect(jwkThumbprint(jwk)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('ignores private and optional members, as jose does', async () => {
    const key = await createDpopKey({ alg: 'EdDSA' });
    const withExtras = { ...key.publicJwk, d: 'private', kid: 'k', use: 'sig', alg: 'EdDSA' };
    expect(jwkThumbprint(withExtras)).toBe(key.thumbprint);
    expect(await calculateJwkThumbprint(withExtras)).toBe(key.thumbprint);
  });

  it('refuses a JWK without its required members', () => {
    expect(() => jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 'abc' })).toThrow(TypeError);
    expect(() => jwkThumbprint({ kty: 'AKP' })).toThrow(TypeError);
    expect(() => jwkThumbprint({})).toThrow(TypeError);
  });
});

describe('proof()', () => {
  it.each(TEST_ALGORITHMS)('%s: an RFC 9449 §4.2 proof that jose verifies', async (alg) => {
    const key = await createDpopKey({ alg });
    const before = Math.floor(Date.now() / 1000);
    const proof = await key.proof({ method: 'GET', url: URL_ });
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: [alg],
    });
    expect(protectedHeader).toStrictEqual({ typ: 'dpop+jwt', alg, jwk: key.publicJwk });
    expect(Object.keys(payload)).toStrictEqual(['jti', 'htm', 'htu', 'iat']);
    expect(payload).toMatchObject({ htm: 'GET', htu: URL_ });
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('binds to the access token (ath) and a server nonce', async () => {
    const key = await createDpopKey();
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln';
    const proof = await key.proof({ method: 'POST', url: URL_, accessToken: token, nonce: 'n-1' });
    const { payload } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt' });
    expect(payload['ath']).toBe(await ath(token));
    expect(payload['nonce']).toBe('n-1');
    expect(payload['htm']).toBe('POST');
  });

  it('strips query and fragment from htu and normalises the URL', async () => {
    const key = await createDpopKey();
    const proof = await key.proof({
      method: 'GET',
      url: new URL('HTTPS://API.Example.com:443/orders?id=1#top'),
    });
    expect(decodeJwt(proof)['htu']).toBe(URL_);
    const root = await key.proof({ method: 'GET', url: 'http://127.0.0.1:8080?x' });
    expect(decodeJwt(root)['htu']).toBe('http://127.0.0.1:8080/');
  });

  it('writes the method as given and takes iat and jti overrides', async () => {
    const key = await createDpopKey();
    const proof = await key.proof({ method: 'patch', url: URL_, iat: 1_000, jti: 'fixed' });
    expect(decodeJwt(proof)).toMatchObject({ htm: 'patch', iat: 1_000, jti: 'fixed' });
  });

  it('gives every proof its own jti', async () => {
    const key = await createDpopKey();
    const proofs = await Promise.all(
      Array.from({ length: 20 }, () => key.proof({ method: 'GET', url: URL_ })),
    );
    expect(new Set(proofs.map((proof) => decodeJwt(proof).jti)).size).toBe(20);
  });

  it('merges header and claims overrides last; undefined deletes', async () => {
    const key = await createDpopKey();
    const privateJwk = { ...key.publicJwk, d: 'AAAA' };
    const proof = await key.proof({
      method: 'GET',
      url: URL_,
      accessToken: 'token',
      header: { typ: 'JWT', jwk: privateJwk, kid: 'extra' },
      claims: { ath: undefined, htm: 'DELETE', jti: undefined, extra: 1 },
    });
    expect(decodeProtectedHeader(proof)).toStrictEqual({
      typ: 'JWT',
      alg: 'ES256',
      jwk: privateJwk,
      kid: 'extra',
    });
    const claims = decodeJwt(proof);
    expect(claims).not.toHaveProperty('ath');
    expect(claims).not.toHaveProperty('jti');
    expect(claims).toMatchObject({ htm: 'DELETE', htu: URL_, extra: 1 });
    // Still a valid signature by the key: only the content is wrong.
    await expect(compactVerify(proof, key.publicKey)).resolves.toBeDefined();
    const noJwk = await key.proof({ method: 'GET', url: URL_, header: { jwk: undefined } });
    expect(decodeProtectedHeader(noJwk)).not.toHaveProperty('jwk');
  });

  it('a header alg that lies keeps the signature of the key’s own algorithm', async () => {
    const key = await createDpopKey({ alg: 'ES256' });
    const proof = await key.proof({ method: 'GET', url: URL_, header: { alg: 'ES384' } });
    expect(decodeProtectedHeader(proof).alg).toBe('ES384');
    const signingInput = Buffer.from(proof.split('.').slice(0, 2).join('.'));
    const signature = signatureOf(proof);
    expect(
      verify('sha256', signingInput, { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, signature),
    ).toBe(true);
    await expect(jwtVerify(proof, EmbeddedJWK)).rejects.toThrow();
  });

  describe('signWith', () => {
    it('another key: a valid signature that the header jwk does not verify', async () => {
      const [key, other] = await Promise.all([createDpopKey(), createDpopKey({ alg: 'PS256' })]);
      const proof = await key.proof({ method: 'GET', url: URL_, signWith: other });
      const header = decodeProtectedHeader(proof);
      expect(header).toMatchObject({ alg: 'PS256', jwk: key.publicJwk });
      await expect(compactVerify(proof, other.publicKey)).resolves.toBeDefined();
      // The embedded jwk is an EC key; jose refuses it for PS256 (or the signature fails).
      await expect(jwtVerify(proof, EmbeddedJWK)).rejects.toThrow();
      const sameAlg = await createDpopKey();
      const mismatched = await key.proof({ method: 'GET', url: URL_, signWith: sameAlg });
      await expect(jwtVerify(mismatched, EmbeddedJWK)).rejects.toBeInstanceOf(
        errors.JWSSignatureVerificationFailed,
      );
    });

    it("{ alg: 'none' }: an unsecured JWS with an empty signature", async () => {
      const key = await createDpopKey();
      const proof = await key.proof({ method: 'GET', url: URL_, signWith: { alg: 'none' } });
      expect(proof.endsWith('.')).toBe(true);
      expect(proof.split('.')).toHaveLength(3);
      expect(decodeProtectedHeader(proof)).toStrictEqual({
        typ: 'dpop+jwt',
        alg: 'none',
        jwk: key.publicJwk,
      });
      expect(decodeJwt(proof)).toMatchObject({ htm: 'GET', htu: URL_ });
    });

    it.each(['HS256', 'HS384', 'HS512'] as const)('%s: an HMAC with the secret', async (alg) => {
      const key = await createDpopKey();
      const secret = 'a shared secret that a DPoP server must never accept';
      const proof = await key.proof({ method: 'GET', url: URL_, signWith: { alg, secret } });
      const { protectedHeader } = await compactVerify(proof, new TextEncoder().encode(secret), {
        algorithms: [alg],
      });
      expect(protectedHeader).toMatchObject({ typ: 'dpop+jwt', alg, jwk: key.publicJwk });
      const bytes = await key.proof({
        method: 'GET',
        url: URL_,
        signWith: { alg, secret: new Uint8Array([1, 2, 3]) },
      });
      await expect(
        compactVerify(bytes, new Uint8Array([1, 2, 3]), { algorithms: [alg] }),
      ).resolves.toBeDefined();
    });
  });

  it('refuses bad options with TypeError', async () => {
    const key = await createDpopKey();
    const other = await createDpopKey();
    const lookAlike = { ...other } as DpopKey;
    const cases: unknown[] = [
      undefined,
      null,
      { url: URL_ },
      { method: 'GET' },
      { method: 'G T', url: URL_ },
      { method: '', url: URL_ },
      { method: 'GET', url: '/orders' },
      { method: 'GET', url: 'ftp://example.com/x' },
      { method: 'GET', url: URL_, accessToken: '' },
      { method: 'GET', url: URL_, nonce: 1 },
      { method: 'GET', url: URL_, jti: '' },
      { method: 'GET', url: URL_, iat: Number.NaN },
      { method: 'GET', url: URL_, header: 'typ' },
      { method: 'GET', url: URL_, claims: null },
      { method: 'GET', url: URL_, signWith: lookAlike },
      { method: 'GET', url: URL_, signWith: { alg: 'HS256' } },
      { method: 'GET', url: URL_, signWith: { alg: 'HS256', secret: '' } },
      { method: 'GET', url: URL_, signWith: { alg: 'RS256' } },
      { method: 'GET', url: URL_, signWith: null },
    ];
    for (const options of cases) {
      await expect(key.proof(options as DpopProofOptions), JSON.stringify(options)).rejects.toThrow(
        TypeError,
      );
    }
  });
});
