import { allScopes, anyGroup, authorize, createVerifier } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entraIdIssuer, type EntraIdIssuerOptions } from '@tokengate/core';
import { nowSeconds, rejectionOf } from '../helpers.js';
import { expectTokenUseContract } from './token-use-cases.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const ISS = `https://login.microsoftonline.com/${TENANT}/v2.0`;
const API = '6e74172b-be56-4843-9ff4-e66a39bb12e3';

let idp: TestIssuer;
beforeAll(async () => {
  idp = await createTestIssuer({ kind: 'oidc', issuer: ISS });
});
afterAll(() => idp.close());

function verifierFor(options: Partial<EntraIdIssuerOptions> = {}) {
  return createVerifier({
    issuers: [entraIdIssuer({ tenantId: TENANT, audience: API, jwksUri: idp.jwksUri, ...options })],
  });
}

/**
 * The v2.0 access token of Microsoft's "Access token claims reference", plus app roles and
 * group ids as the app registration's token configuration adds them.
 */
function accessToken(extra: Record<string, unknown> = {}) {
  const now = nowSeconds();
  return {
    aud: API,
    iss: ISS,
    iat: now,
    nbf: now,
    exp: now + 3900,
    aio: 'AXQAi/8IAAAAtAaZLo3ChMif6KOnttRB7eBq4/DccQzjcJGxPYy/C3jDaNGxXd6wNIIVGRghNRnwJ1lOcAnNZcjvkoyrFxCttv33140RioOFJ4bCCGVuoCag1uOTT22222gHwLPYQ/uf79QX+0KIijdrmp69RctzmQ==',
    azp: API,
    azpacr: '0',
    name: 'Abe Lincoln',
    oid: '690222be-ff1a-4d56-abd1-7e4f7d38e474',
    preferred_username: 'abeli@microsoft.com',
    rh: 'I',
    scp: 'access_as_user Orders.Read',
    sub: 'HKZpfaHyWadeOouYlitjrI-KffTm222X5rrV3xDqfKQ',
    tid: TENANT,
    uti: 'fqiBqXLPj0eQa82S-IYFAA',
    ver: '2.0',
    roles: ['Orders.Admin'],
    groups: ['8b2ffb0e-6e9a-4a4f-8f0c-5d2d1c8e6f3a'],
    ...extra,
  };
}

/**
 * A v2.0 ID token as Microsoft's "ID token claims reference" shows it, for a SPA that shares
 * its app registration with the API: `aud` is the API's client id, app `roles` included.
 */
function idToken(extra: Record<string, unknown> = {}) {
  const now = nowSeconds();
  return {
    ver: '2.0',
    iss: ISS,
    sub: 'HKZpfaHyWadeOouYlitjrI-KffTm222X5rrV3xDqfKQ',
    aud: API,
    exp: now + 3600,
    iat: now,
    nbf: now,
    name: 'Abe Lincoln',
    preferred_username: 'abeli@microsoft.com',
    oid: '690222be-ff1a-4d56-abd1-7e4f7d38e474',
    tid: TENANT,
    nonce: '12345',
    aio: 'Df2UVXL1ix!lMCWMSOJBcFatzcGfvFGhjKv8q5g0x732dR5MB5BisvGQO7YWByjd8iQDLq!eGbIDakyp5mnOrcdqHeYSnltepQmRp6AIZ8jY',
    sid: '00b8a2f5-8d1e-4b5c-9a3e-2f1d0c9b8a7e',
    uti: 'fqiBqXLPj0eQa82S-IYFAA',
    rh: 'I',
    roles: ['Orders.Admin'],
    ...extra,
  };
}

describe('entraIdIssuer', () => {
  it('builds the tenant v2.0 issuer and key set', () => {
    const issuer = entraIdIssuer({ tenantId: TENANT.toUpperCase(), audience: API });
    expect(issuer).toMatchObject({ kind: 'entra-id', algorithms: ['RS256'] });
    expect(issuer.endpoints).toEqual([
      {
        issuer: ISS,
        jwksUri: `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`,
      },
    ]);
  });

  it('verifies a delegated token: scopes from scp, groups = roles ∪ groups, client from azp', async () => {
    const result = await verifierFor().verify(await idp.sign(accessToken()));
    expect(result).toMatchObject({
      subject: 'HKZpfaHyWadeOouYlitjrI-KffTm222X5rrV3xDqfKQ',
      clientId: API,
      scopes: ['access_as_user', 'Orders.Read'],
      groups: ['Orders.Admin', '8b2ffb0e-6e9a-4a4f-8f0c-5d2d1c8e6f3a'],
    });
    expect(() => authorize(result, allScopes('Orders.Read'))).not.toThrow();
  });

  it('verifies an app-only token: application permissions arrive in roles', async () => {
    const token = await idp.sign(
      accessToken({
        scp: undefined,
        name: undefined,
        preferred_username: undefined,
        groups: undefined,
        azp: '0c1d2e3f-4a5b-6c7d-8e9f-a0b1c2d3e4f5',
        roles: ['Orders.ReadWrite.All'],
        idtyp: 'app',
      }),
    );
    const result = await verifierFor().verify(token);
    expect(result).toMatchObject({
      clientId: '0c1d2e3f-4a5b-6c7d-8e9f-a0b1c2d3e4f5',
      scopes: [],
      groups: ['Orders.ReadWrite.All'],
    });
    expect(() => authorize(result, anyGroup('Orders.ReadWrite.All'))).not.toThrow();
  });

  it('refuses a token whose tid is another tenant', async () => {
    const token = await idp.sign(accessToken({ tid: '9188040d-6c67-4c5b-b112-36a304b66dad' }));
    expect((await rejectionOf(verifierFor().verify(token))).code).toBe('CLAIM_INVALID');
    const none = await idp.sign(accessToken({ tid: undefined }));
    expect((await rejectionOf(verifierFor().verify(none))).code).toBe('CLAIM_INVALID');
  });

  it('refuses v1.0 tokens and other audiences', async () => {
    const v1 = await idp.sign(
      accessToken({ iss: `https://sts.windows.net/${TENANT}/`, ver: '1.0' }),
    );
    expect((await rejectionOf(verifierFor().verify(v1))).code).toBe('ISSUER_UNKNOWN');
    const graph = await idp.sign(accessToken({ aud: '00000003-0000-0000-c000-000000000000' }));
    expect((await rejectionOf(verifierFor().verify(graph))).code).toBe('AUDIENCE_MISMATCH');
  });

  it('refuses a v2.0 ID token sharing the API aud, whose app roles would pass anyGroup()', async () => {
    // The reported case: nonce, no scp, no azp, `roles`, `aud` = the API's client id.
    const token = await idp.sign(idToken(), { header: { typ: 'JWT' } });
    expect((await rejectionOf(verifierFor().verify(token))).code).toBe('TOKEN_USE_MISMATCH');
    const asId = await verifierFor({ tokenUse: 'id' }).verify(token);
    expect(asId).toMatchObject({ tokenUse: 'id', groups: ['Orders.Admin'] });
    // Without nonce (code flow) the shape still tells: no azp and no scp.
    const noNonce = await idp.sign(idToken({ nonce: undefined, jti: 'n' }));
    expect((await rejectionOf(verifierFor().verify(noNonce))).code).toBe('TOKEN_USE_MISMATCH');
  });

  it('keeps the access-or-ID contract; scp without azp is neither', async () => {
    await expectTokenUseContract(verifierFor, {
      access: await idp.sign(accessToken()),
      id: await idp.sign(idToken()),
    });
    const odd = await idp.sign(accessToken({ azp: undefined }));
    const both = verifierFor({ tokenUse: 'both' });
    expect((await rejectionOf(both.verify(odd))).code).toBe('TOKEN_USE_MISMATCH');
  });

  it('rejects bad options with TypeError at creation, pointing multi-tenant apps to entraIdResolver', () => {
    const make = (options: unknown) => () => entraIdIssuer(options as EntraIdIssuerOptions);
    for (const tenantId of ['common', 'organizations', 'Consumers']) {
      expect(make({ tenantId, audience: API })).toThrow(/entraIdResolver/);
    }
    expect(make({ tenantId: 'contoso.onmicrosoft.com', audience: API })).toThrow(/GUID/);
    expect(make({ tenantId: `{${TENANT}}`, audience: API })).toThrow(/GUID/);
    expect(make({ tenantId: TENANT })).toThrow(/audience is required/);
    expect(make({ tenantId: TENANT, audience: API, tokenUse: 'refresh' })).toThrow(/tokenUse/);
  });
});

describe('docs/recipes/entra-id.md', () => {
  it('runs the recipe against a local issuer', async () => {
    const verifier = createVerifier({
      issuers: [entraIdIssuer({ tenantId: TENANT, audience: API, jwksUri: idp.jwksUri })],
    });
    const user = await verifier.verify(await idp.sign(accessToken()));
    expect(() => authorize(user, allScopes('Orders.Read'))).not.toThrow();
    expect(() => authorize(user, anyGroup('Orders.Admin'))).not.toThrow();
  });
});
