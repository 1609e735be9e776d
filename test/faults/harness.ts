// Shared set-up of the IdP fault-injection suite: a local issuer, the conformance API started
// with one adapter, small JWKS timings so every outage plays out in well under a second, and
// request helpers that enforce the latency budget on every single request.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { oidcIssuer, type GateOptions, type JwksCacheOptions } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { expect } from 'vitest';
import { startApp, type AdapterName, type RunningApp } from '../conformance/apps.js';
import { sendRaw, type RawResponse } from '../support/raw-http-client.js';

export const ADAPTERS: readonly AdapterName[] = ['express', 'koa', 'fastify'];

/** How long one request waits for a JWKS (or discovery) fetch. */
export const TIMEOUT_MS = 300;
/**
 * The fetch's own deadline: past the request wait it completes in the background. A fetch
 * hanging on a dead connection holds the single flight this long, so a recovered IdP is seen
 * at worst one fetch deadline plus one cooldown after it is back.
 */
export const FETCH_TIMEOUT_MS = 800;
/** Key-set freshness: the issuer says max-age=300 s, clamped to this. */
export const TTL_MS = 300;
export const COOLDOWN_MS = 200;
/**
 * What a request may take beyond the fetch deadline: loopback round trips, a 10 MB body being
 * discarded, and up to five of these tests sharing two cores.
 */
export const MARGIN_MS = 500;
export const BUDGET_MS = TIMEOUT_MS + MARGIN_MS;

export const JWKS_OPTIONS = {
  timeoutMs: TIMEOUT_MS,
  fetchTimeoutMs: FETCH_TIMEOUT_MS,
  minTtlMs: TTL_MS,
  maxTtlMs: TTL_MS,
  cooldownMs: COOLDOWN_MS,
} as const;

export interface Fixture {
  readonly idp: TestIssuer;
  /** Warmed by the test itself: its key set and verified tokens are cached. */
  readonly warm: RunningApp;
  /** Never sees a request before the outage: nothing cached, not even the discovery document. */
  readonly cold: RunningApp;
  close(): Promise<void>;
}

/**
 * One issuer and two servers of the same adapter in front of it. With `discovery`, the gate is
 * given only the issuer, so the JWKS location comes from OpenID Connect discovery.
 */
export async function startFixture(
  adapter: AdapterName,
  { discovery = false, jwks = {} }: { discovery?: boolean; jwks?: JwksCacheOptions } = {},
): Promise<Fixture> {
  // EC keys generate in a millisecond, so rotations cost nothing.
  const idp = await createTestIssuer({ alg: 'ES256' });
  const options: GateOptions = {
    jwks: { ...JWKS_OPTIONS, ...jwks },
    issuers: [
      oidcIssuer(
        discovery
          ? { issuer: idp.issuer, audience: idp.audience }
          : { issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience },
      ),
    ],
  };
  const warm = await startApp(adapter, options);
  const cold = await startApp(adapter, options);
  return {
    idp,
    warm,
    cold,
    async close() {
      // The issuer first: destroying its sockets ends any fetch still hanging on it, so the
      // servers have no request in flight left to wait for.
      await idp.close();
      await Promise.all([warm.close(), cold.close()]);
    },
  };
}

export interface TimedResponse extends RawResponse {
  readonly ms: number;
}

/**
 * GET /me (any valid token) with the token, if any, and assert the latency budget: whatever
 * the IdP does, no request may wait longer than one fetch deadline plus the margin. Past the
 * budget plus one second the request is reported as stuck, without waiting for it.
 */
export async function getMe(
  app: RunningApp,
  token?: string,
  budgetMs: number = BUDGET_MS,
): Promise<TimedResponse> {
  const noResponseMs = budgetMs + 1000;
  const startedAt = performance.now();
  const sent = sendRaw(app.port, {
    path: '/me',
    headers: token === undefined ? [] : [['Authorization', `Bearer ${token}`]],
  });
  // A request stuck for good must fail its test now, not after the client's 10 s socket timeout.
  sent.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const response = await Promise.race([
    sent,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`GET /me: no response after ${noResponseMs} ms`)),
        noResponseMs,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  const ms = performance.now() - startedAt;
  expect(ms, `GET /me took ${Math.round(ms)} ms`).toBeLessThan(budgetMs);
  return { ...response, ms };
}

/** The protected handler ran: 200 with the route's JSON. */
export function expectOk(response: RawResponse, why: string): void {
  expect(response.status, `${why}: ${response.body}`).toBe(200);
  expect(JSON.parse(response.body)).toMatchObject({ route: '/me' });
}

/** An outage: 503 `temporarily_unavailable` with a Retry-After in seconds, never a 401. */
export function expectUnavailable(response: RawResponse, why: string): void {
  expect(response.status, `${why}: ${response.body}`).toBe(503);
  // RFC 9110 §10.2.3: delay-seconds.
  expect(response.headers['retry-after'], why).toMatch(/^[1-9]\d*$/);
  expect(JSON.parse(response.body), why).toEqual({
    error: 'temporarily_unavailable',
    error_description: expect.any(String),
  });
}

/** A bad token: 401 `invalid_token` (RFC 6750 §3.1), in the challenge and in the body. */
export function expectInvalidToken(response: RawResponse, why: string): void {
  expect(response.status, `${why}: ${response.body}`).toBe(401);
  expect(response.headers['www-authenticate'], why).toContain('error="invalid_token"');
  expect(JSON.parse(response.body), why).toMatchObject({ error: 'invalid_token' });
}

let gc: (() => void) | undefined;

/**
 * A full garbage collection now, as `node --expose-gc` allows; V8 lets the flag be set at run
 * time, and a fresh context then sees `gc`. Collections happen in production at any moment:
 * forcing one turns a timing-dependent failure into a deterministic one.
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
