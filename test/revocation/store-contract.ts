// One table of revocation semantics that every store must honour, run through the public API:
// a verifier with the store as its `revocation` option, tokens from the local Cognito-kind
// issuer (`jti`, `origin_jti`, `iat`, `auth_time`). The memory store defines the semantics;
// `@tokengate/redis` must behave identically.
import {
  cognitoIssuer,
  createVerifier,
  googleIssuer,
  REVOCATION_CLOCK_MARGIN_SECONDS,
  TokengateError,
  type RevocationRegistry,
  type Verifier,
  type VerifiedToken,
} from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';

export interface StoreFactoryOptions {
  readonly maxEntries?: number;
  readonly entryLifetimeSeconds?: number;
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

/** The verifier's default clock tolerance: an "issued before" cut-off stretches by it. */
export const TOLERANCE = 5;

/** A verified token as a verifier hands it to the store, for asking the store directly. */
export function verifiedToken(issuer: string, claims: Record<string, unknown>): VerifiedToken {
  return {
    token: 'x',
    header: { alg: 'RS256' },
    claims: { iss: issuer, ...claims },
    issuer,
    subject: claims.sub as string | undefined,
    clientId: claims.client_id as string | undefined,
    tokenUse: 'access',
    scopes: [],
    groups: [],
    expiresAt: undefined,
  } as unknown as VerifiedToken;
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
      // Past the cut-off by more than the verifier's clock tolerance.
      idp.accessToken(issuedAt(t + TOLERANCE + 1)),
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
      idp.accessToken({ clientId: OTHER_CLIENT, claims: { iat: t + TOLERANCE + 1 } }),
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

  it('lets entries expire by themselves, once every token they cover has expired', async () => {
    // An entry lives until its tokens' end plus the clock margin: place them so that is 0.6 s away.
    const { store } = await setup({ entryLifetimeSeconds: 1 });
    const margin = REVOCATION_CLOCK_MARGIN_SECONDS;
    const now = Date.now() / 1000;
    const before = now - margin - 1 + 0.6;
    await store.revokeToken({
      issuer: idp.issuer,
      tokenId: 'short-lived',
      expiresAt: now - margin + 0.6,
    });
    await store.revokeSubject({ issuer: idp.issuer, subject: 'short-sub', before });
    await store.revokeClient({ issuer: idp.issuer, clientId: OTHER_CLIENT, before });
    const tokens = [
      verifiedToken(idp.issuer, { jti: 'short-lived' }),
      verifiedToken(idp.issuer, { sub: 'short-sub', iat: before - 1 }),
      verifiedToken(idp.issuer, { sub: 'client-sub', client_id: OTHER_CLIENT, iat: before - 1 }),
    ];
    for (const token of tokens) expect(store.isRevoked(token)).toBe(true);
    await sleep(900);
    for (const token of tokens) expect(store.isRevoked(token)).toBe(false);
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

  // Issue 11 item 2: entries follow the issuer, not the spelling of its `iss`.
  const POOL = 'eu-west-1_AbC123';
  const COGNITO = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`;
  const cognitoSpellings = [
    COGNITO,
    `https://issuer-cognito-idp.eu-west-1.amazonaws.com/${POOL}`,
    // A multi-region replica: another region's host, the pool id keeps its home region.
    `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`,
    `https://issuer-cognito-idp.us-east-1.amazonaws.com/${POOL}`,
  ];
  const googleSpellings = ['https://accounts.google.com', 'accounts.google.com'];
  const spellingCases = () => [
    ...cognitoSpellings.map((written) => ({
      written: written as string | ReturnType<typeof cognitoIssuer>,
      spellings: cognitoSpellings,
    })),
    {
      written: cognitoIssuer({ userPoolId: POOL, clientId: 'app' }),
      spellings: cognitoSpellings,
    },
    ...googleSpellings.map((written) => ({
      written: written as string | ReturnType<typeof googleIssuer>,
      spellings: googleSpellings,
    })),
    {
      written: googleIssuer({ clientId: 'app.apps.googleusercontent.com' }),
      spellings: googleSpellings,
    },
  ];

  it('revokes a subject, a client and a token id under every spelling of its issuer', async () => {
    const { store } = await setup();
    const iat = nowSeconds() - 60;
    for (const [index, { written, spellings }] of spellingCases().entries()) {
      const [sub, client, jti] = [`sub-${index}`, `client-${index}`, `jti-${index}`];
      await store.revokeSubject({ issuer: written, subject: sub });
      await store.revokeClient({ issuer: written, clientId: client });
      await store.revokeToken({ issuer: written, tokenId: jti, expiresAt: nowSeconds() + 600 });
      for (const iss of spellings) {
        expect(store.isRevoked(verifiedToken(iss, { sub, iat }))).toBe(true);
        expect(store.isRevoked(verifiedToken(iss, { client_id: client, iat }))).toBe(true);
        expect(store.isRevoked(verifiedToken(iss, { jti }))).toBe(true);
      }
      expect(store.isRevoked(verifiedToken(spellings[0]!, { sub: 'someone-else', iat }))).toBe(
        false,
      );
    }
  });

  it('never merges two issuers: another pool, another host, a look-alike stay apart', async () => {
    const { store } = await setup();
    await store.revokeSubject({ issuer: COGNITO, subject: 'shared' });
    await store.revokeSubject({ issuer: 'https://accounts.google.com', subject: 'shared' });
    const iat = nowSeconds() - 60;
    for (const iss of [
      'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other1',
      `https://cognito-idp.eu-west-1.amazonaws.com.evil.example/${POOL}`,
      `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}/`,
      `http://cognito-idp.eu-west-1.amazonaws.com/${POOL}`,
      `https://COGNITO-IDP.eu-west-1.amazonaws.com/${POOL}`,
      'https://accounts.google.com/',
      'accounts.google.com.evil.example',
    ]) {
      expect(store.isRevoked(verifiedToken(iss, { sub: 'shared', iat }))).toBe(false);
    }
  });

  // Issue 11 item 4: clocks.
  it('revokes a token minted just before the sign-out by an IdP whose clock runs 2 s ahead', async () => {
    const { store, verifier } = await setup();
    const token = await idp.accessToken({ sub: 'fast-idp', claims: { iat: nowSeconds() + 2 } });
    expect(await outcome(verifier, token)).toBe('passed'); // within the verifier's tolerance
    await store.revokeSubject({ issuer: idp.issuer, subject: 'fast-idp' });
    expect(await outcome(verifier, token)).toBe('TOKEN_REVOKED');
  });

  it('keeps a token entry while the verifier still accepts the token past its exp', async () => {
    const { store, verifier } = await setup();
    // Expired 2 s ago: still accepted within the verifier's 5 s tolerance (RFC 7519 §4.1.4).
    const token = await idp.accessToken({ claims: { jti: 'just-expired' }, expiresIn: -2 });
    expect(await outcome(verifier, token)).toBe('passed');
    const exp = nowSeconds() - 2;
    await store.revokeToken({ issuer: idp.issuer, tokenId: 'just-expired', expiresAt: exp });
    expect(await outcome(verifier, token)).toBe('TOKEN_REVOKED');
  });

  // Issue 11 item 3: no entry can poison a store.
  it.each([
    ['an expiresAt past a year', { kind: 'token', expiresAt: Number.MAX_SAFE_INTEGER }],
    ['a fractional lifetime', { kind: 'subject', maxTokenLifetimeSeconds: 0.5 }],
    ['a lifetime past a year', { kind: 'subject', maxTokenLifetimeSeconds: 400 * 86_400 }],
    ['a before past a year', { kind: 'client', before: Number.MAX_SAFE_INTEGER }],
    ['a negative before', { kind: 'subject', before: -1 }],
    ['a lone surrogate subject', { kind: 'subject', subject: 'user-\uD800' }],
    ['a lone low surrogate client', { kind: 'client', clientId: '\uDC00app' }],
    ['a subject past 1024 characters', { kind: 'subject', subject: 'x'.repeat(1025) }],
    ['an issuer with NUL', { kind: 'subject', issuer: 'https://a.example\u0000s' }],
    ['an issuer past 2048 characters', { kind: 'token', issuer: `https://${'a'.repeat(2048)}` }],
    ['an issuer object without endpoints', { kind: 'subject', issuer: { kind: 'oidc' } }],
  ])('refuses %s with a TypeError, storing nothing', async (_name, { kind, ...fields }) => {
    const { store } = await setup();
    const base = { issuer: idp.issuer, expiresAt: nowSeconds() + 60, subject: 's', clientId: 'c' };
    const entry = { ...base, tokenId: 'j', ...fields } as never;
    const call =
      kind === 'token'
        ? store.revokeToken(entry)
        : kind === 'subject'
          ? store.revokeSubject(entry)
          : store.revokeClient(entry);
    await expect(call).rejects.toBeInstanceOf(TypeError);
    expect((store as { size?: number }).size).toBe(0);
  });

  it('revokes a subject with a well-formed astral character, distinct from U+FFFD', async () => {
    const { store } = await setup();
    await store.revokeSubject({ issuer: idp.issuer, subject: 'user-\u{1F600}' });
    const iat = nowSeconds() - 1;
    expect(store.isRevoked(verifiedToken(idp.issuer, { sub: 'user-\u{1F600}', iat }))).toBe(true);
    expect(store.isRevoked(verifiedToken(idp.issuer, { sub: 'user-\uFFFD', iat }))).toBe(false);
  });
}
