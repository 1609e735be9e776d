import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { TEST_ALGORITHMS, createTestIssuer } from '../src/index.js';

describe.each(TEST_ALGORITHMS)('%s', (alg) => {
  it.each(['oidc', 'cognito'] as const)(
    'mints %s tokens that verify against the served JWKS',
    async (kind) => {
      const issuer = await createTestIssuer({ kind, alg });
      try {
        const jwks = createRemoteJWKSet(new URL(issuer.jwksUri));
        const [published] = issuer.jwks().keys;
        expect(issuer.jwks().keys).toHaveLength(1);
        expect(published).toMatchObject({ kid: issuer.currentKid, alg, use: 'sig' });

        const access = await issuer.accessToken();
        expect(decodeProtectedHeader(access)).toMatchObject({ alg, kid: issuer.currentKid });
        const audience = kind === 'oidc' ? issuer.audience : undefined;
        const verified = await jwtVerify(access, jwks, {
          issuer: issuer.issuer,
          algorithms: [alg],
          ...(audience === undefined ? {} : { audience }),
        });
        expect(verified.protectedHeader.alg).toBe(alg);

        for (const token of [await issuer.idToken(), await issuer.m2mToken()]) {
          const { payload } = await jwtVerify(token, jwks, { issuer: issuer.issuer });
          expect(payload.iss).toBe(issuer.issuer);
        }
      } finally {
        await issuer.close();
      }
    },
  );
});

describe('TEST_ALGORITHMS', () => {
  it('lists the ten algorithms once each and cannot be mutated', () => {
    expect(new Set(TEST_ALGORITHMS).size).toBe(10);
    expect(Object.isFrozen(TEST_ALGORITHMS)).toBe(true);
  });
});
