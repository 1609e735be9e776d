// The introspection cache and single flight: how many requests reach the server, how long an
// answer is trusted, and that revocation is asked on every hit.
import {
  createMemoryRevocationStore,
  type IntrospectionIssuerOptions,
  type Verifier,
  type VerifierOptions,
} from '@tokengate/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf } from '../helpers.js';
import { ISSUER, activeAnswer, nowSeconds, opaqueToken, verifierFor } from './fixtures.js';
import { startIntrospectionServer, type IntrospectionServer } from './introspection-server.js';

let server: IntrospectionServer;
const verifiers: Verifier[] = [];

beforeAll(async () => {
  server = await startIntrospectionServer();
});
afterAll(() => server.close());
afterEach(async () => {
  server.seen.length = 0;
  await Promise.all(verifiers.splice(0).map((verifier) => verifier.close()));
});

function verifier(
  overrides?: Partial<IntrospectionIssuerOptions>,
  verifierOptions?: Omit<VerifierOptions, 'issuers'>,
): Verifier {
  const built = verifierFor(server, overrides, verifierOptions);
  verifiers.push(built);
  return built;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('single flight', () => {
  it('sends one request for concurrent verifications of one token', async () => {
    server.answer = () => ({ body: activeAnswer(), delayMs: 100 });
    const built = verifier();
    const token = opaqueToken();
    const results = await Promise.all(Array.from({ length: 20 }, () => built.verify(token)));
    expect(server.seen).toHaveLength(1);
    expect(new Set(results.map((result) => result.subject))).toStrictEqual(new Set(['user-1']));
    // Each request gets its own result object.
    expect(new Set(results).size).toBe(20);
  });

  it('gives each waiter its own 503, so adapters can set realm and challenge on it', async () => {
    server.answer = () => ({ status: 500, delayMs: 50 });
    const built = verifier();
    const token = opaqueToken();
    const [first, second] = await Promise.all([
      rejectionOf(built.verify(token)),
      rejectionOf(built.verify(token)),
    ]);
    expect(server.seen).toHaveLength(1);
    expect(first).toMatchObject({ code: 'INTROSPECTION_UNAVAILABLE' });
    expect(second).toMatchObject({ code: 'INTROSPECTION_UNAVAILABLE' });
    expect(first).not.toBe(second);
  });

  it('sends one request per distinct token', async () => {
    server.answer = () => ({ body: activeAnswer() });
    const built = verifier();
    await Promise.all([built.verify(opaqueToken()), built.verify(opaqueToken())]);
    expect(server.seen).toHaveLength(2);
  });
});

describe('the answer cache', () => {
  it('answers a token seen before from the cache', async () => {
    server.answer = () => ({ body: activeAnswer() });
    const built = verifier();
    const token = opaqueToken();
    const first = await built.verify(token);
    const second = await built.verify(token);
    expect(server.seen).toHaveLength(1);
    expect(second).toMatchObject({ token, subject: first.subject, claims: first.claims });
  });

  it('asks again once maxTtlMs has passed', async () => {
    server.answer = () => ({ body: activeAnswer() });
    const built = verifier({ cache: { maxTtlMs: 100 } });
    const token = opaqueToken();
    await built.verify(token);
    await sleep(150);
    await built.verify(token);
    expect(server.seen).toHaveLength(2);
  });

  it('keeps an answer no longer than the token’s exp', async () => {
    // Two seconds ahead (one could be a few ms on a slow machine, expiring the first answer).
    const exp = nowSeconds() + 2;
    let active = true;
    server.answer = () => ({ body: active ? activeAnswer({ exp }) : { active: false } });
    const built = verifier({ clockToleranceSeconds: 0 });
    const token = opaqueToken();
    await built.verify(token);
    active = false;
    await sleep(exp * 1000 - Date.now() + 50);
    expect(await rejectionOf(built.verify(token))).toMatchObject({ code: 'TOKEN_INACTIVE' });
    expect(server.seen).toHaveLength(2);
  });

  it('re-checks the clock on a hit: a cached answer past maxTokenAgeSeconds is refused', async () => {
    // Ages out one to two seconds from now: never before the first verification, even slowly.
    const iat = nowSeconds() - 9;
    server.answer = () => ({ body: activeAnswer({ iat }) });
    // The entry outlives the token's age limit: only the hit's own check can refuse it.
    const built = verifier({ clockToleranceSeconds: 0, maxTokenAgeSeconds: 11 });
    const token = opaqueToken();
    await built.verify(token);
    await sleep((iat + 11) * 1000 - Date.now() + 100);
    expect(await rejectionOf(built.verify(token))).toMatchObject({ code: 'TOKEN_TOO_OLD' });
    expect(server.seen).toHaveLength(1);
  });

  it('keeps refusals briefly (inactiveTtlMs), and none with 0', async () => {
    server.answer = () => ({ body: { active: false } });
    const token = opaqueToken();
    const built = verifier();
    for (let i = 0; i < 3; i += 1) {
      expect(await rejectionOf(built.verify(token))).toMatchObject({ code: 'TOKEN_INACTIVE' });
    }
    expect(server.seen).toHaveLength(1);
    const uncached = verifier({ cache: { inactiveTtlMs: 0 } });
    await rejectionOf(uncached.verify(token));
    await rejectionOf(uncached.verify(token));
    expect(server.seen).toHaveLength(3);
  });

  it('does not remember a not-yet-valid refusal: time may lift it', async () => {
    server.answer = () => ({ body: activeAnswer({ nbf: nowSeconds() + 600 }) });
    const built = verifier();
    const token = opaqueToken();
    await rejectionOf(built.verify(token));
    await rejectionOf(built.verify(token));
    expect(server.seen).toHaveLength(2);
  });

  it('asks the server every time with cache: false', async () => {
    server.answer = () => ({ body: activeAnswer() });
    const built = verifier({ cache: false });
    const token = opaqueToken();
    await built.verify(token);
    await built.verify(token);
    expect(server.seen).toHaveLength(2);
  });

  it('never remembers a server fault', async () => {
    let fail = true;
    server.answer = () => (fail ? { status: 502 } : { body: activeAnswer() });
    const built = verifier();
    const token = opaqueToken();
    await rejectionOf(built.verify(token));
    fail = false;
    await expect(built.verify(token)).resolves.toMatchObject({ subject: 'user-1' });
  });

  it('keeps entries within maxEntries', async () => {
    server.answer = () => ({ body: activeAnswer() });
    const built = verifier({ cache: { maxEntries: 2 } });
    const tokens = [opaqueToken(), opaqueToken(), opaqueToken()];
    for (const token of tokens) await built.verify(token);
    await built.verify(tokens[0]!); // evicted by the third
    expect(server.seen).toHaveLength(4);
  });
});

describe('revocation', () => {
  it('is asked on every request, cache hits included', async () => {
    server.answer = () => ({ body: activeAnswer() });
    const revocation = createMemoryRevocationStore();
    const built = verifier({}, { revocation });
    const token = opaqueToken();
    await built.verify(token);
    await revocation.revokeSubject({ issuer: ISSUER, subject: 'user-1' });
    expect(await rejectionOf(built.verify(token))).toMatchObject({ code: 'TOKEN_REVOKED' });
    expect(server.seen).toHaveLength(1);
  });

  it('refuses, as for JWTs, a token that could outlive its revocation entry', async () => {
    server.answer = () => ({ body: activeAnswer({ iat: undefined }) });
    const built = verifier({}, { revocation: createMemoryRevocationStore() });
    expect(await rejectionOf(built.verify(opaqueToken()))).toMatchObject({
      code: 'TOKEN_LIFETIME_EXCEEDED',
    });
  });
});
