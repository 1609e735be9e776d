import { cognitoIssuer, createVerifier } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf } from './helpers.js';

let pool: TestIssuer;

beforeAll(async () => {
  pool = await createTestIssuer({ kind: 'cognito' });
});
afterAll(() => pool.close());

function verifierFor(options: Partial<Parameters<typeof cognitoIssuer>[0]> = {}) {
  return createVerifier({
    issuers: [
      cognitoIssuer({
        userPoolId: pool.userPoolId ?? '',
        clientId: pool.clientId,
        issuerOverride: pool.issuer,
        ...options,
      }),
    ],
  });
}

describe('Cognito access tokens', () => {
  it('verify and normalize groups, scopes and client', async () => {
    const token = await pool.accessToken({
      groups: ['admin', 'staff'],
      scopes: ['orders:read', 'openid'],
    });
    const result = await verifierFor().verify(token);
    expect(result).toMatchObject({
      issuer: pool.issuer,
      clientId: pool.clientId,
      tokenUse: 'access',
      groups: ['admin', 'staff'],
      scopes: ['orders:read', 'openid'],
    });
    expect(result.claims['token_use']).toBe('access');
  });

  it('read groups from `cognito:groups` only, unless groupsClaim names more', async () => {
    const viaTrigger = await pool.accessToken({ claims: { groups: ['admin'] } });
    expect((await verifierFor().verify(viaTrigger)).groups).toEqual([]);
    const wide = verifierFor({ groupsClaim: ['cognito:groups', 'groups'] });
    expect((await wide.verify(viaTrigger)).groups).toEqual(['admin']);
    const both = await pool.accessToken({ groups: ['staff'], claims: { groups: ['admin'] } });
    expect((await wide.verify(both)).groups).toEqual(['staff']);
    expect(() => verifierFor({ groupsClaim: [] })).toThrow(TypeError);
  });

  it('verify M2M client-credentials tokens, whose subject is the client', async () => {
    const token = await pool.m2mToken({ scopes: ['orders-api/orders.read'] });
    const result = await verifierFor().verify(token);
    expect(result).toMatchObject({
      subject: pool.clientId,
      clientId: pool.clientId,
      groups: [],
      scopes: ['orders-api/orders.read'],
    });
  });

  it('from another app client are refused', async () => {
    const token = await pool.accessToken({ clientId: 'someone-else' });
    expect((await rejectionOf(verifierFor().verify(token))).code).toBe('CLIENT_ID_MISMATCH');
    await expect(
      verifierFor({ clientId: ['x', 'someone-else'] }).verify(token),
    ).resolves.toBeDefined();
    await expect(verifierFor({ clientId: null }).verify(token)).resolves.toBeDefined();
  });

  it('without token_use, like refresh tokens from emulators, are refused', async () => {
    const token = await pool.accessToken({ claims: { token_use: undefined } });
    expect((await rejectionOf(verifierFor().verify(token))).code).toBe('TOKEN_USE_MISMATCH');
    const refresh = await pool.accessToken({ claims: { token_use: 'refresh' } });
    expect((await rejectionOf(verifierFor({ tokenUse: 'both' }).verify(refresh))).code).toBe(
      'TOKEN_USE_MISMATCH',
    );
  });

  it('signed with anything but RS256 are refused', async () => {
    const es = await createTestIssuer({ kind: 'cognito', alg: 'ES256' });
    try {
      const verifier = createVerifier({
        issuers: [
          cognitoIssuer({
            userPoolId: es.userPoolId ?? '',
            clientId: es.clientId,
            issuerOverride: es.issuer,
          }),
        ],
      });
      expect((await rejectionOf(verifier.verify(await es.accessToken()))).code).toBe(
        'ALG_NOT_ALLOWED',
      );
    } finally {
      await es.close();
    }
  });
});

describe('Cognito ID tokens', () => {
  it('are refused where access tokens are expected (the default)', async () => {
    expect((await rejectionOf(verifierFor().verify(await pool.idToken()))).code).toBe(
      'TOKEN_USE_MISMATCH',
    );
  });

  it('verify with tokenUse id or both, checking aud against the client', async () => {
    const idToken = await pool.idToken({ groups: ['admin'] });
    await expect(verifierFor({ tokenUse: 'id' }).verify(idToken)).resolves.toMatchObject({
      tokenUse: 'id',
      clientId: pool.clientId,
      groups: ['admin'],
    });
    await expect(verifierFor({ tokenUse: 'both' }).verify(idToken)).resolves.toBeDefined();
    expect(
      (await rejectionOf(verifierFor({ tokenUse: 'id' }).verify(await pool.accessToken()))).code,
    ).toBe('TOKEN_USE_MISMATCH');
    const foreign = await pool.idToken({ claims: { aud: 'another-client' } });
    expect((await rejectionOf(verifierFor({ tokenUse: 'id' }).verify(foreign))).code).toBe(
      'AUDIENCE_MISMATCH',
    );
  });
});

describe('Cognito issuer URLs', () => {
  it.each([
    'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TokenGate',
    'https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_TokenGate',
  ])('accepts %s with keys served from jwksUri', async (iss) => {
    const real = await createTestIssuer({ kind: 'cognito', issuer: iss });
    try {
      const verifier = createVerifier({
        issuers: [
          cognitoIssuer({
            userPoolId: 'us-east-1_TokenGate',
            clientId: real.clientId,
            jwksUri: real.jwksUri,
          }),
        ],
      });
      await expect(verifier.verify(await real.accessToken())).resolves.toMatchObject({
        issuer: iss,
      });
      const otherPool = await real.accessToken({
        claims: { iss: iss.replace('TokenGate', 'Other') },
      });
      expect((await rejectionOf(verifier.verify(otherPool))).code).toBe('ISSUER_UNKNOWN');
    } finally {
      await real.close();
    }
  });
});
