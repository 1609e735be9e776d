// One table of revocation semantics that every store must honour, run through the public API:
// a verifier with the store as its `revocation` option, tokens from the local Cognito-kind
// issuer (`jti`, `origin_jti`, `iat`, `auth_time`). The memory store defines the semantics;
// `@tokengate/redis` must behave identically.
import {
  cognitoIssuer,
  createVerifier,
  TokengateError,
  type RevocationRegistry,
  type Verifier,
} from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';

export interface StoreFactoryOptions {
  readonly maxEntries?: number;
}

/** A fresh, empty store (its own keyspace), ready to answer. */
export type StoreFactory = (
  options: StoreFactoryOptions,
) => Promise<RevocationRegistry & { close?(): Promise<void> }>;

export const OTHER_CLIENT = 'other-app-client';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The `code` of the rejection, or `'passed'`. */
export async function outcome(verifier: Verifier, token: string): Promise<string> {
  try {
    await verifier.verify(token);
    return 'passed';
  } catch (error) {
    if (error instanceof TokengateError) return error.code;
    throw error;
  }
}

/** A verifier trusting `issuer`'s access and ID tokens from its client and `OTHER_CLIENT`. */
export function verifierFor(
  issuers: readonly TestIssuer[],
  revocation: RevocationRegistry,
  cache = true,
): Verifier {
  return createVerifier({
    issuers: issuers.map((issuer) =>
      cognitoIssuer({
        issuerOverride: issuer.issuer,
        jwksUri: issuer.jwksUri,
        clientId: [issuer.clientId, OTHER_CLIENT],
        tokenUse: 'both',
      }),
    ),
    revocation,
    ...(cache ? {} : { cache: false as const }),
  });
}

export function revocationStoreContract(makeStore: StoreFactory): void {
  let idp: TestIssuer;
  let otherIdp: TestIssuer;
  const opened: { close?(): Promise<void> }[] = [];

  beforeAll(async () => {
    [idp, otherIdp] = await Promise.all([
      createTestIssuer({ kind: 'cognito' }),
      createTestIssuer({ kind: 'cognito', userPoolId: 'eu-west-1_OtherPool' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([idp?.close(), otherIdp?.close()]);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close?.()));
  });

  async function setup(options: StoreFactoryOptions = {}) {
    const store = await makeStore(options);
    opened.push(store);
    return { store, verifier: verifierFor([idp, otherIdp], store) };
  }

  it('revokes one token by jti, and only that token', async () => {
    const { store, verifier } = await setup();
    const [token, sibling] = await Promise.all([idp.accessToken(), idp.accessToken()]);
    const { jti, exp } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    await store.revokeToken({ issuer: idp.issuer, tokenId: jti, expiresAt: exp });
    expect(await outcome(verifier, token)).toBe('TOKEN_REVOKED');
    expect(await outcome(verifier, sibling)).toBe('passed');
  });

  it('revokes the access and the ID token of a family by origin_jti', async () => {
    const { store, verifier } = await setup();
    const family = { claims: { origin_jti: 'family-1' } };
    const [access, id, otherFamily] = await Promise.all([
      idp.accessToken(family),
      idp.idToken(family),
      idp.accessToken(),
    ]);
    expect(await outcome(verifier, id)).toBe('passed');
    await store.revokeToken({
      issuer: idp.issuer,
      tokenId: 'family-1',
      expiresAt: nowSeconds() + 3600,
    });
    expect(await outcome(verifier, access)).toBe('TOKEN_REVOKED');
    expect(await outcome(verifier, id)).toBe('TOKEN_REVOKED');
    expect(await outcome(verifier, otherFamily)).toBe('passed');
  });

  it('revokes a subject before T: tokens issued at or before T fail, later ones pass', async () => {
    const { store, verifier } = await setup();
    const t = nowSeconds() - 100;
    const issuedAt = (iat: number) => ({ sub: 'user-1', claims: { iat, auth_time: iat } });
    const [before, atT, after, otherUser] = await Promise.all([
      idp.accessToken(issuedAt(t - 50)),
      idp.idToken(issuedAt(t)),
      idp.accessToken(issuedAt(t + 1)),
      idp.accessToken({ sub: 'user-2', claims: { iat: t - 50 } }),
    ]);
    await store.revokeSubject({ issuer: idp.issuer, subject: 'user-1', before: t });
    expect(await outcome(verifier, before)).toBe('TOKEN_REVOKED');
    expect(await outcome(verifier, atT)).toBe('TOKEN_REVOKED');
    expect(await outcome(verifier, after)).toBe('passed');
    expect(await outcome(verifier, otherUser)).toBe('passed');
  });

  it('defaults the cut-off to now: every token issued so far fails', async () => {
    const { store, verifier } = await setup();
    const token = await idp.accessToken({ sub: 'user-now' });
    await store.revokeSubject({ issuer: idp.issuer, subject: 'user-now' });
    expect(await outcome(verifier, token)).toBe('TOKEN_REVOKED');
  });

  it('revokes a client: its tokens issued before T fail, other clients pass', async () => {
    const { store, verifier } = await setup();
    const t = nowSeconds() - 10;
    const [old, fresh, otherClient, m2m] = await Promise.all([
      idp.accessToken({ clientId: OTHER_CLIENT, claims: { iat: t - 1 } }),
      idp.accessToken({ clientId: OTHER_CLIENT, claims: { iat: t + 1 } }),
      idp.accessToken({ claims: { iat: t - 1 } }),
      idp.m2mToken({ clientId: OTHER_CLIENT, claims: { iat: t - 1 } }),
    ]);
    await store.revokeClient({ issuer: idp.issuer, clientId: OTHER_CLIENT, before: t });
    expect(await outcome(verifier, old)).toBe('TOKEN_REVOKED');
    expect(await outcome(verifier, m2m)).toBe('TOKEN_REVOKED');
    expect(await outcome(verifier, fresh)).toBe('passed');
    expect(await outcome(verifier, otherClient)).toBe('passed');
  });

  it('keeps issuers apart: the same sub, jti or client elsewhere is not revoked', async () => {
    const { store, verifier } = await setup();
    const same = { sub: 'shared-sub', clientId: OTHER_CLIENT, claims: { jti: 'shared-jti' } };
    const [here, there] = await Promise.all([idp.accessToken(same), otherIdp.accessToken(same)]);
    const expiresAt = nowSeconds() + 3600;
    await store.revokeToken({ issuer: idp.issuer, tokenId: 'shared-jti', expiresAt });
    await store.revokeSubject({ issuer: idp.issuer, subject: 'shared-sub' });
    await store.revokeClient({ issuer: idp.issuer, clientId: OTHER_CLIENT });
    expect(await outcome(verifier, here)).toBe('TOKEN_REVOKED');
    expect(await outcome(verifier, there)).toBe('passed');
  });

  it('lets entries expire by themselves', async () => {
    const { store, verifier } = await setup();
    const verifierNoCache = verifierFor([idp], store, false);
    const [byJti, bySubject, byClient] = await Promise.all([
      idp.accessToken({ claims: { jti: 'short-lived' } }),
      idp.accessToken({ sub: 'short-sub' }),
      idp.accessToken({ sub: 'client-sub', clientId: OTHER_CLIENT }),
    ]);
    const now = Date.now() / 1000;
    await store.revokeToken({ issuer: idp.issuer, tokenId: 'short-lived', expiresAt: now + 0.6 });
    const short = { before: now, maxTokenLifetimeSeconds: 0.6 };
    await store.revokeSubject({ issuer: idp.issuer, subject: 'short-sub', ...short });
    await store.revokeClient({ issuer: idp.issuer, clientId: OTHER_CLIENT, ...short });
    for (const token of [byJti, bySubject, byClient]) {
      expect(await outcome(verifier, token)).toBe('TOKEN_REVOKED');
    }
    await sleep(900);
    for (const token of [byJti, bySubject, byClient]) {
      expect(await outcome(verifierNoCache, token)).toBe('passed');
    }
  });

  it('ignores an entry whose tokens have all expired already', async () => {
    const { store, verifier } = await setup();
    const token = await idp.accessToken({ claims: { jti: 'long-gone' } });
    await store.revokeToken({ issuer: idp.issuer, tokenId: 'long-gone', expiresAt: 1 });
    expect(await outcome(verifier, token)).toBe('passed');
  });

  it('honours a revocation on a verified-token cache hit', async () => {
    const { store, verifier } = await setup();
    const token = await idp.accessToken({ sub: 'cached-user' });
    expect(await outcome(verifier, token)).toBe('passed');
    expect(await outcome(verifier, token)).toBe('passed'); // admitted to the cache
    expect(await outcome(verifier, token)).toBe('passed'); // a cache hit
    await store.revokeSubject({ issuer: idp.issuer, subject: 'cached-user' });
    expect(await outcome(verifier, token)).toBe('TOKEN_REVOKED');
  });

  it('keeps the later cut-off, whatever the order of the writes', async () => {
    const { store, verifier } = await setup();
    const t = nowSeconds() - 100;
    const between = await idp.accessToken({ sub: 'u-late', claims: { iat: t - 10 } });
    const between2 = await idp.accessToken({ sub: 'u-early', claims: { iat: t - 10 } });
    await store.revokeSubject({ issuer: idp.issuer, subject: 'u-late', before: t });
    await store.revokeSubject({ issuer: idp.issuer, subject: 'u-late', before: t - 20 });
    await store.revokeSubject({ issuer: idp.issuer, subject: 'u-early', before: t - 20 });
    await store.revokeSubject({ issuer: idp.issuer, subject: 'u-early', before: t });
    expect(await outcome(verifier, between)).toBe('TOKEN_REVOKED');
    expect(await outcome(verifier, between2)).toBe('TOKEN_REVOKED');
  });

  it('never shortens an entry when an earlier cut-off arrives later', async () => {
    const { store } = await setup();
    const verifier = verifierFor([idp], store, false);
    const now = Date.now() / 1000;
    const token = await idp.accessToken({ sub: 'u-kept' }); // iat <= now
    await store.revokeSubject({
      issuer: idp.issuer,
      subject: 'u-kept',
      before: now,
      maxTokenLifetimeSeconds: 3,
    });
    // An older sign-out replayed late (a retry, a second admin): its entry would end at now + 0.5 s.
    await store.revokeSubject({
      issuer: idp.issuer,
      subject: 'u-kept',
      before: now - 2.5,
      maxTokenLifetimeSeconds: 3,
    });
    await sleep(800);
    // Tokens issued up to `now` may live until now + 3 s: the entry must still cover them.
    expect(await outcome(verifier, token)).toBe('TOKEN_REVOKED');
  });

  it('refuses a revocation when full of live entries, and drops none', async () => {
    const { store, verifier } = await setup({ maxEntries: 2 });
    const expiresAt = nowSeconds() + 3600;
    const tokens = await Promise.all(
      ['full-1', 'full-2', 'full-3'].map((jti) => idp.accessToken({ claims: { jti } })),
    );
    await store.revokeToken({ issuer: idp.issuer, tokenId: 'full-1', expiresAt });
    await store.revokeToken({ issuer: idp.issuer, tokenId: 'full-2', expiresAt });
    await expect(
      store.revokeToken({ issuer: idp.issuer, tokenId: 'full-3', expiresAt }),
    ).rejects.toBeInstanceOf(RangeError);
    // Writing an entry it already holds still works.
    await store.revokeToken({ issuer: idp.issuer, tokenId: 'full-1', expiresAt: expiresAt + 1 });
    expect(await outcome(verifier, tokens[0]!)).toBe('TOKEN_REVOKED');
    expect(await outcome(verifier, tokens[1]!)).toBe('TOKEN_REVOKED');
    expect(await outcome(verifier, tokens[2]!)).toBe('passed');
  });
}
