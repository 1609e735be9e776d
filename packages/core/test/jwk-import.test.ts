// A key set that carries private key material (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2):
// given up front it is a configuration mistake (the signing key is being handed around), and
// published by an IdP it verifies nothing, since anyone holding the set can sign with it.
import { createJwksCache, createVerifier, oidcIssuer } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf } from './helpers.js';

let idp: TestIssuer;
beforeAll(async () => {
  idp = await createTestIssuer({ alg: 'ES256' });
});
afterAll(() => idp.close());

/** The IdP's current key as a JWK with its private member `d`, as a leaked set would hold it. */
function leakedJwks(): { keys: Record<string, unknown>[] } {
  const key = idp.keys().find((candidate) => candidate.kid === idp.currentKid);
  if (key === undefined) throw new Error('no current key');
  const jwk = key.privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
  return { keys: [{ ...jwk, kid: key.kid, alg: key.alg, use: 'sig' }] };
}

const symmetricJwk = { kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0', kid: 'hs' };

describe('private key material in a key set', () => {
  it('is refused at creation in a static jwks, naming the issuer', () => {
    const build = () =>
      oidcIssuer({ issuer: idp.issuer, audience: idp.audience, jwks: leakedJwks() as never });
    expect(build).toThrow(TypeError);
    expect(build).toThrow(idp.issuer);
  });

  it('is refused in a static jwks even next to a usable public key (a shared secret too)', () => {
    const jwks = { keys: [...idp.jwks().keys, symmetricJwk] };
    expect(() =>
      oidcIssuer({ issuer: idp.issuer, audience: idp.audience, jwks: jwks as never }),
    ).toThrow(TypeError);
  });

  it('is refused by hydrate() and by a JWKS cache seed', () => {
    const verifier = createVerifier({
      issuers: [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience })],
    });
    expect(() => verifier.hydrate(idp.jwksUri, leakedJwks() as never)).toThrow(TypeError);
    const cache = createJwksCache();
    expect(() => cache.seed?.(idp.jwksUri, leakedJwks())).toThrow(TypeError);
  });

  it('published by the IdP, verifies nothing: the key is skipped (KEY_NOT_FOUND)', async () => {
    // The real JWKS, fetched over loopback, with the private member added on the way in.
    const leakingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const body = (await response.json()) as { keys: Record<string, unknown>[] };
      const leaked = leakedJwks().keys[0] as Record<string, unknown>;
      const keys = body.keys.map((jwk) => (jwk.kid === leaked.kid ? leaked : jwk));
      return new Response(JSON.stringify({ keys }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    };
    const verifier = createVerifier({
      issuers: [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience })],
      jwks: { fetch: leakingFetch },
    });
    try {
      const error = await rejectionOf(verifier.verify(await idp.accessToken()));
      expect(error.code).toBe('KEY_NOT_FOUND');
      expect(error.status).toBe(401);
    } finally {
      await verifier.close();
    }
  });
});
