// A verifier sharing a JWKS cache fetches its issuers' discovery documents the way the cache
// fetches key sets: through its `fetch` (a proxy agent, an egress allow-list) and with its
// deadlines, not through the global `fetch` with the defaults.
import { createJwksCache, createVerifier, oidcIssuer, type JwksCache } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchSettingsOf } from '../src/jwks/jwks-fetch-settings.js';

let idp: TestIssuer;
beforeAll(async () => {
  idp = await createTestIssuer({ kind: 'oidc' });
});
afterAll(() => idp.close());

describe('a shared createJwksCache() lends its fetch settings to discovery', () => {
  it('discovery and key fetches both go through the cache’s fetch', async () => {
    const seen: string[] = [];
    const proxied: typeof fetch = (input, init) => {
      seen.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    const jwks = createJwksCache({ fetch: proxied, timeoutMs: 1500, cooldownMs: 700 });
    // No jwksUri: the key set's location comes from OpenID Connect discovery.
    const verifier = createVerifier({
      issuers: [oidcIssuer({ issuer: idp.issuer, audience: idp.audience })],
      jwks,
    });
    try {
      await expect(verifier.verify(await idp.accessToken())).resolves.toMatchObject({
        issuer: idp.issuer,
      });
      expect(seen.some((url) => url.endsWith('/.well-known/openid-configuration'))).toBe(true);
      expect(seen).toContain(idp.jwksUri);
    } finally {
      await verifier.close();
      await jwks.close();
    }
  });

  it('carries the settings the cache resolved, frozen and hidden from its keys', () => {
    const jwks = createJwksCache({ timeoutMs: 1500, fetchTimeoutMs: 4000, cooldownMs: 700 });
    const settings = fetchSettingsOf(jwks);
    expect(settings).toMatchObject({ timeoutMs: 1500, fetchTimeoutMs: 4000, cooldownMs: 700 });
    expect(typeof settings?.fetch).toBe('function');
    expect(Object.keys(jwks).sort()).toEqual(['close', 'getKey', 'refresh', 'seed']);
  });

  it('a hand-written cache has none; forged settings are checked like options', () => {
    const handWritten = (): JwksCache =>
      ({
        getKey: () => Promise.reject(new Error('unused')),
        refresh: async () => undefined,
        close: async () => undefined,
      }) as never;
    expect(fetchSettingsOf(handWritten())).toBeUndefined();
    const issuers = [oidcIssuer({ issuer: idp.issuer, audience: idp.audience })];
    for (const [forged, message] of [
      [{ fetch: 'nope' }, /^jwks\.fetch must be a function/],
      [{ timeoutMs: 2 ** 40 }, /^jwks\.timeoutMs must be at most 2147483647/],
      [{ timeoutMs: 300, fetchTimeoutMs: 1 }, /^jwks\.fetchTimeoutMs must not be less than/],
      [{ cooldownMs: Number.MAX_SAFE_INTEGER }, /^jwks\.cooldownMs must be at most/],
    ] as const) {
      const jwks = Object.assign(handWritten(), {
        [Symbol.for('tokengate.jwksFetchSettings')]: forged,
      });
      expect(() => createVerifier({ issuers, jwks })).toThrow(message);
    }
  });
});
