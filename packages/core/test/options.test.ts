import { cognitoIssuer, createJwksCache, createVerifier, oidcIssuer } from '@tokengate/core';
import { describe, expect, it } from 'vitest';

const issuer = 'https://idp.example.com';

describe('option mistakes throw TypeError at creation', () => {
  it.each([
    ['no issuers', () => createVerifier({ issuers: [] })],
    ['a non-issuer', () => createVerifier({ issuers: [{} as never] })],
    ['no audience anywhere', () => createVerifier({ issuers: [oidcIssuer({ issuer })] })],
    [
      'HMAC algorithms',
      () =>
        createVerifier({
          issuers: [oidcIssuer({ issuer, audience: 'a', algorithms: ['HS256' as never] })],
        }),
    ],
    [
      'an empty algorithm list',
      () => createVerifier({ issuers: [oidcIssuer({ issuer, audience: 'a', algorithms: [] })] }),
    ],
    [
      'the same issuer twice',
      () =>
        createVerifier({
          issuers: [oidcIssuer({ issuer, audience: 'a' }), oidcIssuer({ issuer, audience: 'b' })],
        }),
    ],
    [
      'a negative clock tolerance',
      () =>
        createVerifier({
          issuers: [oidcIssuer({ issuer, audience: 'a', clockToleranceSeconds: -1 })],
        }),
    ],
    [
      'a fractional max token size',
      () =>
        createVerifier({ maxTokenBytes: 1.5, issuers: [oidcIssuer({ issuer, audience: 'a' })] }),
    ],
    [
      'an empty audience list',
      () => createVerifier({ issuers: [oidcIssuer({ issuer, audience: [] })] }),
    ],
    [
      'an http issuer off loopback',
      () => oidcIssuer({ issuer: 'http://idp.example.com', audience: 'a' }),
    ],
    [
      'an http JWKS off loopback',
      () => oidcIssuer({ issuer, jwksUri: 'http://idp.example.com/jwks', audience: 'a' }),
    ],
    ['a relative issuer', () => oidcIssuer({ issuer: '/idp', audience: 'a' })],
    [
      'jwksUri and discovery together',
      () => oidcIssuer({ issuer, jwksUri: `${issuer}/jwks`, discovery: true, audience: 'a' }),
    ],
    ['a malformed pool id', () => cognitoIssuer({ userPoolId: 'not-a-pool', clientId: 'c' })],
    [
      'a missing client id',
      () => cognitoIssuer({ userPoolId: 'eu-west-1_Abc', clientId: undefined as never }),
    ],
    [
      'an unknown token use',
      () =>
        cognitoIssuer({ userPoolId: 'eu-west-1_Abc', clientId: 'c', tokenUse: 'refresh' as never }),
    ],
    [
      'a bad region',
      () => cognitoIssuer({ userPoolId: 'eu-west-1_Abc', clientId: 'c', region: 'mars' }),
    ],
    ['a zero JWKS timeout', () => createJwksCache({ timeoutMs: 0 })],
    ['min TTL above max TTL', () => createJwksCache({ minTtlMs: 10_000, maxTtlMs: 1000 })],
    ['a non-function fetch', () => createJwksCache({ fetch: 'fetch' as never })],
  ])('%s', (_name, create) => {
    expect(create).toThrow(TypeError);
  });

  it('allows http on loopback and, when asked, elsewhere', () => {
    expect(() => oidcIssuer({ issuer: 'http://127.0.0.1:8080', audience: 'a' })).not.toThrow();
    expect(() => oidcIssuer({ issuer: 'http://localhost:9229/pool', audience: 'a' })).not.toThrow();
    expect(() =>
      oidcIssuer({
        issuer: 'http://keycloak:8080/realms/x',
        audience: 'a',
        allowInsecureHttp: true,
      }),
    ).not.toThrow();
  });
});

describe('cognitoIssuer', () => {
  it('derives both Cognito issuer forms from the pool id, each with its own JWKS', () => {
    const pool = cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: 'c' });
    expect(pool.endpoints).toEqual([
      {
        issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
        jwksUri:
          'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json',
      },
      {
        issuer: 'https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
        jwksUri:
          'https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json',
      },
    ]);
    expect(pool.algorithms).toEqual(['RS256']);
  });

  it('accepts emulator issuers and pool ids through issuerOverride', () => {
    const local = cognitoIssuer({
      userPoolId: 'local_5x7Gq',
      clientId: 'c',
      issuerOverride: 'http://localhost:9229/local_5x7Gq',
    });
    expect(local.endpoints).toEqual([
      {
        issuer: 'http://localhost:9229/local_5x7Gq',
        jwksUri: 'http://localhost:9229/local_5x7Gq/.well-known/jwks.json',
      },
    ]);
  });
});
