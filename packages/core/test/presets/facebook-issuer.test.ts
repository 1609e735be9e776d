import { createVerifier } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { facebookIssuer, type FacebookIssuerOptions } from '@tokengate/core';
import { nowSeconds, rejectionOf } from '../helpers.js';
import { expectIdTokensOnly } from './token-use-cases.js';

const ISS = 'https://www.facebook.com';
const APP = '1234567890123456';

let idp: TestIssuer;
beforeAll(async () => {
  idp = await createTestIssuer({ kind: 'oidc', issuer: ISS });
});
afterAll(() => idp.close());

function verifierFor(options: Partial<FacebookIssuerOptions> = {}) {
  return createVerifier({
    issuers: [facebookIssuer({ appId: APP, jwksUri: idp.jwksUri, ...options })],
  });
}

/** A Limited Login token with the claims Facebook's "Validating the Limited Login OIDC Token" lists. */
function limitedLoginToken(extra: Record<string, unknown> = {}) {
  const now = nowSeconds();
  return {
    iss: ISS,
    aud: APP,
    sub: '10158012345678901',
    iat: now,
    exp: now + 3600,
    jti: '2d8c0b9a-7e6f-4a5b-8c9d-0e1f2a3b4c5d',
    nonce: 'a1b2c3',
    name: 'Jane Doe',
    given_name: 'Jane',
    family_name: 'Doe',
    email: 'jane@example.com',
    picture: 'https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=10158012345678901',
    ...extra,
  };
}

describe('facebookIssuer', () => {
  it('uses the Limited Login key set', () => {
    const issuer = facebookIssuer({ appId: APP });
    expect(issuer).toMatchObject({ kind: 'facebook', algorithms: ['RS256'], audience: [APP] });
    expect(issuer.endpoints).toEqual([
      { issuer: ISS, jwksUri: 'https://limited.facebook.com/.well-known/oauth/openid/jwks/' },
    ]);
  });

  it('verifies a Limited Login token for the app', async () => {
    expect(await verifierFor().verify(await idp.sign(limitedLoginToken()))).toMatchObject({
      subject: '10158012345678901',
      clientId: APP,
      tokenUse: 'id',
      scopes: [],
      groups: [],
    });
  });

  it('refuses tokens for another app or from another issuer', async () => {
    const other = await idp.sign(limitedLoginToken({ aud: '6543210987654321' }));
    expect((await rejectionOf(verifierFor().verify(other))).code).toBe('AUDIENCE_MISMATCH');
    const limited = await idp.sign(limitedLoginToken({ iss: 'https://limited.facebook.com' }));
    expect((await rejectionOf(verifierFor().verify(limited))).code).toBe('ISSUER_UNKNOWN');
  });

  it('is for ID tokens only: tokenUse is id alone, declared access tokens are refused', async () => {
    await expectIdTokensOnly(
      verifierFor,
      (tokenUse) => facebookIssuer({ appId: APP, tokenUse } as never),
      (claims, header) =>
        idp.sign(limitedLoginToken(claims), header === undefined ? {} : { header }),
    );
  });

  it('rejects bad options with TypeError at creation', () => {
    const make = (options: unknown) => () => facebookIssuer(options as FacebookIssuerOptions);
    expect(make({ appId: 1234567890123456 })).toThrow(/appId/);
    expect(make({ appId: 'my-app' })).toThrow(/appId/);
    expect(make({ appId: [] })).toThrow(/appId/);
    expect(make({ appId: [APP, ''] })).toThrow(/appId/);
  });
});
