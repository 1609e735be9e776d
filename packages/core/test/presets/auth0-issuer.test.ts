import { allScopes, anyGroup, authorize, createVerifier } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth0Issuer, type Auth0IssuerOptions } from '@tokengate/core';
import { nowSeconds, rejectionOf } from '../helpers.js';
import { expectTokenUseContract } from './token-use-cases.js';

const DOMAIN = 'my-domain.auth0.com';
const ISS = 'https://my-domain.auth0.com/';
const API = 'https://example.com/health-api';

let idp: TestIssuer;
beforeAll(async () => {
  idp = await createTestIssuer({ kind: 'oidc', issuer: ISS });
});
afterAll(() => idp.close());

function verifierFor(options: Partial<Auth0IssuerOptions> = {}) {
  return createVerifier({
    issuers: [auth0Issuer({ domain: DOMAIN, audience: API, jwksUri: idp.jwksUri, ...options })],
  });
}

/** An access token as https://auth0.com/docs/secure/tokens/access-tokens shows it, with RBAC permissions. */
function rbacAccessToken(extra: Record<string, unknown> = {}) {
  const now = nowSeconds();
  return {
    iss: ISS,
    sub: 'auth0|123456',
    aud: [API, 'https://my-domain.auth0.com/userinfo'],
    azp: 'my_client_id',
    exp: now + 3600,
    iat: now,
    scope: 'openid profile read:patients read:admin',
    permissions: ['read:patients', 'read:admin', 'write:patients'],
    ...extra,
  };
}

/**
 * An ID token as https://auth0.com/docs/secure/tokens/id-tokens/id-token-structure shows it,
 * its `aud` the API's identifier, as when the API accepts the client id as an audience.
 */
function idToken(extra: Record<string, unknown> = {}) {
  const now = nowSeconds();
  return {
    iss: ISS,
    sub: 'auth0|123456',
    aud: API,
    exp: now + 36000,
    iat: now,
    name: 'Jane Doe',
    nickname: 'jane',
    email: 'janedoe@example.com',
    email_verified: true,
    sid: 'w6wqX5Qj0eW3vXhUOaJ4pFzQ9lZ2n1mL',
    nonce: 'n-0S6_WzA2Mj',
    at_hash: 'Y9K8j-4YQ7vN3jRyY2eqVw',
    'https://example.com/roles': ['doctor'],
    ...extra,
  };
}

describe('auth0Issuer', () => {
  it('builds the tenant issuer with its trailing slash and the JWKS next to it', () => {
    const issuer = auth0Issuer({ domain: 'Example.EU.auth0.com', audience: API });
    expect(issuer.kind).toBe('auth0');
    expect(issuer.algorithms).toEqual(['RS256']);
    expect(issuer.endpoints).toEqual([
      {
        issuer: 'https://example.eu.auth0.com/',
        jwksUri: 'https://example.eu.auth0.com/.well-known/jwks.json',
      },
    ]);
  });

  it('verifies an RBAC access token: scopes are scope ∪ permissions, client is azp', async () => {
    const token = await idp.sign(rbacAccessToken({ 'https://example.com/roles': ['doctor'] }), {
      header: { typ: 'JWT' },
    });
    const result = await verifierFor({ rolesClaim: 'https://example.com/roles' }).verify(token);
    expect(result).toMatchObject({
      issuer: ISS,
      subject: 'auth0|123456',
      clientId: 'my_client_id',
      tokenUse: 'access',
      scopes: ['openid', 'profile', 'read:patients', 'read:admin', 'write:patients'],
      groups: ['doctor'],
    });
    expect(() => authorize(result, allScopes('write:patients'))).not.toThrow();
    expect(() => authorize(result, anyGroup('doctor'))).not.toThrow();
  });

  it('reads roles only from the configured claim', async () => {
    const token = await idp.sign(rbacAccessToken({ 'https://example.com/roles': ['doctor'] }));
    expect((await verifierFor().verify(token)).groups).toEqual([]);
    const wrongType = await idp.sign(rbacAccessToken({ 'https://example.com/roles': 'doctor' }));
    const result = await verifierFor({ rolesClaim: 'https://example.com/roles' }).verify(wrongType);
    expect(result.groups).toEqual([]);
  });

  it('verifies client-credentials tokens (sub <client>@clients) and the RFC 9068 profile', async () => {
    const now = nowSeconds();
    const m2m = await idp.sign({
      iss: ISS,
      sub: 'my_client_id@clients',
      aud: API,
      iat: now,
      exp: now + 86400,
      scope: 'read:patients',
      gty: 'client-credentials',
      azp: 'my_client_id',
      permissions: ['read:patients'],
    });
    expect(await verifierFor().verify(m2m)).toMatchObject({
      subject: 'my_client_id@clients',
      clientId: 'my_client_id',
      scopes: ['read:patients'],
    });
    const rfc9068 = await idp.sign(
      { ...rbacAccessToken(), azp: undefined, client_id: 'spa-client', jti: 'abc' },
      { header: { typ: 'at+jwt' } },
    );
    expect(await verifierFor().verify(rfc9068)).toMatchObject({
      clientId: 'spa-client',
      tokenUse: 'access',
    });
  });

  it('refuses an issuer without the trailing slash, ID tokens for the client, and other algorithms', async () => {
    const noSlash = await idp.sign(rbacAccessToken({ iss: 'https://my-domain.auth0.com' }));
    expect((await rejectionOf(verifierFor().verify(noSlash))).code).toBe('ISSUER_UNKNOWN');
    const idToken = await idp.sign(rbacAccessToken({ aud: 'my_client_id' }));
    expect((await rejectionOf(verifierFor().verify(idToken))).code).toBe('AUDIENCE_MISMATCH');
    const ps = await idp.sign(rbacAccessToken(), { alg: 'PS256' });
    expect((await rejectionOf(verifierFor().verify(ps))).code).toBe('ALG_NOT_ALLOWED');
  });

  it('tells ID tokens from access tokens when they share the aud', async () => {
    const verifierWith = (options: Partial<Auth0IssuerOptions>) =>
      verifierFor({ rolesClaim: 'https://example.com/roles', ...options });
    await expectTokenUseContract(verifierWith, {
      access: await idp.sign(rbacAccessToken(), { header: { typ: 'JWT' } }),
      id: await idp.sign(idToken(), { header: { typ: 'JWT' } }),
    });
    // Code flow without nonce or at_hash: still no azp, scope or client_id, so still an ID token.
    const bare = await idp.sign(idToken({ nonce: undefined, at_hash: undefined }));
    expect((await rejectionOf(verifierFor().verify(bare))).code).toBe('TOKEN_USE_MISMATCH');
    // The RFC 9068 profile declares itself.
    const typed = await idp.sign(rbacAccessToken({ azp: undefined, scope: undefined }), {
      header: { typ: 'at+jwt' },
    });
    expect(await verifierFor().verify(typed)).toMatchObject({ tokenUse: 'access' });
  });

  it('applies the common policy options', async () => {
    const old = await idp.sign(rbacAccessToken({ iat: nowSeconds() - 600 }));
    expect((await rejectionOf(verifierFor({ maxTokenAgeSeconds: 60 }).verify(old))).code).toBe(
      'TOKEN_TOO_OLD',
    );
  });

  it('rejects bad options with TypeError at creation', () => {
    const make = (options: unknown) => () => auth0Issuer(options as Auth0IssuerOptions);
    expect(make(null)).toThrow(TypeError);
    expect(make({ domain: 'https://my-domain.auth0.com', audience: API })).toThrow(/host name/);
    expect(make({ domain: 'my-domain.auth0.com/', audience: API })).toThrow(TypeError);
    expect(make({ domain: 'my-domain.auth0.com:443', audience: API })).toThrow(TypeError);
    expect(make({ domain: DOMAIN })).toThrow(/audience is required/);
    expect(make({ domain: DOMAIN, audience: [] })).toThrow(TypeError);
    expect(make({ domain: DOMAIN, audience: API, rolesClaim: '' })).toThrow(TypeError);
    expect(make({ domain: DOMAIN, audience: API, tokenUse: 'ID' })).toThrow(/tokenUse/);
    expect(make({ domain: DOMAIN, audience: API, jwksUri: 'http://idp.example/jwks' })).toThrow(
      TypeError,
    );
  });
});

describe('docs/recipes/auth0.md', () => {
  it('runs the recipe against a local issuer', async () => {
    // The recipe's configuration, with jwksUri pointed at the local issuer.
    const verifier = createVerifier({
      issuers: [
        auth0Issuer({
          domain: DOMAIN,
          audience: API,
          rolesClaim: 'https://example.com/roles',
          jwksUri: idp.jwksUri,
        }),
      ],
    });
    const canWrite = allScopes('write:patients');
    const doctors = anyGroup('doctor');
    const token = await idp.sign(rbacAccessToken({ 'https://example.com/roles': ['doctor'] }));
    const auth = await verifier.verify(token);
    expect(() => authorize(auth, canWrite)).not.toThrow();
    expect(() => authorize(auth, doctors)).not.toThrow();
    const reader = await verifier.verify(await idp.sign(rbacAccessToken({ permissions: [] })));
    expect(() => authorize(reader, canWrite)).toThrow(expect.objectContaining({ status: 403 }));
  });
});
