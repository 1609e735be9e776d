// A token with no `iat` is placed in time by Cognito's `auth_time` (revocation-keys.ts
// `issuedAtOf`). Unlike `iat`, nothing checked `auth_time` against the clock: one in the future
// passed the lifetime bound (exp − auth_time is then small or negative) and was never covered
// by an "issued before" entry, so a revoked subject's token kept working.
import { createMemoryRevocationStore } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifierFor } from '../../../test/revocation/store-contract.js';
import { nowSeconds, rejectionOf } from './helpers.js';

let idp: TestIssuer;
beforeAll(async () => {
  idp = await createTestIssuer({ kind: 'cognito' });
});
afterAll(() => idp.close());

describe('auth_time standing in for iat', () => {
  it.each([
    ['a day ahead', 86_400],
    ['past the tolerance', 30],
    ['far in the future', 1e12],
  ])('%s is refused when a store is set, whatever was revoked', async (_why, ahead) => {
    const now = nowSeconds();
    const token = await idp.accessToken({
      sub: 'future-user',
      claims: { iat: undefined, auth_time: now + ahead, exp: now + 600 },
    });
    const store = createMemoryRevocationStore();
    await store.revokeSubject({ issuer: idp.issuer, subject: 'future-user' });
    for (const cache of [true, false]) {
      const error = await rejectionOf(verifierFor([idp], store, cache).verify(token));
      expect(error.code).toBe('TOKEN_ISSUED_IN_FUTURE');
      expect(error.status).toBe(401);
    }
  });

  it('within the tolerance, still places the token and honours the revocation', async () => {
    const now = nowSeconds();
    const token = await idp.accessToken({
      sub: 'skewed-user',
      claims: { iat: undefined, auth_time: now + 3, exp: now + 600 },
    });
    const store = createMemoryRevocationStore();
    const verifier = verifierFor([idp], store);
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'skewed-user' });
    await store.revokeSubject({ issuer: idp.issuer, subject: 'skewed-user' });
    expect((await rejectionOf(verifier.verify(token))).code).toBe('TOKEN_REVOKED');
  });
});
