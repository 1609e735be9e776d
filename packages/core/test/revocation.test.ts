// Revocation through the public API: the memory store against the shared store contract, and
// the verifier's `revocation` hook (asked on every request, 401 `TOKEN_REVOKED`, 503
// `REVOCATION_UNAVAILABLE`, option checks).
import {
  IdpUnavailableError,
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
  revocationStoreContract(async ({ maxEntries }) =>
    createMemoryRevocationStore(maxEntries === undefined ? {} : { maxEntries }),
  );

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
