import { createVerifier, oidcIssuer, type OidcIssuerOptions } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf } from './helpers.js';
import { expectTokenUseContract } from './presets/token-use-cases.js';

// A front end and its API sharing one client id: the ID token's `aud` is the API's audience.
const SHARED = 'shared-client';

let idp: TestIssuer;
beforeAll(async () => {
  idp = await createTestIssuer({ kind: 'oidc', clientId: SHARED, audience: SHARED });
});
afterAll(() => idp.close());

function verifierFor(options: Partial<OidcIssuerOptions> = {}) {
  return createVerifier({
    issuers: [
      oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: SHARED, ...options }),
    ],
  });
}

describe('oidcIssuer tokenUse', () => {
  it('tells an ID token (nonce) from an RFC 9068 access token (typ at+jwt) with the same aud', async () => {
    await expectTokenUseContract(verifierFor, {
      access: await idp.accessToken(),
      id: await idp.idToken({ claims: { nonce: 'n-0S6_WzA2Mj' } }),
    });
  });

  it('reads at_hash, c_hash and token_use as ID-token markers too', async () => {
    for (const claims of [{ at_hash: 'x' }, { c_hash: 'y' }, { token_use: 'id' }]) {
      const token = await idp.idToken({ claims });
      expect((await rejectionOf(verifierFor().verify(token))).code).toBe('TOKEN_USE_MISMATCH');
    }
    // A declared access token stays one, whatever else it carries.
    const declared = await idp.idToken({ claims: { token_use: 'access' } });
    expect(await verifierFor().verify(declared)).toMatchObject({ tokenUse: 'access' });
  });

  it('reads typ as a media type (RFC 7515 §4.1.9)', async () => {
    const token = await idp.idToken({ header: { typ: 'application/AT+JWT' } });
    expect(await verifierFor().verify(token)).toMatchObject({ tokenUse: 'access' });
  });

  it('presumes an unmarked token is the accepted kind, refuses it under both, and typ at+jwt is strict', async () => {
    // No nonce, at_hash, c_hash, token_use or at+jwt: indistinguishable by its claims.
    const unmarked = await idp.idToken();
    expect(await verifierFor().verify(unmarked)).toMatchObject({ tokenUse: 'access' });
    expect(await verifierFor({ tokenUse: 'id' }).verify(unmarked)).toMatchObject({
      tokenUse: 'id',
    });
    const both = verifierFor({ tokenUse: 'both' });
    expect((await rejectionOf(both.verify(unmarked))).code).toBe('TOKEN_USE_MISMATCH');
    const strict = verifierFor({ typ: 'at+jwt' });
    expect((await rejectionOf(strict.verify(unmarked))).code).toBe('TYP_MISMATCH');
    expect(await strict.verify(await idp.accessToken())).toMatchObject({ tokenUse: 'access' });
  });

  it('rejects a bad tokenUse with TypeError at creation', () => {
    for (const tokenUse of ['refresh', 'ACCESS', null, ['access']]) {
      expect(() =>
        oidcIssuer({
          issuer: idp.issuer,
          audience: SHARED,
          tokenUse,
        } as unknown as OidcIssuerOptions),
      ).toThrow(/tokenUse/);
    }
  });
});
