import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer } from '../src/index.js';
import type { TestIssuer } from '../src/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('Cognito-shaped tokens', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer({ kind: 'cognito', userPoolId: 'eu-west-1_Example' });
  });
  afterAll(() => issuer.close());

  it('access tokens carry client_id, scope and username, with no aud and no typ', async () => {
    const token = await issuer.accessToken({ groups: ['admin', 'ops'], username: 'jane' });
    expect(decodeProtectedHeader(token)).toStrictEqual({ alg: 'RS256', kid: issuer.currentKid });
    const claims = decodeJwt(token);
    expect(Object.keys(claims)).toStrictEqual([
      'sub',
      'cognito:groups',
      'iss',
      'version',
      'client_id',
      'origin_jti',
      'event_id',
      'token_use',
      'scope',
      'auth_time',
      'exp',
      'iat',
      'jti',
      'username',
    ]);
    expect(claims).toMatchObject({
      iss: issuer.issuer,
      client_id: 'tokengate-test-client',
      token_use: 'access',
      scope: 'openid email',
      username: 'jane',
      'cognito:groups': ['admin', 'ops'],
    });
    expect(claims.jti).toMatch(UUID);
    expect(claims.origin_jti).toMatch(UUID);
    expect(claims.exp).toBe((claims.iat ?? 0) + 3600);
  });

  it('access tokens omit cognito:groups unless groups are given', async () => {
    const claims = decodeJwt(await issuer.accessToken());
    expect(claims).not.toHaveProperty('cognito:groups');
    expect(claims).not.toHaveProperty('aud');
  });

  it('id tokens carry aud = client id and user attributes', async () => {
    const token = await issuer.idToken({ username: 'jane', sub: 'user-1' });
    const claims = decodeJwt(token);
    expect(Object.keys(claims).sort()).toStrictEqual(
      [
        'sub',
        'email_verified',
        'iss',
        'cognito:username',
        'origin_jti',
        'aud',
        'event_id',
        'token_use',
        'auth_time',
        'exp',
        'iat',
        'jti',
        'email',
      ].sort(),
    );
    expect(claims).toMatchObject({
      sub: 'user-1',
      aud: issuer.clientId,
      token_use: 'id',
      'cognito:username': 'jane',
      email: 'jane@example.com',
      email_verified: true,
    });
  });

  it('M2M tokens have sub = client_id, resource-server scopes, no username or groups', async () => {
    const claims = decodeJwt(await issuer.m2mToken({ clientId: 'svc-client' }));
    expect(Object.keys(claims).sort()).toStrictEqual(
      [
        'sub',
        'token_use',
        'scope',
        'auth_time',
        'iss',
        'exp',
        'iat',
        'version',
        'jti',
        'client_id',
      ].sort(),
    );
    expect(claims).toMatchObject({
      sub: 'svc-client',
      client_id: 'svc-client',
      token_use: 'access',
      scope: 'tokengate-api/read',
      version: 2,
    });
    await expect(issuer.m2mToken({ groups: ['x'] })).rejects.toThrow(TypeError);
    await expect(issuer.m2mToken({ username: 'x' })).rejects.toThrow(TypeError);
  });

  it('puts the issuer under the pool id, as Cognito does', () => {
    expect(issuer.issuer).toBe(`${issuer.origin}/eu-west-1_Example`);
    expect(issuer.jwksUri).toBe(`${issuer.issuer}/.well-known/jwks.json`);
    expect(issuer.userPoolId).toBe('eu-west-1_Example');
  });
});

describe('OIDC-shaped tokens', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer();
  });
  afterAll(() => issuer.close());

  it('access tokens follow RFC 9068: typ at+jwt, aud = audience, client_id, scope', async () => {
    const token = await issuer.accessToken({ scopes: ['read', 'write'], groups: ['g1'] });
    expect(decodeProtectedHeader(token)).toStrictEqual({
      alg: 'RS256',
      kid: issuer.currentKid,
      typ: 'at+jwt',
    });
    const claims = decodeJwt(token);
    expect(Object.keys(claims)).toStrictEqual([
      'iss',
      'sub',
      'aud',
      'client_id',
      'iat',
      'exp',
      'jti',
      'scope',
      'groups',
    ]);
    expect(claims).toMatchObject({
      iss: issuer.origin,
      aud: 'https://api.tokengate.test',
      client_id: 'tokengate-test-client',
      scope: 'read write',
      groups: ['g1'],
    });
    const jwks = createRemoteJWKSet(new URL(issuer.jwksUri));
    await jwtVerify(token, jwks, {
      issuer: issuer.issuer,
      audience: issuer.audience,
      typ: 'at+jwt',
    });
  });

  it('id tokens carry aud and azp = client id, typ JWT, and reject scopes', async () => {
    const token = await issuer.idToken({ claims: { nonce: 'n-1' } });
    expect(decodeProtectedHeader(token).typ).toBe('JWT');
    expect(decodeJwt(token)).toMatchObject({
      aud: issuer.clientId,
      azp: issuer.clientId,
      email: 'test-user@example.com',
      nonce: 'n-1',
    });
    expect(decodeJwt(token)).toHaveProperty('auth_time');
    await expect(issuer.idToken({ scopes: ['openid'] })).rejects.toThrow(TypeError);
  });

  it('M2M tokens are at+jwt with sub = client_id', async () => {
    const token = await issuer.m2mToken();
    expect(decodeProtectedHeader(token).typ).toBe('at+jwt');
    const claims = decodeJwt(token);
    expect(claims.sub).toBe(issuer.clientId);
    expect(claims.client_id).toBe(issuer.clientId);
    expect(claims.scope).toBe('tokengate-api/read');
  });
});

describe('token options', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer({ tokenLifetimeSeconds: 60 });
  });
  afterAll(() => issuer.close());

  it('uses tokenLifetimeSeconds, and a negative expiresIn mints an expired token', async () => {
    const fresh = decodeJwt(await issuer.accessToken());
    expect((fresh.exp ?? 0) - (fresh.iat ?? 0)).toBe(60);

    const expired = await issuer.accessToken({ expiresIn: -30 });
    const jwks = createRemoteJWKSet(new URL(issuer.jwksUri));
    await expect(jwtVerify(expired, jwks)).rejects.toBeInstanceOf(errors.JWTExpired);
  });

  it('merges claims last, deleting those set to undefined', async () => {
    const claims = decodeJwt(
      await issuer.accessToken({ claims: { aud: 'other', jti: undefined, 'custom:tier': 'gold' } }),
    );
    expect(claims.aud).toBe('other');
    expect(claims).not.toHaveProperty('jti');
    expect(claims['custom:tier']).toBe('gold');
  });

  it('merges header params, deleting those set to undefined', async () => {
    const token = await issuer.accessToken({ header: { typ: undefined, 'x-extra': 1 } });
    expect(decodeProtectedHeader(token)).toStrictEqual({
      alg: 'RS256',
      kid: issuer.currentKid,
      'x-extra': 1,
    });
  });

  it('omits scope when scopes is empty', async () => {
    expect(decodeJwt(await issuer.accessToken({ scopes: [] }))).not.toHaveProperty('scope');
  });

  it('rejects malformed options with TypeError', async () => {
    await expect(issuer.accessToken({ expiresIn: Number.NaN })).rejects.toThrow(TypeError);
    await expect(issuer.accessToken({ sub: '' })).rejects.toThrow(TypeError);
    const notStrings = [1] as unknown as string[];
    await expect(issuer.accessToken({ groups: notStrings })).rejects.toThrow(TypeError);
    await expect(issuer.accessToken({ kid: 'unknown' })).rejects.toThrow(TypeError);
  });
});

describe('issuer override', () => {
  it('writes the given iss into tokens and discovery while serving the JWKS locally', async () => {
    const iss = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TokenGate';
    const issuer = await createTestIssuer({ kind: 'cognito', issuer: iss });
    try {
      expect(issuer.issuer).toBe(iss);
      expect(issuer.jwksUri).toBe(`${issuer.origin}/us-east-1_TokenGate/.well-known/jwks.json`);
      const jwks = createRemoteJWKSet(new URL(issuer.jwksUri));
      const { payload } = await jwtVerify(await issuer.accessToken(), jwks, { issuer: iss });
      expect(payload.iss).toBe(iss);
      const discovery = (await (await fetch(issuer.discoveryUri)).json()) as Record<
        string,
        unknown
      >;
      expect(discovery.issuer).toBe(iss);
      expect(discovery.jwks_uri).toBe(issuer.jwksUri);
    } finally {
      await issuer.close();
    }
  });
});
