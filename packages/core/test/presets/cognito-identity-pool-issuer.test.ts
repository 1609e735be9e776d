import { createVerifier } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cognitoIdentityPoolIssuer, type CognitoIdentityPoolIssuerOptions } from '@tokengate/core';
import { nowSeconds, rejectionOf } from '../helpers.js';
import { expectIdTokensOnly } from './token-use-cases.js';

const ISS = 'https://cognito-identity.amazonaws.com';
const POOL = 'us-east-1:0f5d2f1a-8c8e-4a4b-9c57-3f3d2e1b0a99';
const IDENTITY = 'us-east-1:5a0c3b2e-1d4f-4e6a-8b7c-9d0e1f2a3b4c';

let idp: TestIssuer;
beforeAll(async () => {
  // The identity pool key set publishes RS512 keys.
  idp = await createTestIssuer({ kind: 'oidc', issuer: ISS, alg: 'RS512' });
});
afterAll(() => idp.close());

function verifierFor(options: Partial<CognitoIdentityPoolIssuerOptions> = {}) {
  return createVerifier({
    issuers: [
      cognitoIdentityPoolIssuer({ identityPoolId: POOL, jwksUri: idp.jwksUri, ...options }),
    ],
  });
}

/** A GetOpenIdToken token of an identity that signed in through a user pool. */
function openIdToken(extra: Record<string, unknown> = {}) {
  const now = nowSeconds();
  return {
    sub: IDENTITY,
    aud: POOL,
    amr: [
      'authenticated',
      'cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123',
      'cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123:CognitoSignIn:7d0b8c5e-2f3a-4c1b-9e6d-5a4f3b2c1d0e',
    ],
    iss: ISS,
    exp: now + 600,
    iat: now,
    ...extra,
  };
}

describe('cognitoIdentityPoolIssuer', () => {
  it('uses the global issuer, its jwks_uri and RS512', () => {
    const issuer = cognitoIdentityPoolIssuer({ identityPoolId: POOL, region: 'us-east-1' });
    expect(issuer).toMatchObject({
      kind: 'cognito-identity',
      algorithms: ['RS512'],
      audience: POOL,
    });
    expect(issuer.endpoints).toEqual([
      { issuer: ISS, jwksUri: 'https://cognito-identity.amazonaws.com/.well-known/jwks_uri' },
    ]);
  });

  it('verifies an authenticated identity token: subject is the identity id, nothing else', async () => {
    const result = await verifierFor().verify(await idp.sign(openIdToken()));
    expect(result).toMatchObject({
      subject: IDENTITY,
      clientId: undefined,
      tokenUse: 'id',
      scopes: [],
      groups: [],
    });
  });

  it('refuses guest identities unless allowUnauthenticated', async () => {
    const guest = await idp.sign(openIdToken({ amr: ['unauthenticated'] }));
    expect((await rejectionOf(verifierFor().verify(guest))).code).toBe('CLAIM_INVALID');
    await expect(verifierFor({ allowUnauthenticated: true }).verify(guest)).resolves.toBeDefined();
    const noAmr = await idp.sign(openIdToken({ amr: 'authenticated' }));
    expect((await rejectionOf(verifierFor().verify(noAmr))).code).toBe('CLAIM_INVALID');
  });

  it('refuses another pool and RS256 signatures', async () => {
    const other = await idp.sign(
      openIdToken({ aud: 'us-east-1:11111111-2222-4333-8444-555555555555' }),
    );
    expect((await rejectionOf(verifierFor().verify(other))).code).toBe('AUDIENCE_MISMATCH');
    const rs256 = await idp.sign(openIdToken(), { alg: 'RS256' });
    expect((await rejectionOf(verifierFor().verify(rs256))).code).toBe('ALG_NOT_ALLOWED');
  });

  it('is for ID tokens only: tokenUse is id alone, declared access tokens are refused', async () => {
    await expectIdTokensOnly(
      verifierFor,
      (tokenUse) => cognitoIdentityPoolIssuer({ identityPoolId: POOL, tokenUse } as never),
      (claims, header) => idp.sign(openIdToken(claims), header === undefined ? {} : { header }),
    );
  });

  it('rejects bad options with TypeError at creation', () => {
    const make = (options: unknown) => () =>
      cognitoIdentityPoolIssuer(options as CognitoIdentityPoolIssuerOptions);
    expect(make({ identityPoolId: 'us-east-1_AbCdEf123' })).toThrow(/<region>:<guid>/);
    expect(make({ identityPoolId: '0f5d2f1a-8c8e-4a4b-9c57-3f3d2e1b0a99' })).toThrow(TypeError);
    expect(make({ identityPoolId: POOL, region: 'eu-west-1' })).toThrow(/region/);
    expect(make({})).toThrow(/identityPoolId/);
  });
});
