// A slow IdP: the request wait (`timeoutMs`) bounds how long a request waits, the fetch
// deadline (`fetchTimeoutMs`) how long the shared fetch runs in the background; refresh-ahead
// keeps a used key set fresh; close() stops timers and fetches.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createJwksCache,
  createVerifier,
  oidcIssuer,
  type JwksCacheOptions,
  type VerifierEvent,
} from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf } from './helpers.js';

let idp: TestIssuer;

beforeEach(async () => {
  idp = await createTestIssuer({ alg: 'ES256' });
});
afterEach(() => idp.close());

function verifierWith(jwks: JwksCacheOptions, discovery = false) {
  return createVerifier({
    jwks,
    issuers: [
      oidcIssuer(
        discovery
          ? { issuer: idp.issuer, audience: idp.audience }
          : { issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience },
      ),
    ],
  });
}

/** Polls `attempt` until it resolves, for at most `withinMs`; returns how many tries it took. */
async function eventually(attempt: () => Promise<unknown>, withinMs: number): Promise<number> {
  const startedAt = Date.now();
  for (let tries = 1; ; tries += 1) {
    try {
      await attempt();
      return tries;
    } catch (error) {
      if (Date.now() - startedAt > withinMs) throw error;
      await sleep(50);
    }
  }
}

describe('a slow JWKS endpoint (slower than the request wait)', () => {
  it('answers 503 within the wait, completes the fetch in the background, then serves: one fetch', async () => {
    await idp.outage('slow', { delayMs: 1200 });
    const verifier = verifierWith({ timeoutMs: 200 });
    const token = await idp.accessToken();
    const startedAt = Date.now();
    const first = await Promise.all(
      Array.from({ length: 5 }, () => rejectionOf(verifier.verify(token))),
    );
    expect(Date.now() - startedAt).toBeLessThan(1000);
    for (const error of first) {
      expect(error).toMatchObject({ code: 'IDP_UNAVAILABLE', status: 503 });
      expect(error.headers['Retry-After']).toMatch(/^[1-9]\d*$/);
    }
    // Once the fetch is in, requests succeed; the IdP was asked once.
    const tries = await eventually(() => verifier.verify(token), 4000);
    expect(tries).toBeGreaterThan(1);
    await expect(verifier.verify(await idp.accessToken({ sub: 'another' }))).resolves.toBeDefined();
    expect(idp.stats.jwksRequests).toBe(1);
    await verifier.close();
  });

  it('a slow discovery document also completes in the background', async () => {
    await idp.outage('slow', { delayMs: 800 });
    const verifier = verifierWith({ timeoutMs: 200 }, true);
    const token = await idp.accessToken();
    expect((await rejectionOf(verifier.verify(token))).code).toBe('IDP_UNAVAILABLE');
    await eventually(() => verifier.verify(token), 5000);
    expect(idp.stats.discoveryRequests).toBe(1);
    expect(idp.stats.jwksRequests).toBe(1);
    await verifier.close();
  });

  it('a fetch past fetchTimeoutMs fails and starts the cooldown; after it, a recovered IdP serves', async () => {
    const events: VerifierEvent[] = [];
    await idp.outage('slow', { delayMs: 3000 });
    const verifier = createVerifier({
      jwks: { timeoutMs: 100, fetchTimeoutMs: 500, cooldownMs: 400 },
      onEvent: (event) => void events.push(event),
      issuers: [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience })],
    });
    const token = await idp.accessToken();
    expect((await rejectionOf(verifier.verify(token))).code).toBe('IDP_UNAVAILABLE');
    await sleep(600); // the fetch has hit its own deadline
    const failed = events.find((event) => event.type === 'jwks-fetch');
    expect(failed).toMatchObject({ ok: false });
    expect((failed as { durationMs: number }).durationMs).toBeGreaterThanOrEqual(450);
    // Inside the cooldown: 503 at once, no new fetch.
    expect((await rejectionOf(verifier.verify(token))).code).toBe('IDP_UNAVAILABLE');
    expect(idp.stats.jwksRequests).toBe(1);
    await idp.recover();
    await sleep(400);
    await expect(verifier.verify(token)).resolves.toBeDefined();
    expect(idp.stats.jwksRequests).toBe(2);
    await verifier.close();
  });
});

describe('options', () => {
  it('refuses a fetch deadline shorter than the request wait', () => {
    expect(() => createJwksCache({ timeoutMs: 1000, fetchTimeoutMs: 500 })).toThrow(TypeError);
    expect(() => createJwksCache({ fetchTimeoutMs: 0 })).toThrow(TypeError);
  });
});

describe('refresh-ahead', () => {
  const TTL = { minTtlMs: 500, maxTtlMs: 500 };
  const alg = 'ES256' as const;

  it('refetches a used key set before it expires, so a request at expiry does not wait', async () => {
    const jwks = createJwksCache(TTL);
    const kid = idp.currentKid;
    expect(jwks.getKey(idp.jwksUri, kid, alg)).toBeInstanceOf(Promise);
    await jwks.getKey(idp.jwksUri, kid, alg);
    expect(jwks.getKey(idp.jwksUri, kid, alg)).not.toBeInstanceOf(Promise); // a use
    await sleep(470); // refresh-ahead runs at 80–90% of the freshness: 400–450 ms
    expect(idp.stats.jwksRequests).toBe(2);
    await sleep(100); // past the first set's freshness
    expect(jwks.getKey(idp.jwksUri, kid, alg)).not.toBeInstanceOf(Promise);
    expect(idp.stats.jwksRequests).toBe(2);
    await jwks.close();
  });

  it('leaves an unused key set to expire', async () => {
    const jwks = createJwksCache(TTL);
    await jwks.refresh(idp.jwksUri);
    await sleep(550);
    expect(idp.stats.jwksRequests).toBe(1);
    expect(jwks.getKey(idp.jwksUri, idp.currentKid, alg)).toBeInstanceOf(Promise);
    await jwks.close();
  });

  it('when the refresh is slow, then fails, the current keys keep serving', async () => {
    const jwks = createJwksCache({ ...TTL, timeoutMs: 100, fetchTimeoutMs: 300 });
    const kid = idp.currentKid;
    const key = await jwks.getKey(idp.jwksUri, kid, alg);
    jwks.getKey(idp.jwksUri, kid, alg); // a use
    await idp.outage('slow', { delayMs: 5000 });
    await sleep(460);
    expect(idp.stats.jwksRequests).toBe(2); // the background refresh is running
    expect(jwks.getKey(idp.jwksUri, kid, alg)).toBe(key); // still fresh: served at once
    await sleep(100); // past freshness, refresh still running: at most one wait, then stale
    expect(await jwks.getKey(idp.jwksUri, kid, alg)).toBe(key);
    await sleep(300); // the refresh has failed at its deadline: stale-if-error, no wait
    expect(jwks.getKey(idp.jwksUri, kid, alg)).toBe(key);
    await jwks.close();
  });
});

describe('close()', () => {
  it('aborts fetches in flight: waiting requests answer 503 at once, and nothing is fetched again', async () => {
    await idp.outage('slow', { delayMs: 5000 });
    const events: VerifierEvent[] = [];
    const jwks = createJwksCache({
      timeoutMs: 3000,
      cooldownMs: 50,
      onEvent: (event) => void events.push(event),
    });
    const getKey = async () => jwks.getKey(idp.jwksUri, 'k', 'ES256');
    const pending = rejectionOf(getKey());
    await sleep(50);
    const startedAt = Date.now();
    await jwks.close();
    expect((await pending).code).toBe('IDP_UNAVAILABLE');
    expect(Date.now() - startedAt).toBeLessThan(1000);
    expect(events).toMatchObject([
      { type: 'jwks-fetch', ok: false, error: 'fetch aborted: closed' },
    ]);
    await idp.recover();
    await sleep(100); // past the cooldown: a fetch would be due, but the cache is closed
    expect((await rejectionOf(getKey())).code).toBe('IDP_UNAVAILABLE');
    expect(idp.stats.jwksRequests).toBe(1);
    await jwks.close(); // idempotent
  });

  it('on a verifier aborts discovery in flight; a shared JwksCache is left open', async () => {
    await idp.outage('slow', { delayMs: 5000 });
    const verifier = verifierWith({ timeoutMs: 3000 }, true);
    const pending = rejectionOf(verifier.verify(await idp.accessToken()));
    await sleep(50);
    const startedAt = Date.now();
    await verifier.close();
    expect((await pending).code).toBe('IDP_UNAVAILABLE');
    expect(Date.now() - startedAt).toBeLessThan(1000);

    await idp.recover();
    const shared = createJwksCache();
    const user = createVerifier({
      jwks: shared,
      issuers: [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience })],
    });
    await user.close();
    await expect(shared.refresh(idp.jwksUri)).resolves.toBeUndefined();
    await shared.close();
  });

  // Process level: a script that verifies, leaves a fetch in flight against a slow IdP and a
  // refresh-ahead timer pending, then closes its verifier, must exit by itself.
  it('lets the process exit: no timer or socket keeps the event loop alive', async () => {
    const slow = await createTestIssuer({ alg: 'ES256' });
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-close-'));
    try {
      await slow.outage('slow', { delayMs: 20_000 });
      const bundle = join(dir, 'core.mjs');
      await bundleCore(bundle);
      const script = `
        const { createVerifier, oidcIssuer } = await import(${JSON.stringify(bundle)});
        const env = JSON.parse(process.env.FIXTURE);
        const verifier = createVerifier({
          jwks: { timeoutMs: 200 },
          issuers: env.issuers.map((issuer) => oidcIssuer(issuer)),
        });
        await verifier.verify(env.good);
        await verifier.verify(env.good);
        const slow = await verifier.verify(env.slow).then(() => 'ok', (error) => error.code);
        await verifier.close();
        console.log('closed', slow);
      `;
      const fixture = {
        issuers: [idp, slow].map((i) => ({
          issuer: i.issuer,
          jwksUri: i.jwksUri,
          audience: i.audience,
        })),
        good: await idp.accessToken(),
        slow: await slow.accessToken(),
      };
      const startedAt = Date.now();
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        env: { PATH: process.env.PATH ?? '', FIXTURE: JSON.stringify(fixture) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exit = await new Promise<number | null | 'stuck'>((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve('stuck');
        }, 8000);
        child.once('exit', (code) => {
          clearTimeout(timer);
          resolve(code);
        });
      });
      expect(exit, output).toBe(0);
      expect(output).toContain('closed IDP_UNAVAILABLE');
      expect(Date.now() - startedAt).toBeLessThan(8000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await slow.close();
    }
  });
});

/** Bundles the core's source into one ES module a plain `node` child can import. */
async function bundleCore(file: string): Promise<void> {
  // rolldown comes with tsdown, the build tool the packages are published with.
  const fromTsdown = createRequire(createRequire(import.meta.url).resolve('tsdown/package.json'));
  const { build } = (await import(fromTsdown.resolve('rolldown'))) as {
    build(options: object): Promise<unknown>;
  };
  await build({
    input: fileURLToPath(new URL('../src/index.ts', import.meta.url)),
    platform: 'node',
    // From src, as the tests run: `#crypto-backend` then resolves to src/jws/node-crypto.ts.
    resolve: { conditionNames: ['tokengate-source', 'node', 'import', 'default'] },
    logLevel: 'silent',
    output: { file, format: 'esm' },
  });
}
