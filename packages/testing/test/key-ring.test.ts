import { createPublicKey, verify } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestIssuer } from '../src/index.js';
import type { TestIssuer, TestJwks } from '../src/index.js';

async function servedKids(issuer: TestIssuer): Promise<string[]> {
  const response = await fetch(issuer.jwksUri);
  const body = (await response.json()) as TestJwks;
  return body.keys.map((key) => key.kid);
}

describe('key rotation', () => {
  let issuer: TestIssuer;
  beforeEach(async () => {
    issuer = await createTestIssuer({ alg: 'ES256' });
  });
  afterEach(() => issuer.close());

  it('rotateKeys publishes a new current key and keeps the old one until removeKey', async () => {
    const oldKid = issuer.currentKid;
    const oldToken = await issuer.accessToken();

    const newKid = await issuer.rotateKeys();
    expect(newKid).not.toBe(oldKid);
    expect(issuer.currentKid).toBe(newKid);
    expect(await servedKids(issuer)).toStrictEqual([oldKid, newKid]);

    const newToken = await issuer.accessToken();
    expect(decodeProtectedHeader(newToken).kid).toBe(newKid);
    expect(decodeProtectedHeader(newToken).alg).toBe('ES256');
    const jwks = createRemoteJWKSet(new URL(issuer.jwksUri));
    await jwtVerify(oldToken, jwks);
    await jwtVerify(newToken, jwks);

    issuer.removeKey(oldKid);
    expect(await servedKids(issuer)).toStrictEqual([newKid]);
    // A fresh JWKS client, so nothing is served from jose's cache.
    const refreshed = createRemoteJWKSet(new URL(issuer.jwksUri));
    await expect(jwtVerify(oldToken, refreshed)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    await expect(issuer.accessToken({ kid: oldKid })).rejects.toThrow(TypeError);
  });

  it('rotateKeys can switch algorithm', async () => {
    const kid = await issuer.rotateKeys({ alg: 'EdDSA' });
    expect(issuer.jwks().keys.find((key) => key.kid === kid)).toMatchObject({ kty: 'OKP' });
    expect(decodeProtectedHeader(await issuer.idToken()).alg).toBe('EdDSA');
  });

  it('addKey publishes without changing the current key, and kid selects it', async () => {
    const current = issuer.currentKid;
    const kid = await issuer.addKey({ alg: 'PS384', kid: 'extra', use: 'sig' });
    expect(kid).toBe('extra');
    expect(issuer.currentKid).toBe(current);
    expect(await servedKids(issuer)).toStrictEqual([current, 'extra']);

    const token = await issuer.accessToken({ kid: 'extra' });
    expect(decodeProtectedHeader(token)).toMatchObject({ kid: 'extra', alg: 'PS384' });
    await jwtVerify(token, createRemoteJWKSet(new URL(issuer.jwksUri)));
  });

  it('addKey can publish a key with another use', async () => {
    await issuer.addKey({ kid: 'enc-key', use: 'enc' });
    expect(issuer.jwks().keys.find((key) => key.kid === 'enc-key')?.use).toBe('enc');
  });

  it('addKey can make a weak RSA key that still signs', async () => {
    await issuer.addKey({ alg: 'RS256', kid: 'weak', rsaModulusLength: 1024 });
    const key = issuer.keys().find((candidate) => candidate.kid === 'weak');
    expect(key?.publicKey.asymmetricKeyDetails?.modulusLength).toBe(1024);

    const token = await issuer.sign({ sub: 'x' }, { kid: 'weak' });
    const [header = '', payload = '', signature = ''] = token.split('.');
    // jose refuses RSA keys under 2048 bits, so check against the published JWK with node.
    const published = issuer.jwks().keys.find((jwk) => jwk.kid === 'weak') as JsonWebKey;
    const signed = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      createPublicKey({ key: published, format: 'jwk' }),
      Buffer.from(signature, 'base64url'),
    );
    expect(signed).toBe(true);
  });

  it('refuses option mistakes with TypeError', async () => {
    await expect(issuer.addKey({ kid: issuer.currentKid })).rejects.toThrow(TypeError);
    await expect(issuer.addKey({ alg: 'ES256', rsaModulusLength: 2048 })).rejects.toThrow(
      TypeError,
    );
    await expect(issuer.addKey({ alg: 'HS256' as never })).rejects.toThrow(TypeError);
    expect(() => issuer.removeKey(issuer.currentKid)).toThrow(TypeError);
    expect(() => issuer.removeKey('missing')).toThrow(TypeError);
  });

  it('keys() exposes key objects and the published JWK', () => {
    const [key] = issuer.keys();
    expect(key?.privateKey.type).toBe('private');
    expect(key?.publicKey.type).toBe('public');
    expect(key?.publicJwk).toStrictEqual(issuer.jwks().keys[0]);
    expect(key?.publicJwk).not.toHaveProperty('d');
  });

  it('jwks() returns copies the caller cannot use to change what is served', async () => {
    const copy = issuer.jwks();
    copy.keys.length = 0;
    expect(await servedKids(issuer)).toStrictEqual([issuer.currentKid]);
  });
});
