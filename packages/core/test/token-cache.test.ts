import { setTimeout as sleep } from 'node:timers/promises';
// The backend this run resolved: node:crypto, or Web Crypto under vitest.webcrypto.config.ts.
import { backend } from '#crypto-backend';
import { createVerifier, oidcIssuer, type VerifierOptions } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nowSeconds, rejectionOf, withSegment } from './helpers.js';

let idp: TestIssuer;

beforeEach(async () => {
  idp = await createTestIssuer({ alg: 'ES256' });
});
afterEach(() => idp.close());

function verifierWith(
  options: Partial<VerifierOptions> = {},
  policy: Partial<Parameters<typeof oidcIssuer>[0]> = {},
) {
  return createVerifier({
    issuers: [
      oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience, ...policy }),
    ],
    ...options,
  });
}

/** Verifies a token twice: from its second verification on, it is in the cache. */
async function admitted(verifier: { verify(token: string): Promise<unknown> }, token: string) {
  await verifier.verify(token);
  return verifier.verify(token);
}

describe('the verified-token cache', () => {
  it('answers a token seen twice with the same result, and can be turned off', async () => {
    const token = await idp.accessToken();
    const cached = verifierWith();
    const first = await cached.verify(token);
    const second = await cached.verify(token);
    // The first sighting only remembers the digest; the second is admitted.
    expect(second).not.toBe(first);
    expect(await cached.verify(token)).toBe(second);
    const uncached = verifierWith({ cache: false });
    const plain = await uncached.verify(token);
    expect(await uncached.verify(token)).not.toBe(plain);
    expect(await uncached.verify(await idp.accessToken())).not.toBe(await uncached.verify(token));
  });

  it('still checks exp against now on a hit', async () => {
    const verifier = verifierWith({}, { clockToleranceSeconds: 0 });
    // Expires 1–2 s after minting (exp is whole seconds): valid now, expired 2.1 s later.
    const token = await idp.accessToken({ claims: { exp: nowSeconds() + 2 } });
    await admitted(verifier, token);
    await sleep(2100);
    expect((await rejectionOf(verifier.verify(token))).code).toBe('TOKEN_EXPIRED');
  });

  it('still checks the maximum token age on a hit', async () => {
    const verifier = verifierWith({}, { clockToleranceSeconds: 0, maxTokenAgeSeconds: 3 });
    // Aged 1–2 s when minted (iat is whole seconds): within 3 s now, past it 2.1 s later.
    const token = await idp.accessToken({ claims: { iat: nowSeconds() - 1 } });
    await admitted(verifier, token);
    await sleep(2100);
    expect((await rejectionOf(verifier.verify(token))).code).toBe('TOKEN_TOO_OLD');
  });

  it('never caches a failure as a success', async () => {
    const verifier = verifierWith();
    const token = await idp.accessToken();
    const forged = withSegment(
      token,
      2,
      (token.split('.')[2] ?? '').replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
    );
    expect((await rejectionOf(verifier.verify(forged))).code).toBe('SIGNATURE_INVALID');
    expect((await rejectionOf(verifier.verify(forged))).code).toBe('SIGNATURE_INVALID');
    await expect(verifier.verify(token)).resolves.toBeDefined();
  });

  it('drops a cached token once the IdP stops publishing its key', async () => {
    const verifier = verifierWith({ jwks: { minTtlMs: 200, maxTtlMs: 200 } });
    const oldKid = idp.currentKid;
    const token = await idp.accessToken();
    await admitted(verifier, token);
    await idp.rotateKeys();
    idp.removeKey(oldKid);
    // Within the key set's freshness the cached verdict stands …
    await expect(verifier.verify(token)).resolves.toBeDefined();
    await sleep(250);
    // … and once it refreshes, the removed key no longer vouches for the token.
    expect((await rejectionOf(verifier.verify(token))).code).toBe('KEY_NOT_FOUND');
  });

  it('keeps serving cached tokens across a refresh that keeps their key', async () => {
    const verifier = verifierWith({ jwks: { minTtlMs: 100, maxTtlMs: 100 } });
    const token = await idp.accessToken();
    const first = await admitted(verifier, token);
    await sleep(150);
    expect(await verifier.verify(token)).toBe(first);
    expect(idp.stats.jwksRequests).toBe(2);
  });

  it('is bounded: the least recently used verdict is evicted', async () => {
    const verifier = verifierWith({ cache: { maxEntries: 1 } });
    const [a, b] = await Promise.all([idp.accessToken(), idp.accessToken()]);
    const first = await admitted(verifier, a);
    await admitted(verifier, b);
    expect(await verifier.verify(a)).not.toBe(first);
  });

  it('is bounded by bytes too: a large verdict evicts the least recently used one', async () => {
    const [a, b] = await Promise.all([idp.accessToken(), idp.accessToken()]);
    // Room for one verdict (each is counted at about twice its token's length), not two.
    const verifier = verifierWith({ cache: { maxBytes: 3 * Math.max(a.length, b.length) + 512 } });
    const first = await admitted(verifier, a);
    expect(await verifier.verify(a)).toBe(first);
    await admitted(verifier, b);
    expect(await verifier.verify(a)).not.toBe(first);
  });

  it('never keeps a verdict larger than the whole budget', async () => {
    const verifier = verifierWith({ cache: { maxBytes: 1024 } });
    const token = await idp.accessToken();
    const second = await admitted(verifier, token);
    expect(await verifier.verify(token)).not.toBe(second);
  });

  it('honours maxTtlMs', async () => {
    const verifier = verifierWith({ cache: { maxTtlMs: 100 } });
    const token = await idp.accessToken();
    const first = await admitted(verifier, token);
    expect(await verifier.verify(token)).toBe(first);
    await sleep(150);
    expect(await verifier.verify(token)).not.toBe(first);
  });

  it.each([{ maxEntries: 0 }, { maxTtlMs: -1 }, { maxEntries: 1.5 }, { maxBytes: 0 }])(
    'refuses cache options %o',
    (cache) => {
      expect(() => verifierWith({ cache })).toThrow(TypeError);
    },
  );
});

describe('signatures on the thread pool', () => {
  it('is refused at creation where there is no thread pool (Web Crypto)', () => {
    const created = () => verifierWith({ threadPool: true, cache: false });
    if (backend.name === 'node') expect(created).not.toThrow();
    else expect(created).toThrow(TypeError);
  });

  it('verifies and refuses like the event-loop path (node:crypto)', async () => {
    if (backend.name !== 'node') {
      expect(backend.verifyOffThread).toBeUndefined();
      return;
    }
    const verifier = verifierWith({ threadPool: true, cache: false });
    const token = await idp.accessToken();
    await expect(verifier.verify(token)).resolves.toMatchObject({ issuer: idp.issuer });
    const forged = withSegment(
      token,
      2,
      (token.split('.')[2] ?? '').replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
    );
    expect((await rejectionOf(verifier.verify(forged))).code).toBe('SIGNATURE_INVALID');
    expect(() => verifierWith({ threadPool: 'yes' as never })).toThrow(TypeError);
  });
});
