import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDpopKey, createTestIssuer } from '../src/index.js';
import type { DpopKey, TestIssuer, TokenOptions } from '../src/index.js';
import {
  certificatePem,
  certificateThumbprintOf,
  selfSignedCertificate,
} from '../../../test/support/x509.js';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const CERTIFICATE = selfSignedCertificate(privateKey, publicKey, 'orders-worker');
const X5T = certificateThumbprintOf(CERTIFICATE);

describe.each(['oidc', 'cognito'] as const)('sender-constrained tokens, %s kind', (kind) => {
  let issuer: TestIssuer;
  let key: DpopKey;
  beforeAll(async () => {
    [issuer, key] = await Promise.all([createTestIssuer({ kind }), createDpopKey()]);
  });
  afterAll(() => issuer.close());

  async function claimsOf(token: string): Promise<Record<string, unknown>> {
    const jwks = createRemoteJWKSet(new URL(issuer.jwksUri));
    const { payload } = await jwtVerify(token, jwks, { issuer: issuer.issuer });
    return payload;
  }

  it('dpop: a key binds the token to its thumbprint (RFC 9449 §6.1)', async () => {
    const claims = await claimsOf(await issuer.accessToken({ dpop: key, scopes: ['a'] }));
    expect(claims['cnf']).toStrictEqual({ jkt: key.thumbprint });
    expect(claims['scope']).toBe('a');
    const m2m = await claimsOf(await issuer.m2mToken({ dpop: key }));
    expect(m2m['cnf']).toStrictEqual({ jkt: key.thumbprint });
  });

  it('dpop: { jkt } binds to a thumbprint computed elsewhere', async () => {
    const other = await createDpopKey({ alg: 'EdDSA' });
    const claims = await claimsOf(await issuer.accessToken({ dpop: { jkt: other.thumbprint } }));
    expect(claims['cnf']).toStrictEqual({ jkt: other.thumbprint });
  });

  it('certificate: PEM, DER, X509 or { x5tS256 } give cnf["x5t#S256"] (RFC 8705 §3.1)', async () => {
    for (const certificate of [
      CERTIFICATE,
      certificatePem(CERTIFICATE),
      new X509Certificate(CERTIFICATE),
      { x5tS256: X5T },
    ]) {
      const claims = await claimsOf(await issuer.accessToken({ certificate }));
      expect(claims['cnf']).toStrictEqual({ 'x5t#S256': X5T });
    }
    const m2m = await claimsOf(await issuer.m2mToken({ certificate: CERTIFICATE }));
    expect(m2m['cnf']).toStrictEqual({ 'x5t#S256': X5T });
  });

  it('tokens stay bearer tokens without dpop or certificate', async () => {
    expect(await claimsOf(await issuer.accessToken())).not.toHaveProperty('cnf');
    expect(await claimsOf(await issuer.idToken())).not.toHaveProperty('cnf');
  });

  it('claims.cnf still wins, so a test can mint a broken or mixed cnf on purpose', async () => {
    const mixed = { jkt: key.thumbprint, 'x5t#S256': X5T };
    expect(
      (await claimsOf(await issuer.accessToken({ dpop: key, claims: { cnf: mixed } })))['cnf'],
    ).toStrictEqual(mixed);
    expect(
      await claimsOf(await issuer.accessToken({ dpop: key, claims: { cnf: undefined } })),
    ).not.toHaveProperty('cnf');
  });

  it('refuses bindings that make no sense with TypeError', async () => {
    const cases: ['accessToken' | 'idToken' | 'm2mToken', unknown][] = [
      ['idToken', { dpop: key }],
      ['idToken', { certificate: CERTIFICATE }],
      ['accessToken', { dpop: key, certificate: CERTIFICATE }],
      ['accessToken', { dpop: { jkt: 'short' } }],
      ['accessToken', { dpop: { jkt: `${key.thumbprint}=` } }],
      ['accessToken', { dpop: { thumbprint: 42 } }],
      ['accessToken', { dpop: 'thumbprint' }],
      ['accessToken', { certificate: { x5tS256: 'AA' } }],
      ['accessToken', { certificate: X5T }], // a thumbprint string is not a PEM certificate
      ['m2mToken', { certificate: new Uint8Array([1, 2, 3]) }],
    ];
    for (const [mint, options] of cases) {
      await expect(
        issuer[mint](options as TokenOptions),
        `${mint} ${String(options)}`,
      ).rejects.toThrow(TypeError);
    }
  });
});
