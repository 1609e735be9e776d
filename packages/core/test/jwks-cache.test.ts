import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  IdpUnavailableError,
  createVerifier,
  oidcIssuer,
  type JwksCacheOptions,
} from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf } from './helpers.js';

let idp: TestIssuer;

beforeEach(async () => {
  idp = await createTestIssuer();
});
afterEach(() => idp.close());

function verifierWith(jwks: JwksCacheOptions) {
  return createVerifier({
    jwks,
    issuers: [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience })],
  });
}

describe('fetching', () => {
  it('shares one fetch among concurrent misses', async () => {
    const verifier = verifierWith({});
    const tokens = await Promise.all(Array.from({ length: 50 }, () => idp.accessToken()));
    const results = await Promise.all(tokens.map((token) => verifier.verify(token)));
    expect(results).toHaveLength(50);
    expect(idp.stats.jwksRequests).toBe(1);
  });

  it('prewarm fetches keys up front, and rejects when the IdP is down', async () => {
    const verifier = verifierWith({});
    await verifier.prewarm();
    expect(idp.stats.jwksRequests).toBe(1);
    await verifier.verify(await idp.accessToken());
    expect(idp.stats.jwksRequests).toBe(1);
    await idp.outage('error');
    await expect(verifierWith({}).prewarm()).rejects.toBeInstanceOf(IdpUnavailableError);
  });
});

describe('rotation', () => {
  it('picks up a new key on an unknown kid, at most once per cooldown', async () => {
    const verifier = verifierWith({ cooldownMs: 1000 });
    await verifier.prewarm();
    // An EC key generates in milliseconds, well inside the cooldown.
    const kid = await idp.rotateKeys({ alg: 'ES256' });
    const fresh = await idp.accessToken();
    // The first fetch happened just now: inside the cooldown the new kid is unknown.
    expect((await rejectionOf(verifier.verify(fresh))).code).toBe('KEY_NOT_FOUND');
    expect(idp.stats.jwksRequests).toBe(1);
    await sleep(1050);
    await expect(verifier.verify(fresh)).resolves.toMatchObject({ header: { kid } });
    expect(idp.stats.jwksRequests).toBe(2);
  });

  it('costs at most one fetch for a flood of random kids', async () => {
    const verifier = verifierWith({ cooldownMs: 60_000 });
    await verifier.prewarm();
    const forged = await Promise.all(
      Array.from({ length: 200 }, () => idp.accessToken({ header: { kid: randomUUID() } })),
    );
    const errors = await Promise.all(forged.map((token) => rejectionOf(verifier.verify(token))));
    expect(new Set(errors.map((error) => error.code))).toEqual(new Set(['KEY_NOT_FOUND']));
    expect(idp.stats.jwksRequests).toBeLessThanOrEqual(2);
  });

  it('stops trusting a removed key once the key set expires', async () => {
    const verifier = verifierWith({ minTtlMs: 200, maxTtlMs: 200 });
    const oldKid = idp.currentKid;
    const old = await idp.accessToken();
    await verifier.verify(old);
    await idp.rotateKeys();
    idp.removeKey(oldKid);
    await sleep(250);
    expect((await rejectionOf(verifier.verify(old))).code).toBe('KEY_NOT_FOUND');
    // One refetch at expiry, plus possibly one refresh-ahead (at 80–90% of the freshness)
    // while the RSA key of the rotation was being generated.
    expect(idp.stats.jwksRequests).toBeGreaterThanOrEqual(2);
    expect(idp.stats.jwksRequests).toBeLessThanOrEqual(3);
  });

  it('clamps the Cache-Control freshness', async () => {
    const verifier = verifierWith({ minTtlMs: 100, maxTtlMs: 150 });
    // The server says max-age=300; the cache keeps it only for maxTtlMs.
    await verifier.verify(await idp.accessToken());
    await verifier.verify(await idp.accessToken());
    expect(idp.stats.jwksRequests).toBe(1);
    await sleep(200);
    await verifier.verify(await idp.accessToken());
    expect(idp.stats.jwksRequests).toBe(2);
  });
});

describe('when the IdP fails (stale-if-error)', () => {
  const modes = ['refuse', 'error', 'slow', 'garbage', 'hang', 'huge'] as const;

  it.each(modes)('%s: a cold cache answers 503 within the timeout', async (mode) => {
    await idp.outage(mode, { delayMs: 2000 });
    const verifier = verifierWith({ timeoutMs: 300, maxBytes: 64 * 1024 });
    const startedAt = Date.now();
    const error = await rejectionOf(verifier.verify(await idp.accessToken()));
    expect(error).toMatchObject({ code: 'IDP_UNAVAILABLE', status: 503 });
    expect(Date.now() - startedAt).toBeLessThan(1500);
  });

  it.each(modes)(
    '%s: cached keys keep serving past freshness, unknown keys answer 503',
    async (mode) => {
      const verifier = verifierWith({
        timeoutMs: 300,
        minTtlMs: 100,
        maxTtlMs: 100,
        cooldownMs: 100,
        maxBytes: 64 * 1024,
      });
      const token = await idp.accessToken();
      await verifier.verify(token);
      await idp.outage(mode, { delayMs: 2000 });
      await sleep(150);
      await expect(verifier.verify(token)).resolves.toBeDefined();
      const unknown = await idp.accessToken({ header: { kid: 'rotated-while-down' } });
      expect((await rejectionOf(verifier.verify(unknown))).code).toBe('IDP_UNAVAILABLE');
    },
  );

  it('gives up on stale keys after the stale window, and recovers by itself', async () => {
    const verifier = verifierWith({
      minTtlMs: 100,
      maxTtlMs: 100,
      cooldownMs: 50,
      staleIfErrorMs: 200,
    });
    const token = await idp.accessToken();
    await verifier.verify(token);
    await idp.outage('error');
    await sleep(150);
    await expect(verifier.verify(token)).resolves.toBeDefined();
    await sleep(250);
    expect((await rejectionOf(verifier.verify(token))).code).toBe('IDP_UNAVAILABLE');
    await idp.recover();
    await sleep(60);
    await expect(verifier.verify(token)).resolves.toBeDefined();
  });

  it('does not hammer a failing IdP: one attempt per cooldown', async () => {
    await idp.outage('error');
    const verifier = verifierWith({ cooldownMs: 60_000 });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => idp.accessToken()));
    for (const token of tokens)
      expect((await rejectionOf(verifier.verify(token))).code).toBe('IDP_UNAVAILABLE');
    expect(idp.stats.jwksRequests).toBe(1);
  });

  it('reports the Retry-After of the cooldown', async () => {
    await idp.outage('refuse');
    const error = await rejectionOf(
      verifierWith({ cooldownMs: 7000 }).verify(await idp.accessToken()),
    );
    expect(error.headers).toEqual({ 'Retry-After': '7' });
  });
});

describe('a dropped connection', () => {
  it('is retried once within the deadline, so a stale keep-alive socket costs no outage', async () => {
    let requests = 0;
    const flaky = createServer((req, res) => {
      requests += 1;
      // The first connection is torn down mid-request, as a server does to an idle socket.
      if (requests === 1) return void req.socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(idp.jwks()));
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    try {
      const address = flaky.address() as AddressInfo;
      const verifier = createVerifier({
        issuers: [
          oidcIssuer({
            issuer: idp.issuer,
            jwksUri: `http://127.0.0.1:${address.port}/jwks`,
            audience: idp.audience,
          }),
        ],
      });
      await expect(verifier.verify(await idp.accessToken())).resolves.toBeDefined();
      expect(requests).toBe(2);
    } finally {
      flaky.closeAllConnections();
      flaky.close();
    }
  });
});
