// IdP fault injection through Express, Koa and Fastify over real loopback HTTP: every way a
// JWKS or discovery endpoint can fail, key rotation and key removal. The invariants:
//   (a) keys already cached keep serving within the stale window (200);
//   (b) a key that cannot be learnt, or a cold cache, answers 503 with Retry-After, never 401;
//   (c) no request waits longer than one fetch deadline plus a margin (checked by getMe);
//   (d) recovery needs no restart: one cooldown after the IdP is back (plus one fetch deadline
//       when a fetch was left hanging on it), everything works;
//   (e) a new key works within one cooldown; a removed key stops working once the key set
//       refreshes, even for a token whose verification was cached.
import { setTimeout as sleep } from 'node:timers/promises';
import type { OutageMode, OutageOptions } from '@tokengate/testing';
import { describe, expect, it } from 'vitest';
import {
  ADAPTERS,
  COOLDOWN_MS,
  FETCH_TIMEOUT_MS,
  MARGIN_MS,
  TIMEOUT_MS,
  collectGarbage,
  TTL_MS,
  expectInvalidToken,
  expectOk,
  expectUnavailable,
  getMe,
  startFixture,
  type Fixture,
} from './harness.js';

interface Outage {
  readonly name: string;
  readonly mode: OutageMode;
  readonly options?: OutageOptions;
}

const OUTAGES: readonly Outage[] = [
  { name: 'connection refused', mode: 'refuse' },
  { name: 'HTTP 503', mode: 'error', options: { status: 503 } },
  { name: 'HTTP 500', mode: 'error', options: { status: 500 } },
  { name: 'slow beyond the timeout', mode: 'slow', options: { delayMs: 2000 } },
  { name: 'garbage body', mode: 'garbage' },
  { name: '10 MB body', mode: 'huge' },
  { name: 'hanging body', mode: 'hang' },
];

/** Runs `body` against a fresh fixture and always tears it down. */
async function withFixture(
  fixture: Promise<Fixture>,
  body: (fx: Fixture) => Promise<void>,
): Promise<void> {
  const fx = await fixture;
  try {
    await body(fx);
  } finally {
    await fx.close();
  }
}

/** The same claims with another subject: the signature no longer matches (known kid). */
function tampered(token: string): string {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as object;
  const altered = Buffer.from(JSON.stringify({ ...claims, sub: 'mallory' })).toString('base64url');
  return `${header}.${altered}.${signature}`;
}

// Each test owns its issuer and servers, so they run side by side; the timings are small
// (see harness.ts) and the latency budget leaves room for five tests sharing two cores.
describe.concurrent.each(ADAPTERS)('%s', (adapter) => {
  describe('JWKS outage', () => {
    it.each(OUTAGES)(
      '$name: cached keys serve, unknown keys and cold caches answer 503, recovery is automatic',
      ({ mode, options }) =>
        withFixture(startFixture(adapter), async ({ idp, warm, cold }) => {
          const seen = await idp.accessToken();
          expectOk(await getMe(warm, seen), 'warm-up');

          await idp.outage(mode, options);
          await sleep(TTL_MS + 50); // the cached key set is now past its freshness

          // A burst: tokens of the cached key verify against the stale set, unknown kids answer
          // 503, and all of them share one fetch attempt per cooldown.
          const known = await Promise.all(
            Array.from({ length: 8 }, (_, i) => idp.accessToken({ sub: `user-${i}` })),
          );
          const unknown = await Promise.all(
            Array.from({ length: 8 }, (_, i) => idp.accessToken({ header: { kid: `gone-${i}` } })),
          );
          const fetchesBefore = idp.stats.jwksRequests;
          const burstStartedAt = Date.now();
          const burst = await Promise.all([...known, ...unknown].map((t) => getMe(warm, t)));
          const attempts = idp.stats.jwksRequests - fetchesBefore;
          expect(attempts).toBeLessThanOrEqual(
            1 + Math.floor((Date.now() - burstStartedAt) / COOLDOWN_MS),
          );
          for (const response of burst.slice(0, 8)) expectOk(response, 'cached kid, stale set');
          for (const response of burst.slice(8)) expectUnavailable(response, 'unknown kid');

          expectOk(await getMe(warm, seen), 'cached verdict, stale set');
          // Provably bad tokens stay 401 during the outage: the stale key still checks them.
          expectInvalidToken(await getMe(warm, tampered(seen)), 'tampered token, stale set');
          expectInvalidToken(
            await getMe(warm, await idp.accessToken({ expiresIn: -600 })),
            'expired token, stale set',
          );

          // A key published while the IdP is down cannot be learnt: 503, never invalid_token.
          await idp.rotateKeys();
          const rotated = await idp.accessToken();
          expectUnavailable(await getMe(warm, rotated), 'key rotated during the outage');
          // A cold cache: concurrent requests share one attempt, and all answer 503.
          for (const response of await Promise.all(
            Array.from({ length: 4 }, () => getMe(cold, seen)),
          )) {
            expectUnavailable(response, 'cold cache');
          }

          // One cooldown later the caches try again, fail again, and answer the same way.
          await sleep(COOLDOWN_MS + 50);
          expectOk(await getMe(warm, seen), 'cached verdict, second failed attempt');
          expectUnavailable(await getMe(warm, rotated), 'rotated key, second failed attempt');
          expectUnavailable(await getMe(cold, seen), 'cold cache, second failed attempt');

          // A fetch still hanging on the broken IdP finishes (or fails at its own deadline)
          // before the next one: recovery takes at worst one fetch deadline plus a cooldown.
          await idp.recover();
          await sleep(FETCH_TIMEOUT_MS + COOLDOWN_MS + 50);
          expectOk(await getMe(warm, rotated), 'rotated key after recovery');
          expectOk(await getMe(cold, seen), 'cold cache after recovery');
          expectOk(await getMe(warm, seen), 'cached verdict after recovery');
        }),
    );

    it('past the stale window cached keys stop serving: 503, never 401, until the IdP is back', () =>
      withFixture(
        startFixture(adapter, { jwks: { staleIfErrorMs: 400 } }),
        async ({ idp, warm }) => {
          const seen = await idp.accessToken();
          expectOk(await getMe(warm, seen), 'warm-up');
          await idp.outage('error');
          await sleep(TTL_MS + 50);
          expectOk(await getMe(warm, seen), 'inside the stale window');
          await sleep(400); // freshness (300 ms) plus the stale window (400 ms) are over
          expectUnavailable(await getMe(warm, seen), 'cached verdict past the stale window');
          expectUnavailable(await getMe(warm, await idp.accessToken()), 'past the stale window');
          await idp.recover();
          await sleep(COOLDOWN_MS + 50);
          expectOk(await getMe(warm, seen), 'after recovery');
        },
      ));

    // A cached verdict is re-checked (is its key still published?) before the full path runs;
    // with timeoutMs >= cooldownMs the two must not each wait for a fetch deadline. The
    // cooldown counts from the end of a failed attempt.
    it('a cached verdict whose key cannot be confirmed waits for one fetch deadline, not two', () =>
      withFixture(startFixture(adapter, { jwks: { timeoutMs: 700 } }), async ({ idp, warm }) => {
        const oldKid = idp.currentKid;
        const old = await idp.accessToken();
        expectOk(await getMe(warm, old), 'warm-up'); // the verdict is cached
        await idp.rotateKeys();
        idp.removeKey(oldKid);
        await sleep(TTL_MS + 50);
        expectInvalidToken(await getMe(warm, old), 'removed key, after the refresh');

        await idp.outage('slow', { delayMs: 5000 });
        await sleep(TTL_MS + 50);
        const budget = 700 + MARGIN_MS; // one deadline plus the margin
        expectUnavailable(await getMe(warm, old, budget), 'removed key during the outage');
      }));

    it('a slow IdP answering within the deadline is no outage', () =>
      withFixture(startFixture(adapter), async ({ idp, cold }) => {
        await idp.outage('slow', { delayMs: 100 });
        const response = await getMe(cold, await idp.accessToken());
        expectOk(response, 'slow but in time');
        expect(response.ms).toBeGreaterThanOrEqual(100);
      }));
  });

  describe('rotation', () => {
    it('a new key works within one cooldown; a removed key is refused once the key set refreshes, cached verdict or not', () =>
      withFixture(startFixture(adapter), async ({ idp, warm }) => {
        const oldKid = idp.currentKid;
        const old = await idp.accessToken();
        const oldUnseen = await idp.accessToken({ sub: 'first-seen-after-removal' });
        expectOk(await getMe(warm, old), 'before rotation'); // also caches the verdict

        await idp.rotateKeys();
        const rotatedAt = Date.now();
        const fresh = await idp.accessToken();
        // The key set was fetched moments ago, so the new kid may stay unknown (401) until the
        // cooldown allows one refetch: documented, and it must never be a 5xx.
        let response = await getMe(warm, fresh);
        while (response.status !== 200 && Date.now() - rotatedAt < COOLDOWN_MS + MARGIN_MS) {
          expectInvalidToken(response, 'new kid inside the cooldown');
          await sleep(20);
          response = await getMe(warm, fresh);
        }
        expectOk(response, 'new key within one cooldown');
        expect(Date.now() - rotatedAt).toBeLessThan(COOLDOWN_MS + MARGIN_MS);

        idp.removeKey(oldKid);
        // Until the key set refreshes (one TTL) the removed key may still be honoured.
        await sleep(TTL_MS + 50);
        expectInvalidToken(await getMe(warm, old), 'cached verdict of a removed key');
        expectInvalidToken(await getMe(warm, oldUnseen), 'unseen token of a removed key');
        expectOk(await getMe(warm, fresh), 'new key after the refresh (cached verdict)');
      }));

    it('a kid republished with new key material: tokens of the old material are refused, cached or not', () =>
      withFixture(startFixture(adapter), async ({ idp, warm }) => {
        const kid = idp.currentKid;
        const old = await idp.accessToken();
        expectOk(await getMe(warm, old), 'before the swap');
        await idp.rotateKeys(); // the current key cannot be removed
        idp.removeKey(kid);
        await idp.addKey({ kid, alg: 'ES256' });
        const replacement = await idp.accessToken({ kid });

        await sleep(TTL_MS + 50);
        expectInvalidToken(await getMe(warm, old), 'cached verdict of the replaced material');
        expectOk(await getMe(warm, replacement), 'new material under the same kid');
      }));
  });

  describe('discovery outage (oidcIssuer without jwksUri)', () => {
    it.each(OUTAGES)(
      '$name: a discovered issuer keeps serving cached keys, an undiscovered one answers 503',
      ({ mode, options }) =>
        withFixture(startFixture(adapter, { discovery: true }), async ({ idp, warm, cold }) => {
          const seen = await idp.accessToken();
          expectOk(await getMe(warm, seen), 'warm-up: discovery, then the JWKS');

          await idp.outage(mode, options); // the discovery document and the JWKS both fail
          await sleep(TTL_MS + 50);
          expectOk(await getMe(warm, seen), 'cached verdict, stale set');
          expectOk(await getMe(warm, await idp.accessToken({ sub: 'new' })), 'stale set');
          expectUnavailable(await getMe(cold, seen), 'discovery down, nothing cached');
          expectUnavailable(await getMe(cold, seen), 'discovery down, inside the cooldown');
        }),
    );

    // Discovery retries follow `jwks.cooldownMs` like key fetches do.
    it('recovers from a discovery outage within one cooldown', () =>
      withFixture(startFixture(adapter, { discovery: true }), async ({ idp, cold }) => {
        const token = await idp.accessToken();
        await idp.outage('error');
        expectUnavailable(await getMe(cold, token), 'discovery down');
        await idp.recover();
        await sleep(COOLDOWN_MS + 50);
        expectOk(await getMe(cold, token), 'one cooldown after the IdP is back');
      }));
  });
});

// Alone, after the concurrent suites: forced collections pause every test in the worker.
describe.each(ADAPTERS)('%s, with garbage collections during the fetch', (adapter) => {
  // Regression: a JWKS body that stalls after the headers must still be cut at the deadline
  // when a garbage collection runs during the fetch. Node 20's fetch (undici) follows the
  // caller's AbortSignal through a WeakRef to its internal Request (nodejs/undici#3644): once
  // that Request is collected, aborting no longer errors the body stream, and a bare
  // reader.read() never settles. Before bounded-fetch.ts raced every read against the deadline,
  // this hung the cache entry's shared fetch for good, and every later request with it.
  it('hanging body: the fetch deadline still holds', () =>
    withFixture(startFixture(adapter), async ({ idp, warm }) => {
      const seen = await idp.accessToken();
      expectOk(await getMe(warm, seen), 'warm-up');
      await idp.outage('hang');
      await sleep(TTL_MS + 50);
      const collections = setInterval(collectGarbage, 60);
      try {
        expectOk(await getMe(warm, await idp.accessToken()), 'stale set, hanging refresh');
      } finally {
        clearInterval(collections);
      }
      expectUnavailable(
        await getMe(warm, await idp.accessToken({ header: { kid: 'unknown' } })),
        'unknown kid',
      );
      await idp.recover();
      await sleep(Math.max(COOLDOWN_MS, TIMEOUT_MS) + 50);
      expectOk(await getMe(warm, await idp.accessToken({ sub: 'after' })), 'after recovery');
    }));
});
