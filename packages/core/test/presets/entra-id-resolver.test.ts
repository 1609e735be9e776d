import { createVerifier, entraIdResolver } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nowSeconds, rejectionOf } from '../helpers.js';

const TENANT_A = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const TENANT_B = '9188040d-6c67-4c5b-b112-36a304b66dad';
const API = '6e74172b-be56-4843-9ff4-e66a39bb12e3';

let keys: TestIssuer;

beforeAll(async () => {
  keys = await createTestIssuer();
});
afterAll(() => keys.close());

/** An Entra v2.0 access token as the docs show it, for a tenant. */
function entraToken(tenantId: string, claims: Record<string, unknown> = {}) {
  const now = nowSeconds();
  return keys.sign({
    aud: API,
    iss: `https://login.microsoftonline.com/${tenantId}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    azp: '0b4b6b7e-5d55-4c0d-9a3e-5b6d2b8f3c21',
    azpacr: '0',
    name: 'Abe Lincoln',
    oid: '690222be-ff1a-4d56-abd1-7e4f7d38e474',
    preferred_username: 'abeli@microsoft.com',
    scp: 'orders.read orders.write',
    sub: 'HKZpfaHyWadeOouYlitjrI-KffTm222X5rrV3xDqfKQ',
    tid: tenantId,
    ver: '2.0',
    ...claims,
  });
}

type ResolverOptions = Parameters<typeof entraIdResolver>[0];

function verifierWith(
  allowedTenants?: ResolverOptions['allowedTenants'],
  tokenUse?: ResolverOptions['tokenUse'],
) {
  return createVerifier({
    resolveIssuer: entraIdResolver({
      audience: API,
      jwksUri: keys.jwksUri,
      ...(allowedTenants === undefined ? {} : { allowedTenants }),
      ...(tokenUse === undefined ? {} : { tokenUse }),
    }),
  });
}

describe('entraIdResolver (multi-tenant Entra ID)', () => {
  it("accepts each tenant's own issuer and normalizes scp", async () => {
    const verifier = verifierWith();
    await expect(verifier.verify(await entraToken(TENANT_A))).resolves.toMatchObject({
      issuer: `https://login.microsoftonline.com/${TENANT_A}/v2.0`,
      scopes: ['orders.read', 'orders.write'],
    });
    await expect(verifier.verify(await entraToken(TENANT_B))).resolves.toBeDefined();
  });

  it('checks tid against the tenant in iss', async () => {
    const error = await rejectionOf(
      verifierWith().verify(await entraToken(TENANT_A, { tid: TENANT_B })),
    );
    expect(error.code).toBe('CLAIM_INVALID');
  });

  it('admits only allowed tenants, by list or function', async () => {
    const token = await entraToken(TENANT_B);
    expect((await rejectionOf(verifierWith([TENANT_A]).verify(token))).code).toBe('ISSUER_UNKNOWN');
    expect((await rejectionOf(verifierWith((tid) => tid === TENANT_A).verify(token))).code).toBe(
      'ISSUER_UNKNOWN',
    );
    await expect(
      verifierWith([TENANT_A.toUpperCase(), TENANT_B]).verify(token),
    ).resolves.toBeDefined();
  });

  it('refuses v1 issuers, other hosts and look-alikes', async () => {
    const verifier = verifierWith();
    for (const iss of [
      `https://sts.windows.net/${TENANT_A}/`,
      `https://login.microsoftonline.com/${TENANT_A}/v2.0/`,
      `https://login.microsoftonline.com.evil.example/${TENANT_A}/v2.0`,
      'https://login.microsoftonline.com/common/v2.0',
    ]) {
      expect((await rejectionOf(verifier.verify(await entraToken(TENANT_A, { iss })))).code).toBe(
        'ISSUER_UNKNOWN',
      );
    }
  });

  it("refuses a tenant's v2.0 ID token (nonce, roles, no scp, no azp) unless tokenUse says id", async () => {
    const id = { azp: undefined, azpacr: undefined, scp: undefined, nonce: 'n', roles: ['Admin'] };
    const token = await entraToken(TENANT_A, id);
    expect((await rejectionOf(verifierWith().verify(token))).code).toBe('TOKEN_USE_MISMATCH');
    await expect(verifierWith(undefined, 'id').verify(token)).resolves.toMatchObject({
      tokenUse: 'id',
    });
    await expect(
      verifierWith(undefined, 'both').verify(await entraToken(TENANT_B)),
    ).resolves.toMatchObject({ tokenUse: 'access' });
  });

  it('validates its options at creation', () => {
    expect(() => entraIdResolver({ audience: [] as never })).toThrow(TypeError);
    expect(() => entraIdResolver({ audience: API, allowedTenants: [] })).toThrow(TypeError);
    // Built per tenant at request time, so these would otherwise surface as a 500 there.
    expect(() => entraIdResolver({ audience: API, tokenUse: 'refresh' as never })).toThrow(
      /tokenUse/,
    );
    expect(() => entraIdResolver({ audience: API, jwksUri: 'http://keys.example/' })).toThrow(
      TypeError,
    );
  });
});
