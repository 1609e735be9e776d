import { verify } from 'node:crypto';
import {
  compactVerify,
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ALGORITHMS, createTestIssuer } from '../src/index.js';
import type { TestIssuer } from '../src/index.js';

function split(token: string): { signingInput: Buffer; signature: Buffer } {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return {
    signingInput: Buffer.from(`${header}.${payload}`),
    signature: Buffer.from(signature, 'base64url'),
  };
}

describe('sign()', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer();
    await issuer.addKey({ alg: 'ES256', kid: 'ec' });
  });
  afterAll(() => issuer.close());

  it('signs exactly the given claims under { alg, kid }', async () => {
    const token = await issuer.sign({ hello: 'world' });
    expect(decodeJwt(token)).toStrictEqual({ hello: 'world' });
    expect(decodeProtectedHeader(token)).toStrictEqual({ alg: 'RS256', kid: issuer.currentKid });
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(issuer.jwksUri)));
    expect(payload).toStrictEqual({ hello: 'world' });
  });

  it('kid: null omits the kid header', async () => {
    const token = await issuer.sign({}, { kid: null });
    expect(decodeProtectedHeader(token)).toStrictEqual({ alg: 'RS256' });
  });

  it('header values override, and undefined removes a header', async () => {
    const token = await issuer.sign({}, { header: { kid: 'spoofed', typ: 'JWT', jku: 'x' } });
    expect(decodeProtectedHeader(token)).toStrictEqual({
      alg: 'RS256',
      kid: 'spoofed',
      typ: 'JWT',
      jku: 'x',
    });
    const noKid = await issuer.sign({}, { header: { kid: undefined } });
    expect(decodeProtectedHeader(noKid)).toStrictEqual({ alg: 'RS256' });
  });

  it('alg picks the key published for that algorithm', async () => {
    const token = await issuer.sign({}, { alg: 'ES256' });
    expect(decodeProtectedHeader(token)).toStrictEqual({ alg: 'ES256', kid: 'ec' });
    await jwtVerify(token, createRemoteJWKSet(new URL(issuer.jwksUri)));
  });

  it('alg with a key of another alg makes a validly signed key/alg mismatch', async () => {
    const token = await issuer.sign({ sub: 'x' }, { alg: 'PS256' });
    expect(decodeProtectedHeader(token)).toStrictEqual({ alg: 'PS256', kid: issuer.currentKid });
    // jose will not use an RS256 JWK for a PS256 token...
    const jwks = createRemoteJWKSet(new URL(issuer.jwksUri));
    await expect(jwtVerify(token, jwks)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    // ...but the signature itself is sound.
    const key = issuer.keys().find((candidate) => candidate.kid === issuer.currentKid);
    await expect(compactVerify(token, key!.publicKey)).resolves.toBeDefined();
  });

  it('a lying header alg keeps the real signature', async () => {
    const token = await issuer.sign({}, { header: { alg: 'HS256' } });
    expect(decodeProtectedHeader(token).alg).toBe('HS256');
    const key = issuer.keys().find((candidate) => candidate.kid === issuer.currentKid);
    const { signingInput, signature } = split(token);
    expect(verify('sha256', signingInput, key!.publicKey, signature)).toBe(true);
  });

  it('rejects an alg the key type cannot sign, and unknown kids, with TypeError', async () => {
    await expect(issuer.sign({}, { kid: 'ec', alg: 'RS256' })).rejects.toThrow(TypeError);
    await expect(issuer.sign({}, { kid: 'nope' })).rejects.toThrow(TypeError);
    await expect(issuer.sign({}, { alg: 'none' as never })).rejects.toThrow(TypeError);
  });
});

describe('hand-rolled signatures (crit header) verify for every algorithm', () => {
  it.each(TEST_ALGORITHMS)('%s', async (alg) => {
    const issuer = await createTestIssuer({ alg });
    try {
      // `crit` makes jose refuse to sign, so this exercises the node:crypto signer.
      const token = await issuer.sign({ sub: 'x' }, { header: { crit: ['x-test'], 'x-test': 1 } });
      const jwks = createLocalJWKSet(issuer.jwks());
      await expect(jwtVerify(token, jwks)).rejects.toBeInstanceOf(errors.JOSENotSupported);
      const { protectedHeader } = await compactVerify(token, jwks, { crit: { 'x-test': true } });
      expect(protectedHeader).toMatchObject({ alg, crit: ['x-test'] });
    } finally {
      await issuer.close();
    }
  });
});
