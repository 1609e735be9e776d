import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer } from '../src/index.js';
import type { TestIssuer, TestIssuerOptions } from '../src/index.js';

describe('createTestIssuer() defaults', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer();
  });
  afterAll(() => issuer.close());

  it('is an OIDC issuer at its loopback origin', () => {
    expect(issuer.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(issuer).toMatchObject({
      kind: 'oidc',
      issuer: issuer.origin,
      jwksUri: `${issuer.origin}/.well-known/jwks.json`,
      discoveryUri: `${issuer.origin}/.well-known/openid-configuration`,
      userPoolId: undefined,
      clientId: 'tokengate-test-client',
      audience: 'https://api.tokengate.test',
    });
    expect(issuer.jwks().keys).toMatchObject([{ kty: 'RSA', alg: 'RS256', use: 'sig' }]);
    expect(issuer.keys()[0]?.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('serves the JWKS as JSON with Cache-Control', async () => {
    const response = await fetch(issuer.jwksUri);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('cache-control')).toBe('max-age=300');
    expect(await response.json()).toStrictEqual(issuer.jwks());
  });

  it('serves an OpenID discovery document', async () => {
    const response = await fetch(issuer.discoveryUri);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toMatchObject({
      issuer: issuer.issuer,
      jwks_uri: issuer.jwksUri,
      token_endpoint: expect.stringContaining(issuer.origin) as unknown,
      id_token_signing_alg_values_supported: ['RS256'],
      subject_types_supported: ['public'],
    });
  });

  it('answers 404 elsewhere and 405 to other methods', async () => {
    expect((await fetch(`${issuer.origin}/jwks.json`)).status).toBe(404);
    const post = await fetch(issuer.jwksUri, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('counts requests live, query strings included, and resets', async () => {
    issuer.resetStats();
    const { stats } = issuer;
    expect(stats).toStrictEqual({ jwksRequests: 0, discoveryRequests: 0, tokenRequests: 0 });
    await fetch(issuer.jwksUri);
    await fetch(`${issuer.jwksUri}?cache-bust=1`);
    await fetch(issuer.discoveryUri);
    expect(stats.jwksRequests).toBe(2);
    expect(stats.discoveryRequests).toBe(1);
    issuer.resetStats();
    expect(stats.jwksRequests).toBe(0);
  });
});

describe('createTestIssuer({ kind: "cognito" })', () => {
  it('lays out URLs like cognito-idp.<region>.amazonaws.com/<poolId>', async () => {
    const issuer = await createTestIssuer({ kind: 'cognito', jwksCacheControl: 'no-store' });
    try {
      expect(issuer.userPoolId).toBe('us-east-1_TokenGate');
      expect(issuer.issuer).toBe(`${issuer.origin}/us-east-1_TokenGate`);
      expect(issuer.jwksUri).toBe(`${issuer.issuer}/.well-known/jwks.json`);
      expect(issuer.discoveryUri).toBe(`${issuer.issuer}/.well-known/openid-configuration`);
      const response = await fetch(issuer.jwksUri);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect((await fetch(`${issuer.origin}/.well-known/jwks.json`)).status).toBe(404);
    } finally {
      await issuer.close();
    }
  });

  it("sends no Cache-Control when jwksCacheControl is ''", async () => {
    const issuer = await createTestIssuer({ jwksCacheControl: '' });
    try {
      expect((await fetch(issuer.jwksUri)).headers.has('cache-control')).toBe(false);
    } finally {
      await issuer.close();
    }
  });
});

describe('option mistakes', () => {
  it.each<[string, unknown]>([
    ['kind', { kind: 'auth0' }],
    ['alg', { alg: 'HS256' }],
    ['userPoolId without cognito', { userPoolId: 'us-east-1_X' }],
    ['malformed userPoolId', { kind: 'cognito', userPoolId: 'no/slash' }],
    ['empty clientId', { clientId: '' }],
    ['empty issuer', { issuer: '' }],
    ['zero lifetime', { tokenLifetimeSeconds: 0 }],
    ['multi-line Cache-Control', { jwksCacheControl: 'a\r\nb' }],
  ])('%s rejects with TypeError', async (_name, options) => {
    await expect(createTestIssuer(options as TestIssuerOptions)).rejects.toThrow(TypeError);
  });

  it('a misspelt option rejects, suggesting the right one', async () => {
    await expect(
      createTestIssuer({ tokenLifetimeSecond: 60 } as TestIssuerOptions),
    ).rejects.toThrow('did you mean `tokenLifetimeSeconds`?');
  });
});
