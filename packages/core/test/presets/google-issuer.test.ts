import { createVerifier } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleIssuer, type GoogleIssuerOptions } from '@tokengate/core';
import { nowSeconds, rejectionOf } from '../helpers.js';
import { expectIdTokensOnly } from './token-use-cases.js';

const CLIENT = '1234987819200.apps.googleusercontent.com';

let idp: TestIssuer;
beforeAll(async () => {
  idp = await createTestIssuer({ kind: 'oidc', issuer: 'https://accounts.google.com' });
});
afterAll(() => idp.close());

function verifierFor(options: Partial<GoogleIssuerOptions> = {}) {
  return createVerifier({
    issuers: [googleIssuer({ clientId: CLIENT, jwksUri: idp.jwksUri, ...options })],
  });
}

/** An ID token as https://developers.google.com/identity/openid-connect/openid-connect shows it. */
function idToken(extra: Record<string, unknown> = {}) {
  const now = nowSeconds();
  return {
    iss: 'https://accounts.google.com',
    azp: CLIENT,
    aud: CLIENT,
    sub: '10769150350006150715113082367',
    at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q',
    hd: 'example.com',
    email: 'jsmith@example.com',
    email_verified: 'true',
    iat: now,
    exp: now + 3600,
    nonce: '0394852-3190485-2490358',
    ...extra,
  };
}

describe('googleIssuer', () => {
  it('accepts both issuer forms with one key set', () => {
    const issuer = googleIssuer({ clientId: CLIENT });
    expect(issuer.kind).toBe('google');
    expect(issuer.audience).toEqual([CLIENT]);
    expect(issuer.endpoints).toEqual([
      {
        issuer: 'https://accounts.google.com',
        jwksUri: 'https://www.googleapis.com/oauth2/v3/certs',
      },
      { issuer: 'accounts.google.com', jwksUri: 'https://www.googleapis.com/oauth2/v3/certs' },
    ]);
  });

  it('verifies ID tokens under either issuer form', async () => {
    const verifier = verifierFor();
    for (const iss of ['https://accounts.google.com', 'accounts.google.com']) {
      const result = await verifier.verify(await idp.sign(idToken({ iss })));
      expect(result).toMatchObject({
        issuer: iss,
        subject: '10769150350006150715113082367',
        clientId: CLIENT,
        tokenUse: 'id',
        scopes: [],
        groups: [],
      });
    }
    const slash = await idp.sign(idToken({ iss: 'https://accounts.google.com/' }));
    expect((await rejectionOf(verifier.verify(slash))).code).toBe('ISSUER_UNKNOWN');
  });

  it('names the presenting client (azp) when it differs from the audience', async () => {
    const android = await idp.sign(
      idToken({ azp: '1234987819200-android.apps.googleusercontent.com' }),
    );
    expect((await verifierFor().verify(android)).clientId).toBe(
      '1234987819200-android.apps.googleusercontent.com',
    );
    const noAzp = await idp.sign(idToken({ azp: undefined }));
    expect((await verifierFor().verify(noAzp)).clientId).toBe(CLIENT);
  });

  it('refuses tokens for another client', async () => {
    const token = await idp.sign(idToken({ aud: 'someone-else.apps.googleusercontent.com' }));
    expect((await rejectionOf(verifierFor().verify(token))).code).toBe('AUDIENCE_MISMATCH');
  });

  it('checks hd against hostedDomain', async () => {
    const verifier = verifierFor({ hostedDomain: ['example.com', 'example.org'] });
    await expect(verifier.verify(await idp.sign(idToken()))).resolves.toBeDefined();
    const other = await idp.sign(idToken({ hd: 'evil.example' }));
    expect((await rejectionOf(verifier.verify(other))).code).toBe('CLAIM_INVALID');
    const consumer = await idp.sign(idToken({ hd: undefined, email: 'jsmith@gmail.com' }));
    expect((await rejectionOf(verifier.verify(consumer))).code).toBe('CLAIM_MISSING');
    await expect(verifierFor().verify(consumer)).resolves.toBeDefined();
    const wrongType = await idp.sign(idToken({ hd: ['example.com'] }));
    expect((await rejectionOf(verifier.verify(wrongType))).code).toBe('CLAIM_INVALID');
  });

  it('with issuerOverride accepts only that issuer', async () => {
    const verifier = verifierFor({ issuerOverride: 'http://127.0.0.1:9/google' });
    const real = await idp.sign(idToken());
    expect((await rejectionOf(verifier.verify(real))).code).toBe('ISSUER_UNKNOWN');
    const bare = await idp.sign(idToken({ iss: 'accounts.google.com' }));
    expect((await rejectionOf(verifier.verify(bare))).code).toBe('ISSUER_UNKNOWN');
    const local = await idp.sign(idToken({ iss: 'http://127.0.0.1:9/google' }));
    await expect(verifier.verify(local)).resolves.toMatchObject({ tokenUse: 'id' });
  });

  it('is for ID tokens only: tokenUse is id alone, declared access tokens are refused', async () => {
    await expectIdTokensOnly(
      verifierFor,
      (tokenUse) => googleIssuer({ clientId: CLIENT, tokenUse } as never),
      (claims, header) => idp.sign(idToken(claims), header === undefined ? {} : { header }),
    );
  });

  it('rejects bad options with TypeError at creation', () => {
    const make = (options: unknown) => () => googleIssuer(options as GoogleIssuerOptions);
    expect(make({})).toThrow(/clientId/);
    expect(make({ clientId: [''] })).toThrow(TypeError);
    expect(make({ clientId: CLIENT, hostedDomain: 'https://example.com' })).toThrow(/hostedDomain/);
    expect(make({ clientId: CLIENT, hostedDomain: [] })).toThrow(TypeError);
  });
});

describe('docs/recipes/google-sign-in.md', () => {
  it('runs the recipe against a local issuer', async () => {
    const verifier = createVerifier({
      issuers: [
        googleIssuer({ clientId: CLIENT, hostedDomain: 'example.com', jwksUri: idp.jwksUri }),
      ],
    });
    const auth = await verifier.verify(await idp.sign(idToken()));
    expect(auth.subject).toBe('10769150350006150715113082367');
    const personal = await idp.sign(idToken({ hd: undefined }));
    expect((await rejectionOf(verifier.verify(personal))).code).toBe('CLAIM_MISSING');
  });
});
