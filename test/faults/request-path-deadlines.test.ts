// Every await on the request path has a deadline: whatever the library waits on (a revocation
// store, libuv's thread pool, a fetch implementation, discovery, an issuer resolver) a hang
// answers 503 within the configured deadline, never holds the request. The JWKS and discovery
// endpoints' own failure modes (hanging body, slow, refused…) are in idp-outage.test.ts; the
// resolver's hang in packages/core/test/issuer-resolver.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFile, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createVerifier,
  oidcIssuer,
  TokengateError,
  type RevocationStore,
  type Verifier,
} from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const DEADLINE_MS = 300;
/** Loopback round trips and two shared cores on top of the deadline. */
const MARGIN_MS = 400;

let idp: TestIssuer;
beforeAll(async () => {
  idp = await createTestIssuer({ alg: 'ES256' });
});
afterAll(() => idp.close());

const never = (): Promise<never> => new Promise<never>(() => undefined);

/** The verification's rejection, asserting it came within the deadline plus the margin. */
async function rejectedInTime(verifier: Verifier, token: string): Promise<TokengateError> {
  const startedAt = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    verifier.verify(token).then(
      () => new Error('verified'),
      (error: unknown) => error,
    ),
    new Promise<Error>((resolve) => {
      timer = setTimeout(() => resolve(new Error('still waiting')), DEADLINE_MS + 2000);
    }),
  ]).finally(() => clearTimeout(timer));
  const ms = performance.now() - startedAt;
  expect(outcome, String(outcome)).toBeInstanceOf(TokengateError);
  expect(ms, `answered after ${Math.round(ms)} ms`).toBeLessThan(DEADLINE_MS + MARGIN_MS);
  return outcome as TokengateError;
}

describe('a revocation store that never answers', () => {
  const hung: RevocationStore = { isRevoked: never };

  it('answers 503 REVOCATION_UNAVAILABLE within revocationTimeoutMs, cached verdicts too', async () => {
    const verifier = createVerifier({
      issuers: [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience })],
      revocation: hung,
      revocationTimeoutMs: DEADLINE_MS,
    });
    const token = await idp.accessToken();
    for (const path of ['full path', 'cached verdict']) {
      const error = await rejectedInTime(verifier, token);
      expect(error.code, path).toBe('REVOCATION_UNAVAILABLE');
      expect(error.status, path).toBe(503);
    }
  });

  it('refuses a bad revocationTimeoutMs at creation', () => {
    const issuers = [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: null })];
    for (const revocationTimeoutMs of [0, -1, 1.5, Number.NaN]) {
      expect(() => createVerifier({ issuers, revocation: hung, revocationTimeoutMs })).toThrow(
        TypeError,
      );
    }
  });
});

// libuv's pool is shared with fs and dns.lookup, whose calls can block its threads for
// seconds. Opening a FIFO for reading blocks until a writer comes: each open pins one thread,
// costing no CPU, until the test opens the write end.
describe('threadPool: true with every pool thread blocked', () => {
  it('answers 503 within the JWKS timeoutMs, and verifies once the pool is free', async () => {
    const verifier = createVerifier({
      issuers: [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience })],
      jwks: { timeoutMs: DEADLINE_MS },
      threadPool: true,
      cache: false,
    });
    const token = await idp.accessToken();
    await verifier.prewarm(); // the key set is cached: only the signature check can wait
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-pool-'));
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
    const blocked = Array.from(
      { length: threads },
      () => new Promise((resolve) => readFile(fifo, resolve)),
    );
    try {
      const error = await rejectedInTime(verifier, token);
      expect(error.code).toBe('IDP_UNAVAILABLE');
      expect(error.status).toBe(503);
    } finally {
      // A writer releases every blocked open; closing it ends their reads.
      closeSync(openSync(fifo, 'w'));
      await Promise.all(blocked);
      rmSync(dir, { recursive: true, force: true });
    }
    await expect(verifier.verify(token)).resolves.toMatchObject({ issuer: idp.issuer });
  });
});

describe('a fetch implementation that never settles and ignores its signal', () => {
  it('JWKS: 503 IDP_UNAVAILABLE within the JWKS timeoutMs', async () => {
    const verifier = createVerifier({
      issuers: [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience })],
      jwks: { timeoutMs: DEADLINE_MS, fetch: never },
    });
    expect((await rejectedInTime(verifier, await idp.accessToken())).code).toBe('IDP_UNAVAILABLE');
  });

  it('discovery: 503 IDP_UNAVAILABLE within the JWKS timeoutMs', async () => {
    const verifier = createVerifier({
      issuers: [oidcIssuer({ issuer: idp.issuer, audience: idp.audience })],
      jwks: { timeoutMs: DEADLINE_MS, fetch: never },
    });
    expect((await rejectedInTime(verifier, await idp.accessToken())).code).toBe('IDP_UNAVAILABLE');
  });
});
