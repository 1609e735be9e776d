// Keys given up front (`jwks` on an issuer) and keys seeded at a cold start (`hydrate`).
import {
  cognitoIssuer,
  createJwksCache,
  createVerifier,
  googleIssuer,
  oidcIssuer,
  type VerifierEvent,
} from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf } from './helpers.js';

let idp: TestIssuer;
let pool: TestIssuer;
beforeAll(async () => {
  [idp, pool] = await Promise.all([
    createTestIssuer({ alg: 'ES256' }),
    createTestIssuer({ kind: 'cognito', userPoolId: 'eu-west-1_Static123', clientId: 'app' }),
  ]);
});
afterAll(() => Promise.all([idp.close(), pool.close()]));
beforeEach(() => {
  idp.resetStats();
  pool.resetStats();
});

describe('jwks: keys given up front', () => {
  it('verifies with no request at all, and refuses an unknown kid with KEY_NOT_FOUND', async () => {
    const events: VerifierEvent[] = [];
    const verifier = createVerifier({
      issuers: [oidcIssuer({ issuer: idp.issuer, audience: idp.audience, jwks: idp.jwks() })],
      onEvent: (event) => events.push(event),
    });
    await verifier.prewarm(); // nothing to warm
    const token = await idp.accessToken();
    await expect(verifier.verify(token)).resolves.toMatchObject({ issuer: idp.issuer });
    await expect(verifier.verify(token)).resolves.toMatchObject({ issuer: idp.issuer }); // cached
    const rotated = await idp.addKey(); // published by the IdP, not given to us
    const error = await rejectionOf(verifier.verify(await idp.accessToken({ kid: rotated })));
    expect(error.code).toBe('KEY_NOT_FOUND');
    expect(error.status).toBe(401);
    expect(idp.stats).toMatchObject({ jwksRequests: 0, discoveryRequests: 0 });
    expect(events.some((event) => event.type === 'jwks-fetch' || event.type === 'discovery')).toBe(
      false,
    );
    idp.removeKey(rotated);
  });

  it('works for cognitoIssuer and presets, whatever their IdP hosts', async () => {
    const verifier = createVerifier({
      issuers: [
        cognitoIssuer({ clientId: 'app', issuerOverride: pool.issuer, jwks: pool.jwks() }),
        googleIssuer({
          clientId: 'app',
          issuerOverride: idp.issuer,
          jwks: idp.jwks(),
          algorithms: ['ES256'],
        }),
      ],
    });
    await expect(verifier.verify(await pool.accessToken())).resolves.toMatchObject({
      issuer: pool.issuer,
    });
    const google = await idp.idToken({ clientId: 'app', claims: { aud: 'app' } });
    await expect(verifier.verify(google)).resolves.toMatchObject({ issuer: idp.issuer });
    expect(pool.stats.jwksRequests + idp.stats.jwksRequests).toBe(0);
  });

  it.each([
    ['not a JWK Set', () => ({ keys: 'nope' })],
    ['no keys', () => ({ keys: [] })],
    ['only an encryption key', () => ({ keys: [{ ...ecJwk(), use: 'enc' }] })],
  ])('refuses %s at creation, naming the issuer', (_why, jwks) => {
    const build = () => oidcIssuer({ issuer: idp.issuer, audience: null, jwks: jwks() as never });
    expect(build).toThrow(TypeError);
    expect(build).toThrow(idp.issuer);
  });

  it('refuses a set with no key for the allowed algorithms, per issuer and verifier-wide', () => {
    const jwks = idp.jwks(); // ES256 keys only
    expect(() =>
      oidcIssuer({ issuer: idp.issuer, audience: null, jwks, algorithms: ['RS256'] }),
    ).toThrow(TypeError);
    // Cognito signs with RS256 only.
    expect(() => cognitoIssuer({ clientId: null, issuerOverride: idp.issuer, jwks })).toThrow(
      TypeError,
    );
    const issuers = [oidcIssuer({ issuer: idp.issuer, audience: null, jwks })];
    expect(() => createVerifier({ issuers, algorithms: ['RS256'] })).toThrow(idp.issuer);
  });

  it('refuses jwks together with jwksUri or discovery', () => {
    const jwks = idp.jwks();
    const base = { issuer: idp.issuer, audience: null, jwks };
    expect(() => oidcIssuer({ ...base, jwksUri: idp.jwksUri })).toThrow(TypeError);
    expect(() => oidcIssuer({ ...base, discovery: true })).toThrow(TypeError);
    expect(() =>
      cognitoIssuer({ clientId: null, issuerOverride: pool.issuer, jwksUri: pool.jwksUri, jwks }),
    ).toThrow(TypeError);
    expect(() =>
      googleIssuer({ clientId: 'app', jwksUri: idp.jwksUri, jwks, algorithms: ['ES256'] }),
    ).toThrow(TypeError);
  });
});

describe('hydrate: keys seeded at a cold start', () => {
  const options = () => ({
    issuers: [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience })],
  });

  it('lets the first request verify without fetching, then refreshes as usual', async () => {
    const jwks = createJwksCache({ minTtlMs: 200, maxTtlMs: 200, cooldownMs: 100 });
    const verifier = createVerifier({ ...options(), jwks });
    verifier.hydrate(idp.jwksUri, idp.jwks());
    const token = await idp.accessToken();
    await expect(verifier.verify(token)).resolves.toMatchObject({ issuer: idp.issuer });
    expect(idp.stats.jwksRequests).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 250)); // past the seeded freshness
    await expect(verifier.verify(token)).resolves.toMatchObject({ issuer: idp.issuer });
    expect(idp.stats.jwksRequests).toBe(1);
    // Its refresh-ahead timer must not fetch during the next test, whose count is exact.
    await verifier.close();
    await jwks.close();
  });

  it('serves the seeded keys when the first refresh fails (stale-if-error)', async () => {
    const jwks = createJwksCache({ minTtlMs: 100, maxTtlMs: 100, cooldownMs: 100 });
    const verifier = createVerifier({ ...options(), jwks, cache: false });
    verifier.hydrate(idp.jwksUri, idp.jwks());
    await idp.outage('error', { status: 503 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 150));
      const token = await idp.accessToken();
      await expect(verifier.verify(token)).resolves.toMatchObject({ issuer: idp.issuer });
      await expect(verifier.verify(token)).resolves.toMatchObject({ issuer: idp.issuer });
      expect(idp.stats.jwksRequests).toBeGreaterThan(0);
    } finally {
      await idp.recover();
      await verifier.close();
      await jwks.close();
    }
  });

  it('fetches at once for a kid the bundled set lacks (a rotation since the build)', async () => {
    const verifier = createVerifier(options());
    verifier.hydrate(idp.jwksUri, idp.jwks());
    const rotated = await idp.addKey();
    try {
      const token = await idp.accessToken({ kid: rotated });
      await expect(verifier.verify(token)).resolves.toMatchObject({ issuer: idp.issuer });
      expect(idp.stats.jwksRequests).toBe(1);
    } finally {
      idp.removeKey(rotated);
    }
  });

  it('never replaces keys the IdP already served', async () => {
    const verifier = createVerifier(options());
    await verifier.prewarm();
    const other = await createTestIssuer({ alg: 'ES256' });
    try {
      verifier.hydrate(idp.jwksUri, other.jwks()); // e.g. a stale bundle
      await expect(verifier.verify(await idp.accessToken())).resolves.toBeDefined();
    } finally {
      await other.close();
    }
  });

  it('refuses an unknown jwksUri, a body that is not a JWK Set, and a cache without seed()', () => {
    const verifier = createVerifier(options());
    expect(() => verifier.hydrate(`${idp.jwksUri}x`, idp.jwks())).toThrow(TypeError);
    expect(() => verifier.hydrate(idp.jwksUri, { keys: 'nope' } as never)).toThrow(TypeError);
    expect(() => verifier.hydrate(idp.jwksUri, { keys: [] })).toThrow(TypeError);
    const discovered = createVerifier({
      issuers: [oidcIssuer({ issuer: idp.issuer, audience: null })],
    });
    expect(() => discovered.hydrate(idp.jwksUri, idp.jwks())).toThrow(TypeError);
    const bare = createVerifier({
      ...options(),
      jwks: {
        getKey: () => Promise.reject(new Error('unused')),
        refresh: async () => {},
        close: async () => {},
      },
    });
    expect(() => bare.hydrate(idp.jwksUri, idp.jwks())).toThrow(TypeError);
  });
});

function ecJwk(): Record<string, unknown> {
  const { keys } = idp.jwks();
  return { ...keys[0] };
}
