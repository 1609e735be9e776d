// Issue 12: an IdP whose JWKS answers in 5 s (cross-region, a cold function, an overloaded
// proxy) must become usable. Each request waits at most the request deadline (`timeoutMs`)
// and answers 503 meanwhile; the fetch completes in the background (its own deadline is
// `fetchTimeoutMs`) and fills the cache; later requests answer 200; the IdP sees one fetch.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  ADAPTERS,
  MARGIN_MS,
  expectOk,
  expectUnavailable,
  getMe,
  startFixture,
} from './harness.js';

const JWKS_DELAY_MS = 5000;
const WAIT_MS = 1000;

describe.concurrent.each(ADAPTERS)('%s', (adapter) => {
  it('a JWKS answering in 5 s: 503 within the request wait, then 200 once the fetch is in, one fetch', async () => {
    const fx = await startFixture(adapter, {
      // The key set stays fresh for the whole test: with the suite's 300 ms TTL, a loaded
      // machine taking longer than that between the fetch landing and the last request would
      // (rightly) refetch, and the count of fetches would measure the machine, not the gate.
      jwks: { timeoutMs: WAIT_MS, fetchTimeoutMs: 30_000, minTtlMs: 60_000, maxTtlMs: 60_000 },
    });
    try {
      const { idp, cold } = fx;
      await idp.outage('slow', { delayMs: JWKS_DELAY_MS });
      const token = await idp.accessToken();
      const startedAt = Date.now();
      const budget = WAIT_MS + MARGIN_MS;
      for (const response of await Promise.all(
        Array.from({ length: 4 }, () => getMe(cold, token, budget)),
      )) {
        expectUnavailable(response, 'first requests, fetch still running');
      }
      // A request arriving later joins the same fetch, and is bounded by its own wait.
      await sleep(2000);
      expectUnavailable(await getMe(cold, token, budget), 'joined the running fetch');
      await sleep(Math.max(0, JWKS_DELAY_MS + 300 - (Date.now() - startedAt)));
      let response = await getMe(cold, token, budget);
      while (response.status !== 200 && Date.now() - startedAt < JWKS_DELAY_MS + 3000) {
        await sleep(100);
        response = await getMe(cold, token, budget);
      }
      expectOk(response, 'after the background fetch completed');
      expectOk(await getMe(cold, await idp.accessToken({ sub: 'next' }), budget), 'next user');
      expect(idp.stats.jwksRequests).toBe(1);
    } finally {
      await fx.close();
    }
  });
});
