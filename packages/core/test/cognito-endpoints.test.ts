// Cognito issuer forms and replicated pools against "AWS" served on loopback: one local issuer per
// region and form writes the real AWS `iss`, and the JWKS cache's `fetch` seam routes each AWS
// JWKS URL to the loopback issuer that stands in for it.
import {
  IdpUnavailableError,
  cognitoIssuer,
  createMemoryRevocationStore,
  createVerifier,
  type CognitoIssuerOptions,
  type VerifierEvent,
} from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf } from './helpers.js';

const POOL = 'us-east-1_Example';
const CLIENT = 'example-client';
const iss = (host: string, region: string) => `https://${host}.${region}.amazonaws.com/${POOL}`;
const HOME = iss('cognito-idp', 'us-east-1');
const HOME_UPDATED = iss('issuer-cognito-idp', 'us-east-1');
const REPLICA = iss('cognito-idp', 'us-west-2');
const REPLICA_UPDATED = iss('issuer-cognito-idp', 'us-west-2');

// Each stands in for one AWS issuer URL, with its own keys, as every region and form has.
const idps = new Map<string, TestIssuer>();
const idp = (issuer: string) => idps.get(issuer) as TestIssuer;
/** Every AWS URL the verifier asked for, in order. */
let requested: string[] = [];

beforeAll(async () => {
  for (const issuer of [HOME, HOME_UPDATED, REPLICA, REPLICA_UPDATED]) {
    idps.set(
      issuer,
      await createTestIssuer({ kind: 'cognito', userPoolId: POOL, clientId: CLIENT, issuer }),
    );
  }
});
afterAll(() => Promise.all([...idps.values()].map((issuer) => issuer.close())));
afterEach(async () => {
  requested = [];
  await Promise.all([...idps.values()].map((issuer) => issuer.recover()));
});

/** A `fetch` that serves `<aws issuer>/.well-known/jwks.json` from the loopback issuer. */
const routedFetch: typeof fetch = (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  requested.push(url);
  const target = [...idps.values()].find((i) => `${i.issuer}/.well-known/jwks.json` === url);
  return target === undefined
    ? Promise.resolve(new Response('not found', { status: 404 }))
    : fetch(target.jwksUri, init);
};

function verifierFor(
  options: Partial<CognitoIssuerOptions> = {},
  events: VerifierEvent[] = [],
  revocation?: ReturnType<typeof createMemoryRevocationStore>,
) {
  return createVerifier({
    issuers: [cognitoIssuer({ userPoolId: POOL, clientId: CLIENT, ...options })],
    jwks: { fetch: routedFetch, cooldownMs: 1 },
    onEvent: (event) => events.push(event),
    ...(revocation === undefined ? {} : { revocation }),
  });
}

const prewarmEvents = (events: VerifierEvent[]) =>
  events.filter((event) => event.type === 'prewarm');

describe('prewarm() and the issuer forms', () => {
  it('resolves when the original form answers and reports the updated form’s 403 in an event', async () => {
    // A pool that never opted into the updated format: AWS answers 403 for that host.
    await idp(HOME_UPDATED).outage('error', { status: 403 });
    const events: VerifierEvent[] = [];
    await expect(verifierFor({}, events).prewarm()).resolves.toBeUndefined();
    expect(prewarmEvents(events)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ issuer: HOME, secondary: false, ok: true }),
        expect.objectContaining({
          issuer: HOME_UPDATED,
          secondary: true,
          ok: false,
          error: 'HTTP 403',
        }),
      ]),
    );
  });

  it('rejects with IdpUnavailableError when the primary form is down', async () => {
    await idp(HOME).outage('error', { status: 503 });
    const events: VerifierEvent[] = [];
    await expect(verifierFor({}, events).prewarm()).rejects.toBeInstanceOf(IdpUnavailableError);
    expect(prewarmEvents(events)).toContainEqual(
      expect.objectContaining({ issuer: HOME, secondary: false, ok: false }),
    );
  });

  it("makes the updated form primary with issuerFormats: ['updated'], and trusts it alone", async () => {
    await idp(HOME).outage('error', { status: 503 });
    const updatedOnly = verifierFor({ issuerFormats: ['updated'] });
    await expect(updatedOnly.prewarm()).resolves.toBeUndefined();
    expect(requested).toEqual([`${HOME_UPDATED}/.well-known/jwks.json`]);
    const original = await idp(HOME).accessToken();
    expect((await rejectionOf(updatedOnly.verify(original))).code).toBe('ISSUER_UNKNOWN');
    await idp(HOME_UPDATED).outage('error', { status: 403 });
    await expect(verifierFor({ issuerFormats: ['updated'] }).prewarm()).rejects.toBeInstanceOf(
      IdpUnavailableError,
    );
  });

  it("refuses the updated form with issuerFormats: ['original'], without fetching its keys", async () => {
    const verifier = verifierFor({ issuerFormats: ['original'] });
    await expect(verifier.verify(await idp(HOME).accessToken())).resolves.toMatchObject({
      issuer: HOME,
    });
    const updated = await idp(HOME_UPDATED).accessToken();
    expect((await rejectionOf(verifier.verify(updated))).code).toBe('ISSUER_UNKNOWN');
    expect(requested).toEqual([`${HOME}/.well-known/jwks.json`]);
  });

  it('verifies the updated form lazily by default, with its own keys', async () => {
    const verifier = verifierFor();
    await expect(verifier.verify(await idp(HOME_UPDATED).accessToken())).resolves.toMatchObject({
      issuer: HOME_UPDATED,
    });
    expect(requested).toEqual([`${HOME_UPDATED}/.well-known/jwks.json`]);
  });
});

describe('replicated pools (replicaRegions)', () => {
  it('verify a replica-region token, in either form, with that region’s own keys', async () => {
    const verifier = verifierFor({ replicaRegions: ['us-west-2'] });
    for (const issuer of [REPLICA, REPLICA_UPDATED]) {
      await expect(verifier.verify(await idp(issuer).accessToken())).resolves.toMatchObject({
        issuer,
      });
      expect(requested).toContain(`${issuer}/.well-known/jwks.json`);
    }
  });

  it('refuse a replica-region token signed with the home region’s key (KEY_NOT_FOUND)', async () => {
    const verifier = verifierFor({ replicaRegions: ['us-west-2'] });
    const forged = await idp(HOME).accessToken({ claims: { iss: REPLICA } });
    expect((await rejectionOf(verifier.verify(forged))).code).toBe('KEY_NOT_FOUND');
  });

  it('refuse a region that is not listed, without any fetch (ISSUER_UNKNOWN)', async () => {
    const token = await idp(REPLICA).accessToken();
    for (const verifier of [verifierFor(), verifierFor({ replicaRegions: ['eu-west-1'] })]) {
      expect((await rejectionOf(verifier.verify(token))).code).toBe('ISSUER_UNKNOWN');
    }
    expect(requested).toEqual([]);
  });

  it('prewarm requires the home region only and reports each replica form', async () => {
    await idp(REPLICA).outage('error', { status: 503 });
    const events: VerifierEvent[] = [];
    await expect(
      verifierFor({ replicaRegions: ['us-west-2'] }, events).prewarm(),
    ).resolves.toBeUndefined();
    expect(prewarmEvents(events).map((event) => [event.issuer, event.secondary, event.ok])).toEqual(
      expect.arrayContaining([
        [HOME, false, true],
        [HOME_UPDATED, true, true],
        [REPLICA, true, false],
        [REPLICA_UPDATED, true, true],
      ]),
    );
  });

  it('revoking a subject through the home-region issuer revokes its replica-region tokens', async () => {
    const store = createMemoryRevocationStore();
    const verifier = verifierFor({ replicaRegions: ['us-west-2'] }, [], store);
    const replicaToken = await idp(REPLICA_UPDATED).accessToken({ sub: 'user-1' });
    await expect(verifier.verify(replicaToken)).resolves.toBeDefined();
    await store.revokeSubject({ issuer: HOME, subject: 'user-1' });
    expect((await rejectionOf(verifier.verify(replicaToken))).code).toBe('TOKEN_REVOKED');
    const otherUser = await idp(REPLICA).accessToken({ sub: 'user-2' });
    await expect(verifier.verify(otherUser)).resolves.toBeDefined();
    // The issuer object itself names every region and form too.
    const pool = cognitoIssuer({
      userPoolId: POOL,
      clientId: CLIENT,
      replicaRegions: ['us-west-2'],
    });
    await store.revokeSubject({ issuer: pool, subject: 'user-2' });
    expect((await rejectionOf(verifier.verify(otherUser))).code).toBe('TOKEN_REVOKED');
  });
});

describe('option checks', () => {
  it.each<[string, Partial<CognitoIssuerOptions>]>([
    ['an empty issuerFormats', { issuerFormats: [] }],
    ['an unknown form', { issuerFormats: ['original', 'v2' as 'updated'] }],
    ['a repeated form', { issuerFormats: ['original', 'original'] }],
    ['issuerFormats as a string', { issuerFormats: 'original' as unknown as ['original'] }],
    ['the home region as a replica', { replicaRegions: ['us-east-1'] }],
    ['a repeated replica region', { replicaRegions: ['us-west-2', 'us-west-2'] }],
    ['a malformed region', { replicaRegions: ['US-WEST-2'] }],
    ['replicaRegions as a string', { replicaRegions: 'us-west-2' as unknown as string[] }],
    ['one jwksUri for several regions', { replicaRegions: ['us-west-2'], jwksUri: HOME }],
    ['issuerFormats with issuerOverride', { issuerFormats: ['original'], issuerOverride: HOME }],
    ['replicaRegions with issuerOverride', { replicaRegions: ['us-west-2'], issuerOverride: HOME }],
  ])('refuse %s with a TypeError', (_name, options) => {
    expect(() => cognitoIssuer({ userPoolId: POOL, clientId: CLIENT, ...options })).toThrow(
      TypeError,
    );
  });

  it('trusts exactly the home region and each replica, in each trusted form', () => {
    const pool = cognitoIssuer({
      userPoolId: POOL,
      clientId: CLIENT,
      issuerFormats: ['updated', 'original'],
      replicaRegions: ['us-west-2'],
    });
    expect(pool.endpoints).toEqual([
      { issuer: HOME_UPDATED, jwksUri: `${HOME_UPDATED}/.well-known/jwks.json`, secondary: false },
      { issuer: HOME, jwksUri: `${HOME}/.well-known/jwks.json`, secondary: true },
      {
        issuer: REPLICA_UPDATED,
        jwksUri: `${REPLICA_UPDATED}/.well-known/jwks.json`,
        secondary: true,
      },
      { issuer: REPLICA, jwksUri: `${REPLICA}/.well-known/jwks.json`, secondary: true },
    ]);
  });
});
