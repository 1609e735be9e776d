import { createVerifier } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appleIssuer, type AppleIssuerOptions } from '@tokengate/core';
import { nowSeconds, rejectionOf } from '../helpers.js';
import { expectIdTokensOnly } from './token-use-cases.js';

const ISS = 'https://appleid.apple.com';

let idp: TestIssuer;
beforeAll(async () => {
  idp = await createTestIssuer({ kind: 'oidc', issuer: ISS });
});
afterAll(() => idp.close());

function verifierFor(options: Partial<AppleIssuerOptions> = {}) {
  return createVerifier({
    issuers: [appleIssuer({ clientId: 'com.example.app', jwksUri: idp.jwksUri, ...options })],
  });
}

/** An identity token with the claims Apple's "Authenticating users with Sign in with Apple" lists. */
function identityToken(extra: Record<string, unknown> = {}) {
  const now = nowSeconds();
  return {
    iss: ISS,
    aud: 'com.example.app',
    exp: now + 600,
    iat: now,
    sub: '001234.5a8f4e6b1c2d4e3f9a0b1c2d3e4f5a6b.1234',
    c_hash: 'zA8QazV3nm9pEr5vVqEC0A',
    email: 'abcdef1234@privaterelay.appleid.com',
    email_verified: 'true',
    is_private_email: 'true',
    auth_time: now - 5,
    nonce_supported: true,
    ...extra,
  };
}

describe('appleIssuer', () => {
  it('uses Apple issuer, key set and RS256', () => {
    const issuer = appleIssuer({ clientId: 'com.example.app' });
    expect(issuer).toMatchObject({
      kind: 'apple',
      algorithms: ['RS256'],
      audience: ['com.example.app'],
    });
    expect(issuer.endpoints).toEqual([
      { issuer: ISS, jwksUri: 'https://appleid.apple.com/auth/keys' },
    ]);
  });

  it('verifies an identity token for the app', async () => {
    const result = await verifierFor().verify(await idp.sign(identityToken()));
    expect(result).toMatchObject({
      subject: '001234.5a8f4e6b1c2d4e3f9a0b1c2d3e4f5a6b.1234',
      clientId: 'com.example.app',
      tokenUse: 'id',
      scopes: [],
      groups: [],
    });
  });

  it('accepts any of several client ids and refuses others', async () => {
    const web = await idp.sign(identityToken({ aud: 'com.example.web' }));
    expect((await rejectionOf(verifierFor().verify(web))).code).toBe('AUDIENCE_MISMATCH');
    const both = verifierFor({ clientId: ['com.example.app', 'com.example.web'] });
    expect((await both.verify(web)).clientId).toBe('com.example.web');
  });

  it('is for ID tokens only: tokenUse is id alone, declared access tokens are refused', async () => {
    await expectIdTokensOnly(
      verifierFor,
      (tokenUse) => appleIssuer({ clientId: 'com.example.app', tokenUse } as never),
      (claims, header) => idp.sign(identityToken(claims), header === undefined ? {} : { header }),
    );
  });

  it('rejects bad options with TypeError at creation', () => {
    expect(() => appleIssuer({} as AppleIssuerOptions)).toThrow(/clientId/);
    expect(() => appleIssuer({ clientId: '' })).toThrow(TypeError);
  });
});
