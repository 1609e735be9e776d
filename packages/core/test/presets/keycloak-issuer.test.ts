import { allGroups, anyGroup, authorize, createVerifier } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keycloakIssuer, type KeycloakIssuerOptions } from '@tokengate/core';
import { nowSeconds, rejectionOf } from '../helpers.js';
import { expectTokenUseContract } from './token-use-cases.js';

const BASE = 'https://sso.example.com';
const ISS = 'https://sso.example.com/realms/acme';

let idp: TestIssuer;
beforeAll(async () => {
  idp = await createTestIssuer({ kind: 'oidc', issuer: ISS });
});
afterAll(() => idp.close());

function verifierFor(options: Partial<KeycloakIssuerOptions> = {}) {
  return createVerifier({
    issuers: [
      keycloakIssuer({
        baseUrl: BASE,
        realm: 'acme',
        audience: 'orders-api',
        jwksUri: idp.jwksUri,
        ...options,
      }),
    ],
  });
}

/** A Keycloak access token with an audience mapper for orders-api and the group membership mapper. */
function accessToken(extra: Record<string, unknown> = {}) {
  const now = nowSeconds();
  return {
    exp: now + 300,
    iat: now,
    auth_time: now - 30,
    jti: 'onrtac:5c4a07a1-2f0e-4f4e-9c8b-1b2a3c4d5e6f',
    iss: ISS,
    aud: ['orders-api', 'account'],
    sub: '8a2f0f5e-6a8b-4a3b-9e7c-2c1d0b9a8f7e',
    typ: 'Bearer',
    azp: 'web-app',
    sid: '1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b',
    acr: '1',
    'allowed-origins': ['https://app.example.com'],
    realm_access: { roles: ['default-roles-acme', 'offline_access', 'uma_authorization', 'staff'] },
    resource_access: {
      'orders-api': { roles: ['orders-admin'] },
      account: { roles: ['manage-account', 'manage-account-links', 'view-profile'] },
    },
    scope: 'openid email profile',
    email_verified: true,
    name: 'Alice Liddell',
    preferred_username: 'alice',
    groups: ['/staff/support'],
    ...extra,
  };
}

describe('keycloakIssuer', () => {
  it('builds the realm issuer and its certs endpoint', () => {
    const issuer = keycloakIssuer({ baseUrl: `${BASE}/`, realm: 'acme', audience: 'x' });
    expect(issuer.kind).toBe('keycloak');
    expect(issuer.endpoints).toEqual([
      { issuer: ISS, jwksUri: `${ISS}/protocol/openid-connect/certs` },
    ]);
    // Keycloak before 17 served everything under /auth.
    expect(
      keycloakIssuer({ baseUrl: 'https://sso.example.com/auth', realm: 'acme', audience: 'x' })
        .endpoints[0]?.issuer,
    ).toBe('https://sso.example.com/auth/realms/acme');
  });

  it('merges realm roles, the API client roles and groups; scopes from scope; client from azp', async () => {
    const result = await verifierFor({ clientId: 'orders-api' }).verify(
      await idp.sign(accessToken()),
    );
    expect(result).toMatchObject({
      subject: '8a2f0f5e-6a8b-4a3b-9e7c-2c1d0b9a8f7e',
      clientId: 'web-app',
      tokenUse: 'access',
      scopes: ['openid', 'email', 'profile'],
      groups: [
        'default-roles-acme',
        'offline_access',
        'uma_authorization',
        'staff',
        'orders-admin',
        '/staff/support',
      ],
    });
    expect(() => authorize(result, allGroups('staff', 'orders-admin'))).not.toThrow();
  });

  it('leaves client roles out without clientId and drops claims of the wrong shape', async () => {
    const plain = await verifierFor().verify(await idp.sign(accessToken({ groups: undefined })));
    expect(plain.groups).toEqual([
      'default-roles-acme',
      'offline_access',
      'uma_authorization',
      'staff',
    ]);
    const odd = await idp.sign(
      accessToken({
        realm_access: { roles: 'staff' },
        resource_access: ['orders-api'],
        groups: [1, '/ok'],
      }),
    );
    const result = await verifierFor({ clientId: ['orders-api', 'constructor'] }).verify(odd);
    expect(result.groups).toEqual(['/ok']);
    expect(() => authorize(result, anyGroup('staff'))).toThrow();
  });

  it('accepts access tokens only, unless tokenUse says otherwise', async () => {
    const idToken = await idp.sign(accessToken({ typ: 'ID', aud: 'orders-api' }));
    expect((await rejectionOf(verifierFor().verify(idToken))).code).toBe('TOKEN_USE_MISMATCH');
    expect(await verifierFor({ tokenUse: 'both' }).verify(idToken)).toMatchObject({
      tokenUse: 'id',
    });
    const access = await idp.sign(accessToken());
    expect((await rejectionOf(verifierFor({ tokenUse: 'id' }).verify(access))).code).toBe(
      'TOKEN_USE_MISMATCH',
    );
    for (const typ of ['Refresh', 'Logout', undefined, 7]) {
      const token = await idp.sign(accessToken({ typ }));
      const verifier = verifierFor({ tokenUse: 'both' });
      expect((await rejectionOf(verifier.verify(token))).code).toBe('TOKEN_USE_MISMATCH');
    }
  });

  it('keeps the access-or-ID contract with a realistic ID token sharing the aud', async () => {
    // A Keycloak ID token: typ ID, azp and aud the client, nonce, at_hash, sid.
    const id = accessToken({
      typ: 'ID',
      aud: 'orders-api',
      azp: 'orders-api',
      nonce: 'n-0S6_WzA2Mj',
      at_hash: 'Hr8a0XHmLZQqHZYbDpCMUg',
      realm_access: undefined,
      resource_access: undefined,
      scope: undefined,
      'allowed-origins': undefined,
    });
    await expectTokenUseContract(verifierFor, {
      access: await idp.sign(accessToken()),
      id: await idp.sign(id),
    });
  });

  it('accepts typ "bearer" in lower case (lower-case token types client setting)', async () => {
    for (const typ of ['bearer', 'BEARER']) {
      const token = await idp.sign(accessToken({ typ }));
      expect(await verifierFor().verify(token)).toMatchObject({ tokenUse: 'access' });
    }
    const lowerId = await idp.sign(accessToken({ typ: 'id' }));
    expect(await verifierFor({ tokenUse: 'id' }).verify(lowerId)).toMatchObject({ tokenUse: 'id' });
    for (const typ of ['bearer ', 'Bearerx', 'refresh']) {
      const token = await idp.sign(accessToken({ typ }));
      const verifier = verifierFor({ tokenUse: 'both' });
      expect((await rejectionOf(verifier.verify(token))).code).toBe('TOKEN_USE_MISMATCH');
    }
  });

  it('refuses other realms and audiences', async () => {
    const otherRealm = await idp.sign(
      accessToken({ iss: 'https://sso.example.com/realms/master' }),
    );
    expect((await rejectionOf(verifierFor().verify(otherRealm))).code).toBe('ISSUER_UNKNOWN');
    const accountOnly = await idp.sign(accessToken({ aud: 'account' }));
    expect((await rejectionOf(verifierFor().verify(accountOnly))).code).toBe('AUDIENCE_MISMATCH');
  });

  it('allows http: base URLs on loopback, elsewhere only with allowInsecureHttp', () => {
    const base = { realm: 'acme', audience: 'x' };
    expect(keycloakIssuer({ ...base, baseUrl: 'http://localhost:8080' }).endpoints[0]?.issuer).toBe(
      'http://localhost:8080/realms/acme',
    );
    expect(() => keycloakIssuer({ ...base, baseUrl: 'http://keycloak:8080' })).toThrow(TypeError);
    const insecure = keycloakIssuer({
      ...base,
      baseUrl: 'http://keycloak:8080',
      allowInsecureHttp: true,
    });
    expect(insecure.endpoints[0]).toEqual({
      issuer: 'http://keycloak:8080/realms/acme',
      jwksUri: 'http://keycloak:8080/realms/acme/protocol/openid-connect/certs',
    });
  });

  it('rejects bad options with TypeError at creation', () => {
    const make = (options: unknown) => () => keycloakIssuer(options as KeycloakIssuerOptions);
    const ok = { baseUrl: BASE, realm: 'acme', audience: 'x' };
    expect(make({ ...ok, baseUrl: 'sso.example.com' })).toThrow(/baseUrl/);
    expect(make({ ...ok, baseUrl: `${BASE}?realm=acme` })).toThrow(/query/);
    expect(make({ ...ok, realm: 'a/b' })).toThrow(/realm/);
    expect(make({ ...ok, realm: '' })).toThrow(TypeError);
    expect(make({ ...ok, clientId: [] })).toThrow(TypeError);
    expect(make({ ...ok, tokenUse: 'refresh' })).toThrow(/tokenUse/);
    expect(make({ baseUrl: BASE, realm: 'acme' })).toThrow(/audience is required/);
  });
});

describe('docs/recipes/keycloak.md', () => {
  it('runs the recipe against a local issuer', async () => {
    const verifier = createVerifier({
      issuers: [
        keycloakIssuer({
          baseUrl: BASE,
          realm: 'acme',
          audience: 'orders-api',
          clientId: 'orders-api',
          jwksUri: idp.jwksUri,
        }),
      ],
    });
    const auth = await verifier.verify(await idp.sign(accessToken()));
    expect(() => authorize(auth, anyGroup('orders-admin'))).not.toThrow();
    const noRole = await verifier.verify(
      await idp.sign(accessToken({ resource_access: {}, jti: 'other' })),
    );
    expect(() => authorize(noRole, anyGroup('orders-admin'))).toThrow(
      expect.objectContaining({ code: 'ACCESS_DENIED' }),
    );
  });
});
