// private_key_jwt (OpenID Connect Core §9, RFC 7523): assertions signed with Web Crypto, checked
// by the endpoint with jose, for each key form an app may hold.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createVerifier, introspectionIssuer, type Verifier } from '@tokengate/core';
import { decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf } from '../helpers.js';
import { CLIENT_ID, ISSUER, activeAnswer, issuerOptions, opaqueToken } from './fixtures.js';
import { startIntrospectionServer, type IntrospectionServer } from './introspection-server.js';

let server: IntrospectionServer;
const verifiers: Verifier[] = [];

beforeAll(async () => {
  server = await startIntrospectionServer();
  server.answer = () => ({ body: activeAnswer() });
});
afterAll(() => server.close());
afterEach(async () => {
  server.seen.length = 0;
  await Promise.all(verifiers.splice(0).map((verifier) => verifier.close()));
});

// Named through `crypto.subtle`: this project loads no DOM lib.
type KeyPair = {
  privateKey: Awaited<ReturnType<typeof crypto.subtle.importKey>>;
  publicKey: Awaited<ReturnType<typeof crypto.subtle.importKey>>;
};

type Auth = Extract<
  Parameters<typeof introspectionIssuer>[0]['clientAuth'],
  { method: 'private_key_jwt' }
>;

function verifierWith(clientAuth: Omit<Auth, 'method'>): Verifier {
  const built = createVerifier({
    issuers: [
      introspectionIssuer(
        issuerOptions(server, { clientAuth: { method: 'private_key_jwt', ...clientAuth } }),
      ),
    ],
  });
  verifiers.push(built);
  return built;
}

/** The assertion of the last request, verified as an authorization server would. */
async function lastAssertion(publicKey: KeyObject | JWK, audience = ISSUER) {
  const form = server.seen.at(-1)!.form;
  expect(form.get('client_assertion_type')).toBe(
    'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  );
  expect(form.get('client_id')).toBe(CLIENT_ID);
  expect(server.seen.at(-1)!.headers.authorization).toBeUndefined();
  const assertion = form.get('client_assertion')!;
  const key =
    'kty' in publicKey
      ? await importJWK(publicKey, decodeProtectedHeader(assertion).alg)
      : publicKey;
  const { payload, protectedHeader } = await jwtVerify(assertion, key, {
    issuer: CLIENT_ID,
    subject: CLIENT_ID,
    audience,
  });
  return { payload, protectedHeader };
}

describe('private_key_jwt', () => {
  it('signs with an RSA KeyObject (RS256), a fresh jti each time', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const verifier = verifierWith({ privateKey, kid: 'rs-1' });
    await verifier.verify(opaqueToken());
    const first = await lastAssertion(publicKey);
    expect(first.protectedHeader).toStrictEqual({ alg: 'RS256', typ: 'JWT', kid: 'rs-1' });
    expect(first.payload.exp! - first.payload.iat!).toBe(60);
    await verifier.verify(opaqueToken());
    const second = await lastAssertion(publicKey);
    expect(second.payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.payload.jti).not.toBe(first.payload.jti);
  });

  it('signs with an EC P-256 JWK (ES256), its kid, and a chosen audience', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'ec-1' };
    await verifierWith({ privateKey: jwk as never, assertionAudience: server.url }).verify(
      opaqueToken(),
    );
    const { protectedHeader } = await lastAssertion(publicKey, server.url);
    expect(protectedHeader).toStrictEqual({ alg: 'ES256', typ: 'JWT', kid: 'ec-1' });
  });

  it('signs with a non-extractable Ed25519 CryptoKey (EdDSA)', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, [
      'sign',
      'verify',
    ])) as KeyPair;
    await verifierWith({ privateKey: pair.privateKey }).verify(opaqueToken());
    const { protectedHeader } = await lastAssertion(
      (await crypto.subtle.exportKey('jwk', pair.publicKey)) as JWK,
    );
    expect(protectedHeader.alg).toBe('EdDSA');
  });

  it('signs PS256 when asked, with an RSA key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await verifierWith({ privateKey, alg: 'PS256' }).verify(opaqueToken());
    expect((await lastAssertion(publicKey)).protectedHeader.alg).toBe('PS256');
  });

  it('answers 503 when the platform refuses the key, and sends nothing', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = privateKey.export({ format: 'jwk' });
    // A point that is not on the curve: shape checks pass, Web Crypto's import refuses it.
    const broken = { ...jwk, x: Buffer.alloc(32, 1).toString('base64url') };
    const error = await rejectionOf(
      verifierWith({ privateKey: broken as never }).verify(opaqueToken()),
    );
    expect(error).toMatchObject({ code: 'INTROSPECTION_UNAVAILABLE', status: 503 });
    expect(server.seen).toHaveLength(0);
  });
});

describe('private_key_jwt options', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const build = (clientAuth: Record<string, unknown>) => () =>
    introspectionIssuer(
      issuerOptions(server, {
        clientAuth: { method: 'private_key_jwt', ...clientAuth } as Auth,
      }),
    );
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['a public KeyObject', { privateKey: rsa.publicKey }, /must be a private key/],
    ['a public JWK', { privateKey: rsa.publicKey.export({ format: 'jwk' }) }, /private JWK/],
    [
      'an RSA key under 2048 bits',
      { privateKey: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey },
      /at least 2048 bits/,
    ],
    ['an RSA key for ES256', { privateKey: rsa.privateKey, alg: 'ES256' }, /cannot sign ES256/],
    ['HS256', { privateKey: rsa.privateKey, alg: 'HS256' }, /clientAuth\.alg must be one of/],
    [
      'a JWK whose alg disagrees',
      { privateKey: { ...rsa.privateKey.export({ format: 'jwk' }), alg: 'RS512' }, alg: 'RS256' },
      /is for RS512, not RS256/,
    ],
    [
      'an encryption key',
      { privateKey: { ...rsa.privateKey.export({ format: 'jwk' }), use: 'enc' } },
      /use "enc"/,
    ],
    ['a string', { privateKey: 'pem text' }, /private JWK, a CryptoKey or a KeyObject/],
    ['an unknown member', { privateKey: rsa.privateKey, secret: 'x' }, /unknown option "secret"/],
  ];
  it.each(cases)('refuses %s with a TypeError at creation', (_name, auth, message) => {
    expect(build(auth)).toThrow(TypeError);
    expect(build(auth)).toThrow(message);
  });

  it('refuses a CryptoKey that cannot sign', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as KeyPair;
    expect(build({ privateKey: pair.publicKey })).toThrow(/private CryptoKey usable to sign/);
    expect(build({ privateKey: pair.privateKey, alg: 'ES384' })).toThrow(/cannot sign ES384/);
  });
});
