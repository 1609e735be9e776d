import { allScopes, anyGroup, authorize, createVerifier } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oktaIssuer, type OktaIssuerOptions } from '@tokengate/core';
import { nowSeconds, rejectionOf } from '../helpers.js';
import { expectTokenUseContract } from './token-use-cases.js';

const DOMAIN = 'dev-123456.okta.com';
const ISS = 'https://dev-123456.okta.com/oauth2/default';

let idp: TestIssuer;
beforeAll(async () => {
  idp = await createTestIssuer({ kind: 'oidc', issuer: ISS });
});
afterAll(() => idp.close());

function verifierFor(options: Partial<OktaIssuerOptions> = {}) {
  return createVerifier({
    issuers: [
      oktaIssuer({ domain: DOMAIN, audience: 'api://default', jwksUri: idp.jwksUri, ...options }),
    ],
  });
}

/** An access token as https://developer.okta.com/docs/reference/api/oidc/#access-token shows it. */
function accessToken(extra: Record<string, unknown> = {}) {
  const now = nowSeconds();
  return {
    ver: 1,
    jti: 'AT.0mP4JKAZX1iACIT4vbEDF7LpvDVjxypPMf0D7uX39RE',
    iss: ISS,
    aud: 'api://default',
    sub: 'alice@example.com',
    iat: now,
    exp: now + 3600,
    cid: 'nmdP1fcyvdVO11AL7ECm',
    uid: '00ujmkLgagxeRrAg20g3',
    scp: ['openid', 'email', 'flights', 'custom'],
    auth_time: now - 60,
    groups: ['Everyone', 'Pilots'],
    ...extra,
  };
}

describe('oktaIssuer', () => {
  it('builds custom and org authorization server endpoints', () => {
    expect(oktaIssuer({ domain: DOMAIN, audience: 'api://default' }).endpoints).toEqual([
      { issuer: ISS, jwksUri: `${ISS}/v1/keys` },
    ]);
    expect(
      oktaIssuer({ domain: DOMAIN, authorizationServerId: 'aus1a2b3c4d5e6f7g8h9', audience: 'x' })
        .endpoints,
    ).toEqual([
      {
        issuer: 'https://dev-123456.okta.com/oauth2/aus1a2b3c4d5e6f7g8h9',
        jwksUri: 'https://dev-123456.okta.com/oauth2/aus1a2b3c4d5e6f7g8h9/v1/keys',
      },
    ]);
    const org = oktaIssuer({ domain: DOMAIN, authorizationServerId: null, audience: 'x' });
    expect(org.endpoints).toEqual([
      {
        issuer: 'https://dev-123456.okta.com',
        jwksUri: 'https://dev-123456.okta.com/oauth2/v1/keys',
      },
    ]);
    expect(org.kind).toBe('okta');
  });

  it('verifies an access token: scopes from scp, client from cid, groups, uid kept in claims', async () => {
    const result = await verifierFor().verify(await idp.sign(accessToken()));
    expect(result).toMatchObject({
      subject: 'alice@example.com',
      clientId: 'nmdP1fcyvdVO11AL7ECm',
      tokenUse: 'access',
      scopes: ['openid', 'email', 'flights', 'custom'],
      groups: ['Everyone', 'Pilots'],
    });
    expect(result.claims['uid']).toBe('00ujmkLgagxeRrAg20g3');
    expect(() => authorize(result, allScopes('flights'))).not.toThrow();
    expect(() => authorize(result, anyGroup('Pilots'))).not.toThrow();
  });

  it('reads an ID token of the org server, which has no cid', async () => {
    const now = nowSeconds();
    const orgToken = await idp.sign({
      sub: '00uid4BxXw6I6TV4m0g3',
      ver: 1,
      iss: 'https://dev-123456.okta.com',
      aud: 'uAaunofWkaDJxukCFeBx',
      iat: now,
      exp: now + 3600,
      jti: 'ID.4eAWJOCMB3SX8XewDfVR',
      amr: ['pwd'],
      idp: '00oid4BxXw6I6TV4m0g3',
      nonce: 'n-0S6_WzA2Mj',
      auth_time: now - 10,
    });
    const verifier = createVerifier({
      issuers: [
        oktaIssuer({
          domain: DOMAIN,
          authorizationServerId: null,
          audience: 'uAaunofWkaDJxukCFeBx',
          jwksUri: idp.jwksUri,
        }),
      ],
    });
    expect((await rejectionOf(verifier.verify(orgToken))).code).toBe('TOKEN_USE_MISMATCH');
    const idVerifier = createVerifier({
      issuers: [
        oktaIssuer({
          domain: DOMAIN,
          authorizationServerId: null,
          audience: 'uAaunofWkaDJxukCFeBx',
          jwksUri: idp.jwksUri,
          tokenUse: 'id',
        }),
      ],
    });
    expect(await idVerifier.verify(orgToken)).toMatchObject({
      subject: '00uid4BxXw6I6TV4m0g3',
      clientId: undefined,
      tokenUse: 'id',
      scopes: [],
    });
    // A token of the default server is not one of the org server's, and the other way round.
    const defaultServerToken = await idp.sign(accessToken({ aud: 'uAaunofWkaDJxukCFeBx' }));
    expect((await rejectionOf(verifier.verify(defaultServerToken))).code).toBe('ISSUER_UNKNOWN');
    expect((await rejectionOf(verifierFor().verify(orgToken))).code).toBe('ISSUER_UNKNOWN');
  });

  it('tells ID tokens (no cid, no scp) from access tokens when they share the aud', async () => {
    const now = nowSeconds();
    // https://developer.okta.com/docs/reference/api/oidc/#id-token, `aud` the API's too.
    const idToken = {
      sub: '00uid4BxXw6I6TV4m0g3',
      name: 'John Doe',
      email: 'john.doe@example.com',
      ver: 1,
      iss: ISS,
      aud: 'api://default',
      iat: now,
      exp: now + 3600,
      jti: 'ID.4eAWJOCMB3SX8XewDfVR',
      amr: ['pwd'],
      idp: '00oid4BxXw6I6TV4m0g3',
      nonce: 'n-0S6_WzA2Mj',
      preferred_username: 'john.doe@example.com',
      auth_time: now - 10,
      at_hash: 'preRktE9-mk6RtgHeMJtEQ',
      groups: ['Everyone', 'Pilots'],
    };
    await expectTokenUseContract(verifierFor, {
      access: await idp.sign(accessToken()),
      id: await idp.sign(idToken),
    });
    // Neither cid nor scp, and no nonce or at_hash either: still not an access token.
    const bare = await idp.sign({ ...idToken, nonce: undefined, at_hash: undefined });
    expect((await rejectionOf(verifierFor().verify(bare))).code).toBe('TOKEN_USE_MISMATCH');
  });

  it('refuses tokens for another audience', async () => {
    const token = await idp.sign(accessToken({ aud: 'api://other' }));
    expect((await rejectionOf(verifierFor().verify(token))).code).toBe('AUDIENCE_MISMATCH');
    await expect(verifierFor({ audience: ['api://other'] }).verify(token)).resolves.toBeDefined();
  });

  it('with issuerOverride and no jwksUri, finds keys through discovery of the override', async () => {
    const local = await createTestIssuer({ kind: 'oidc' });
    try {
      const verifier = createVerifier({
        issuers: [
          oktaIssuer({ domain: DOMAIN, audience: 'api://default', issuerOverride: local.issuer }),
        ],
      });
      const result = await verifier.verify(await local.sign(accessToken({ iss: local.issuer })));
      expect(result.clientId).toBe('nmdP1fcyvdVO11AL7ECm');
      expect(local.stats.discoveryRequests).toBe(1);
      const real = await idp.sign(accessToken());
      expect((await rejectionOf(verifier.verify(real))).code).toBe('ISSUER_UNKNOWN');
    } finally {
      await local.close();
    }
  });

  it('rejects bad options with TypeError at creation', () => {
    const make = (options: unknown) => () => oktaIssuer(options as OktaIssuerOptions);
    expect(make({ domain: `https://${DOMAIN}`, audience: 'x' })).toThrow(/host name/);
    expect(
      make({ domain: DOMAIN, audience: 'x', authorizationServerId: 'oauth2/default' }),
    ).toThrow(/authorizationServerId/);
    expect(make({ domain: DOMAIN, audience: 'x', authorizationServerId: '' })).toThrow(TypeError);
    expect(make({ domain: DOMAIN })).toThrow(/audience is required/);
    expect(make({ domain: DOMAIN, audience: 'x', tokenUse: 'all' })).toThrow(/tokenUse/);
    expect(make({ domain: DOMAIN, audience: 'x', issuerOverride: 'not a url' })).toThrow(
      /issuerOverride/,
    );
  });
});

describe('docs/recipes/okta.md', () => {
  it('runs the recipe against a local issuer', async () => {
    const verifier = createVerifier({
      issuers: [oktaIssuer({ domain: DOMAIN, audience: 'api://default', jwksUri: idp.jwksUri })],
    });
    const auth = await verifier.verify(await idp.sign(accessToken({ scp: ['orders:read'] })));
    expect(() => authorize(auth, allScopes('orders:read'))).not.toThrow();
    expect(() => authorize(auth, allScopes('orders:write'))).toThrow(
      expect.objectContaining({ code: 'SCOPE_INSUFFICIENT' }),
    );
  });
});
