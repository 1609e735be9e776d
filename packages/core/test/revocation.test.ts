// Revocation through the public API: the memory store against the shared store contract, and
// the verifier's `revocation` hook (asked on every request, 401 `TOKEN_REVOKED`, 503
// `REVOCATION_UNAVAILABLE`, option checks).
import {
  IdpUnavailableError,
  cognitoIssuer,
  createMemoryRevocationStore,
  createVerifier,
  type RevocationStore,
  type VerifiedToken,
} from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revocationStoreContract, verifierFor } from '../../../test/revocation/store-contract.js';
import { rejectionOf } from './helpers.js';

describe('createMemoryRevocationStore', () => {
  revocationStoreContract(async (options) => createMemoryRevocationStore(options));

  it.each([0, -1, 1.5, '10', Number.NaN])(
    'refuses maxEntries %s with a TypeError',
    (maxEntries) => {
      expect(() => createMemoryRevocationStore({ maxEntries: maxEntries as number })).toThrow(
        TypeError,
      );
    },
  );
});

describe('the verifier revocation option', () => {
  let idp: TestIssuer;

  beforeAll(async () => {
    idp = await createTestIssuer({ kind: 'cognito' });
  });
  afterAll(async () => {
    await idp.close();
  });

  it.each([
    ['an empty object', {}],
    ['null', null],
    ['a string', 'redis://cache'],
    ['a non-function isRevoked', { isRevoked: true }],
  ])('refuses %s with a TypeError at creation', (_name, revocation) => {
    expect(() =>
      createVerifier({
        issuers: [],
        revocation: revocation as unknown as RevocationStore,
      }),
    ).toThrow(TypeError);
  });

  it('asks the store on every request, cache hits included, with the verified token', async () => {
    const seen: VerifiedToken[] = [];
    const verifier = verifierFor([idp], {
      isRevoked: (token) => (seen.push(token), false),
      revokeToken: async () => {},
      revokeSubject: async () => {},
      revokeClient: async () => {},
    });
    const token = await idp.accessToken({ sub: 'asked' });
    // Twice to enter the verified-token cache, a third time as a hit.
    await verifier.verify(token);
    await verifier.verify(token);
    await verifier.verify(token);
    expect(seen).toHaveLength(3);
    expect(seen[2]).toMatchObject({ token, issuer: idp.issuer, subject: 'asked' });
  });

  it('accepts an asynchronous answer', async () => {
    const verifier = verifierFor(
      [idp],
      storeAnswering(async (token) => token.subject === 'bad'),
    );
    expect((await verifier.verify(await idp.accessToken({ sub: 'good' }))).subject).toBe('good');
    const error = await rejectionOf(verifier.verify(await idp.accessToken({ sub: 'bad' })));
    expect(error.code).toBe('TOKEN_REVOKED');
    expect(error.status).toBe(401);
    expect(error.headers['WWW-Authenticate']).toContain('error="invalid_token"');
  });

  it.each([
    [
      'throws',
      () => {
        throw new Error('store down');
      },
    ],
    ['rejects', () => Promise.reject(new Error('store down'))],
  ])('fails closed with 503 REVOCATION_UNAVAILABLE when the store %s', async (_name, answer) => {
    const verifier = verifierFor([idp], storeAnswering(answer));
    const token = await idp.accessToken();
    for (let attempt = 0; attempt < 3; attempt++) {
      // The third attempt would be a verified-token cache hit: still refused.
      const error = await rejectionOf(verifier.verify(token));
      expect(error).toBeInstanceOf(IdpUnavailableError);
      expect(error.code).toBe('REVOCATION_UNAVAILABLE');
      expect(error.status).toBe(503);
      expect(error.headers['Retry-After']).toBeDefined();
      expect((error.cause as Error).message).toBe('store down');
    }
  });
});

describe('token lifetime against the revocation entry lifetime (issue 11 item 4)', () => {
  let idp: TestIssuer;

  beforeAll(async () => {
    idp = await createTestIssuer({ kind: 'cognito' });
  });
  afterAll(async () => {
    await idp.close();
  });

  const DAY = 86_400;
  // An Entra ID CAE token (28 h), an Auth0 token configured for 30 days.
  it.each([
    ['28 h', 28 * 3600],
    ['30 days', 30 * DAY],
  ])('refuses a %s token that would outlive a revocation entry', async (_name, lifetime) => {
    const now = Math.floor(Date.now() / 1000);
    const token = await idp.accessToken({ claims: { iat: now - 60, exp: now - 60 + lifetime } });
    const guarded = verifierFor([idp], createMemoryRevocationStore());
    const error = await rejectionOf(guarded.verify(token));
    expect(error.code).toBe('TOKEN_LIFETIME_EXCEEDED');
    expect(error.status).toBe(401);
    expect(error.headers['WWW-Authenticate']).toContain('error="invalid_token"');
    // The same token passes with no store, and with entries kept long enough.
    const unguarded = createVerifier({
      issuers: [
        cognitoIssuer({ issuerOverride: idp.issuer, jwksUri: idp.jwksUri, clientId: null }),
      ],
    });
    expect((await unguarded.verify(token)).subject).toBeDefined();
    const longer = createMemoryRevocationStore({ entryLifetimeSeconds: lifetime });
    expect((await verifierFor([idp], longer).verify(token)).subject).toBeDefined();
  });

  it('revokes that longer-lived token for its whole life when entries are kept long enough', async () => {
    const now = Math.floor(Date.now() / 1000);
    // Issued 25 h ago, valid 28 h: a subject revoked then must still be revoked now.
    const token = await idp.accessToken({
      sub: 'cae-user',
      claims: { iat: now - 25 * 3600, exp: now + 3 * 3600 },
    });
    const store = createMemoryRevocationStore({ entryLifetimeSeconds: 28 * 3600 });
    await store.revokeSubject({ issuer: idp.issuer, subject: 'cae-user', before: now - 25 * 3600 });
    expect((await rejectionOf(verifierFor([idp], store).verify(token))).code).toBe('TOKEN_REVOKED');
  });

  it('refuses a token that cannot be placed in time (no iat nor auth_time) when a store is set', async () => {
    const token = await idp.accessToken({ claims: { iat: undefined, auth_time: undefined } });
    const error = await rejectionOf(
      verifierFor([idp], createMemoryRevocationStore()).verify(token),
    );
    expect(error.code).toBe('TOKEN_LIFETIME_EXCEEDED');
  });

  it('lets per-entry maxTokenLifetimeSeconds lengthen an entry but never shorten it', async () => {
    const store = createMemoryRevocationStore();
    const now = Math.floor(Date.now() / 1000);
    // Cut-off 2 h ago with a 1 h lifetime: the store's day still covers a token issued then.
    const token = await idp.accessToken({
      sub: 'short-claimed',
      claims: { iat: now - 7200, exp: now + 3600 },
    });
    await store.revokeSubject({
      issuer: idp.issuer,
      subject: 'short-claimed',
      before: now - 7200,
      maxTokenLifetimeSeconds: 3600,
    });
    expect((await rejectionOf(verifierFor([idp], store).verify(token))).code).toBe('TOKEN_REVOKED');
  });

  it.each([0, -1, 1.5, '10', 400 * DAY, Number.MAX_SAFE_INTEGER])(
    'refuses entryLifetimeSeconds %s with a TypeError, on a store or a custom one',
    (entryLifetimeSeconds) => {
      expect(() =>
        createMemoryRevocationStore({ entryLifetimeSeconds: entryLifetimeSeconds as number }),
      ).toThrow(TypeError);
      expect(() =>
        createVerifier({
          issuers: [cognitoIssuer({ issuerOverride: idp.issuer, clientId: null })],
          revocation: {
            isRevoked: () => false,
            entryLifetimeSeconds,
          } as unknown as RevocationStore,
        }),
      ).toThrow(TypeError);
    },
  );
});

function storeAnswering(
  answer: (token: VerifiedToken) => boolean | Promise<boolean>,
): RevocationStore & {
  revokeToken(): Promise<void>;
  revokeSubject(): Promise<void>;
  revokeClient(): Promise<void>;
} {
  return {
    isRevoked: answer,
    revokeToken: async () => {},
    revokeSubject: async () => {},
    revokeClient: async () => {},
  };
}
