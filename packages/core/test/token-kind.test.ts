// RFC 9068 access tokens are typed `at+jwt`; `typ` is a media type (RFC 7515 §4.1.9), so an
// IdP may write it with parameters (RFC 9110 §8.3.1) or stray whitespace. Such a token is still
// an access token: it must never pass as an ID token where only ID tokens are accepted.
import { createVerifier, googleIssuer, oidcIssuer } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf } from './helpers.js';

const SHARED = 'shared-client';
let idp: TestIssuer;
beforeAll(async () => {
  idp = await createTestIssuer({ kind: 'oidc', alg: 'ES256', clientId: SHARED, audience: SHARED });
});
afterAll(() => idp.close());

const TYPS = [
  'application/at+jwt; charset=utf-8',
  'AT+JWT;profile=rfc9068',
  ' at+jwt',
  'at+jwt\t',
  'application/at+jwt ;q=1',
];

describe('access-token typ with media-type parameters or whitespace', () => {
  it.each(TYPS)('%j is an access token: refused where only ID tokens are accepted', async (typ) => {
    const token = await idp.accessToken({ header: { typ } });
    const idOnly = createVerifier({
      issuers: [
        oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: SHARED, tokenUse: 'id' }),
      ],
    });
    expect((await rejectionOf(idOnly.verify(token))).code).toBe('TOKEN_USE_MISMATCH');
    const both = createVerifier({
      issuers: [
        oidcIssuer({
          issuer: idp.issuer,
          jwksUri: idp.jwksUri,
          audience: SHARED,
          tokenUse: 'both',
        }),
      ],
    });
    expect(await both.verify(token)).toMatchObject({ tokenUse: 'access' });
  });

  it.each(TYPS)('%j is refused by a sign-in preset (ID tokens only)', async (typ) => {
    const google = createVerifier({
      issuers: [
        googleIssuer({
          clientId: SHARED,
          issuerOverride: idp.issuer,
          jwks: idp.jwks(),
          algorithms: ['ES256'],
        }),
      ],
    });
    const token = await idp.idToken({ header: { typ }, claims: { aud: SHARED } });
    expect((await rejectionOf(google.verify(token))).code).toBe('TOKEN_USE_MISMATCH');
    // The same token typed as a plain JWT is an ID token, and passes.
    const plain = await idp.idToken({ header: { typ: 'JWT' }, claims: { aud: SHARED } });
    expect(await google.verify(plain)).toMatchObject({ tokenUse: 'id' });
  });
});
