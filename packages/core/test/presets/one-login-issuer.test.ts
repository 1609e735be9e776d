import { anyGroup, authorize, createVerifier } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneLoginIssuer, type OneLoginIssuerOptions } from '@tokengate/core';
import { nowSeconds, rejectionOf } from '../helpers.js';
import { expectTokenUseContract } from './token-use-cases.js';

const ISS = 'https://example.onelogin.com/oidc/2';
const CLIENT = '0a1b2c3d-4e5f-6789-abcd-ef0123456789';

let idp: TestIssuer;
beforeAll(async () => {
  idp = await createTestIssuer({ kind: 'oidc', issuer: ISS });
});
afterAll(() => idp.close());

function verifierFor(options: Partial<OneLoginIssuerOptions> = {}) {
  return createVerifier({
    issuers: [
      oneLoginIssuer({ subdomain: 'example', audience: CLIENT, jwksUri: idp.jwksUri, ...options }),
    ],
  });
}

/** A OneLogin v2 JWT access token with the app's "Groups" claim turned on. */
function accessToken(extra: Record<string, unknown> = {}) {
  const now = nowSeconds();
  return {
    jti: 'xjz2VMXh1Yp8rZpUOcOf4',
    sub: '54400533',
    iss: ISS,
    iat: now,
    exp: now + 3600,
    scope: 'openid profile groups',
    aud: CLIENT,
    client_id: CLIENT,
    groups: ['Engineering', 'Admins'],
    ...extra,
  };
}

describe('oneLoginIssuer', () => {
  it('builds the v2 issuer and its /certs key set', () => {
    const issuer = oneLoginIssuer({ subdomain: 'Example', audience: CLIENT });
    expect(issuer.kind).toBe('onelogin');
    expect(issuer.endpoints).toEqual([{ issuer: ISS, jwksUri: `${ISS}/certs` }]);
  });

  it('verifies an access token with groups', async () => {
    const result = await verifierFor().verify(await idp.sign(accessToken()));
    expect(result).toMatchObject({
      subject: '54400533',
      clientId: CLIENT,
      scopes: ['openid', 'profile', 'groups'],
      groups: ['Engineering', 'Admins'],
    });
    expect(() => authorize(result, anyGroup('Admins'))).not.toThrow();
  });

  it('tells ID tokens from access tokens when they share the aud (the client id)', async () => {
    const now = nowSeconds();
    // A OneLogin v2 ID token: nonce, at_hash, sid, no scope and no client_id.
    const idToken = {
      sub: '54400533',
      email: 'alice@example.com',
      preferred_username: 'alice',
      name: 'Alice Liddell',
      groups: ['Engineering', 'Admins'],
      sid: 'b1f0a3e2-5c4d-4e6f-8a9b-0c1d2e3f4a5b',
      at_hash: 'Bz1EuFKvA5t4S2eT8k3wLw',
      nonce: 'n-0S6_WzA2Mj',
      aud: CLIENT,
      iss: ISS,
      iat: now,
      exp: now + 3600,
    };
    await expectTokenUseContract(verifierFor, {
      access: await idp.sign(accessToken()),
      id: await idp.sign(idToken),
    });
    const bare = await idp.sign({ ...idToken, nonce: undefined, at_hash: undefined });
    expect((await rejectionOf(verifierFor().verify(bare))).code).toBe('TOKEN_USE_MISMATCH');
    expect(await verifierFor().verify(await idp.sign(accessToken()))).toMatchObject({
      tokenUse: 'access',
      groups: ['Engineering', 'Admins'],
    });
  });

  it('refuses the v1 issuer and other audiences', async () => {
    const v1 = await idp.sign(accessToken({ iss: 'https://openid-connect.onelogin.com/oidc' }));
    expect((await rejectionOf(verifierFor().verify(v1))).code).toBe('ISSUER_UNKNOWN');
    const other = await idp.sign(accessToken({ aud: 'another-app' }));
    expect((await rejectionOf(verifierFor().verify(other))).code).toBe('AUDIENCE_MISMATCH');
  });

  it('rejects bad options with TypeError at creation', () => {
    const make = (options: unknown) => () => oneLoginIssuer(options as OneLoginIssuerOptions);
    expect(make({ subdomain: 'example.onelogin.com', audience: CLIENT })).toThrow(/subdomain/);
    expect(make({ subdomain: 'https://example', audience: CLIENT })).toThrow(TypeError);
    expect(make({ subdomain: 'example' })).toThrow(/audience is required/);
    expect(make({ subdomain: 'example', audience: CLIENT, tokenUse: 'refresh' })).toThrow(
      /tokenUse/,
    );
  });
});
