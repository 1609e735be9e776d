import { setTimeout as sleep } from 'node:timers/promises';
import {
  cognitoIssuer,
  createVerifier,
  matchIssuer,
  oidcIssuer,
  type TrustedIssuer,
} from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf, segment } from './helpers.js';

let tenantA: TestIssuer;
let tenantB: TestIssuer;
let stranger: TestIssuer;

beforeAll(async () => {
  [tenantA, tenantB, stranger] = await Promise.all([
    createTestIssuer({ kind: 'cognito', userPoolId: 'us-east-1_TenantA', alg: 'ES256' }),
    createTestIssuer({ kind: 'cognito', userPoolId: 'us-east-1_TenantB', alg: 'ES256' }),
    createTestIssuer({ kind: 'cognito', userPoolId: 'us-east-1_Stranger', alg: 'ES256' }),
  ]);
});
afterAll(() => Promise.all([tenantA.close(), tenantB.close(), stranger.close()]));

/** A tenant table as an app would keep it: iss → app client id. */
function tenantTable(...tenants: TestIssuer[]) {
  const table = new Map(tenants.map((tenant) => [tenant.issuer, tenant]));
  const calls: string[] = [];
  const resolve = async (iss: string): Promise<TrustedIssuer | undefined> => {
    calls.push(iss);
    const tenant = table.get(iss);
    return (
      tenant &&
      cognitoIssuer({
        clientId: tenant.clientId,
        issuerOverride: tenant.issuer,
        algorithms: ['ES256'],
      })
    );
  };
  return { resolve, calls };
}

/** A token that is never verified: it is refused at routing, before any key or signature. */
function unsignedToken(iss: string): string {
  return `${segment({ alg: 'ES256', kid: 'k' })}.${segment({ iss, sub: 'x' })}.${segment('sig')}`;
}

describe('a dynamic issuer resolver', () => {
  it('trusts what it resolves, asks once per issuer, and shares concurrent misses', async () => {
    const { resolve, calls } = tenantTable(tenantA, tenantB);
    const verifier = createVerifier({ resolveIssuer: resolve });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => tenantA.accessToken()));
    await Promise.all(tokens.map((token) => verifier.verify(token)));
    await expect(verifier.verify(await tenantB.accessToken())).resolves.toMatchObject({
      issuer: tenantB.issuer,
    });
    expect(calls).toEqual([tenantA.issuer, tenantB.issuer]);
  });

  it('refuses an untrusted issuer without any key fetch, and remembers the refusal', async () => {
    const { resolve, calls } = tenantTable(tenantA);
    const verifier = createVerifier({ resolveIssuer: resolve });
    stranger.resetStats();
    for (let i = 0; i < 3; i += 1) {
      expect((await rejectionOf(verifier.verify(await stranger.accessToken()))).code).toBe(
        'ISSUER_UNKNOWN',
      );
    }
    expect(calls).toEqual([stranger.issuer]);
    expect(stranger.stats.jwksRequests + stranger.stats.discoveryRequests).toBe(0);
  });

  it('answers 503, not 401, when the resolver fails, and recovers', async () => {
    let failing = true;
    const verifier = createVerifier({
      resolveIssuer: async () => {
        if (failing) throw new Error('database down');
        return cognitoIssuer({
          clientId: tenantA.clientId,
          issuerOverride: tenantA.issuer,
          algorithms: ['ES256'],
        });
      },
    });
    const token = await tenantA.accessToken();
    expect(await rejectionOf(verifier.verify(token))).toMatchObject({
      code: 'IDP_UNAVAILABLE',
      status: 503,
    });
    failing = false;
    await expect(verifier.verify(token)).resolves.toBeDefined();
  });

  it('never lets a resolved issuer vouch for another iss', async () => {
    const verifier = createVerifier({
      // A buggy resolver that answers with tenant A whatever it is asked.
      resolveIssuer: () =>
        cognitoIssuer({
          clientId: tenantA.clientId,
          issuerOverride: tenantA.issuer,
          algorithms: ['ES256'],
        }),
    });
    expect((await rejectionOf(verifier.verify(await tenantB.accessToken()))).code).toBe(
      'ISSUER_UNKNOWN',
    );
  });

  it('keeps static issuers first and the resolver cache bounded', async () => {
    const { resolve, calls } = tenantTable(tenantA, tenantB);
    const verifier = createVerifier({
      issuers: [
        cognitoIssuer({
          clientId: tenantA.clientId,
          issuerOverride: tenantA.issuer,
          algorithms: ['ES256'],
        }),
      ],
      resolveIssuer: resolve,
      resolverCache: { maxEntries: 1 },
    });
    await verifier.verify(await tenantA.accessToken());
    expect(calls).toEqual([]);
    await verifier.verify(await tenantB.accessToken());
    await verifier.verify(await tenantB.accessToken());
    expect(calls).toEqual([tenantB.issuer]);
    await rejectionOf(verifier.verify(await stranger.accessToken()));
    // Capacity 1: the stranger's refusal evicted tenant B's answer.
    await verifier.verify(await tenantB.accessToken());
    expect(calls).toEqual([tenantB.issuer, stranger.issuer, tenantB.issuer]);
  });

  it('refuses an off-boarded tenant’s cached tokens once the resolver’s answer expires', async () => {
    const { resolve, calls } = tenantTable(tenantA);
    let onboarded = true;
    const verifier = createVerifier({
      resolveIssuer: (iss) => (onboarded ? resolve(iss) : undefined),
      resolverCache: { ttlMs: 150 },
    });
    const token = await tenantA.accessToken();
    await verifier.verify(token);
    const cached = await verifier.verify(token);
    expect(await verifier.verify(token)).toBe(cached);
    onboarded = false;
    await sleep(200);
    expect((await rejectionOf(verifier.verify(token))).code).toBe('ISSUER_UNKNOWN');
    expect(calls).toEqual([tenantA.issuer]);
  });

  it('applies a narrowed configuration to cached tokens once the answer expires', async () => {
    let audience = tenantA.clientId;
    const verifier = createVerifier({
      resolveIssuer: () =>
        cognitoIssuer({
          clientId: audience,
          issuerOverride: tenantA.issuer,
          algorithms: ['ES256'],
        }),
      resolverCache: { ttlMs: 150 },
    });
    const token = await tenantA.accessToken();
    await verifier.verify(token);
    const cached = await verifier.verify(token);
    audience = 'another-app-client';
    // Within the answer's lifetime the cached verdict stands …
    expect(await verifier.verify(token)).toBe(cached);
    await sleep(200);
    // … and after it, the token meets the new configuration on the full path.
    expect((await rejectionOf(verifier.verify(token))).code).toBe('CLIENT_ID_MISMATCH');
  });

  it('re-verifies a cached token under a fresh answer and caches it again', async () => {
    const { resolve, calls } = tenantTable(tenantA);
    const verifier = createVerifier({ resolveIssuer: resolve, resolverCache: { ttlMs: 150 } });
    const token = await tenantA.accessToken();
    await verifier.verify(token);
    const cached = await verifier.verify(token);
    await sleep(200);
    const fresh = await verifier.verify(token);
    expect(fresh).not.toBe(cached);
    expect(await verifier.verify(token)).toBe(fresh);
    expect(calls).toEqual([tenantA.issuer, tenantA.issuer]);
  });

  it('refuses an oversized iss without asking the resolver', async () => {
    const { resolve, calls } = tenantTable(tenantA);
    const verifier = createVerifier({ resolveIssuer: resolve });
    const token = unsignedToken(`${tenantA.issuer}/${'x'.repeat(2048)}`);
    expect(await rejectionOf(verifier.verify(token))).toMatchObject({
      code: 'ISSUER_UNKNOWN',
      status: 401,
    });
    expect(calls).toEqual([]);
  });

  it('bounds the refusal cache by bytes, not only by entries', async () => {
    const { resolve, calls } = tenantTable(tenantA);
    const issuers = Array.from(
      { length: 2100 },
      (_, i) => `https://${i}.example/${'x'.repeat(2000)}`,
    );
    // Default budget: ~8 MiB holds about 2000 refusals of a 2 KB iss, not 10000.
    const verifier = createVerifier({ resolveIssuer: resolve });
    for (const iss of issuers) await rejectionOf(verifier.verify(unsignedToken(iss)));
    await rejectionOf(verifier.verify(unsignedToken(issuers[0] as string)));
    expect(calls).toHaveLength(2101);
    // An explicit budget, validated at creation.
    const small = createVerifier({
      resolveIssuer: resolve,
      resolverCache: { maxBytes: 64 * 1024 },
    });
    calls.length = 0;
    for (const iss of issuers.slice(0, 40)) await rejectionOf(small.verify(unsignedToken(iss)));
    await rejectionOf(small.verify(unsignedToken(issuers[0] as string)));
    expect(calls).toHaveLength(41);
    expect(() =>
      createVerifier({ resolveIssuer: resolve, resolverCache: { maxBytes: 0 } }),
    ).toThrow(TypeError);
  });

  it('answers 503 within the deadline when the resolver hangs, and asks again later', async () => {
    let calls = 0;
    const verifier = createVerifier({
      resolveIssuer: () => {
        calls += 1;
        return new Promise<undefined>(() => {});
      },
      jwks: { timeoutMs: 100 },
    });
    const token = await tenantA.accessToken();
    const [first, joined] = await Promise.all([
      rejectionOf(verifier.verify(token)),
      rejectionOf(verifier.verify(token)),
    ]);
    expect(first).toMatchObject({ code: 'IDP_UNAVAILABLE', status: 503 });
    expect(joined.code).toBe('IDP_UNAVAILABLE');
    expect(calls).toBe(1);
    // The single-flight entry went with the deadline: the next request asks afresh.
    expect((await rejectionOf(verifier.verify(token))).code).toBe('IDP_UNAVAILABLE');
    expect(calls).toBe(2);
  }, 2000);

  it('rejects bad resolver options at creation', () => {
    expect(() => createVerifier({})).toThrow(TypeError);
    expect(() => createVerifier({ resolveIssuer: 'x' as never })).toThrow(TypeError);
    expect(() =>
      createVerifier({ resolveIssuer: () => undefined, resolverCache: { ttlMs: 0 } }),
    ).toThrow(TypeError);
  });
});

describe('matchIssuer', () => {
  const build = (iss: string) => oidcIssuer({ issuer: iss, audience: 'api' });

  it('matches the whole iss only, so an unanchored pattern cannot be bypassed', () => {
    const resolve = matchIssuer(/https:\/\/good\.example\/tenants\/[a-z]+/, build);
    expect(resolve('https://good.example/tenants/acme')).toMatchObject({
      endpoints: [{ issuer: 'https://good.example/tenants/acme' }],
    });
    expect(resolve('https://evil.example/?https://good.example/tenants/acme')).toBeUndefined();
    expect(resolve('https://good.example/tenants/acme/../../evil')).toBeUndefined();
    expect(resolve('https://good.example/tenants/acme.evil.example')).toBeUndefined();
  });

  it('is not fooled by a global pattern’s lastIndex', () => {
    const resolve = matchIssuer(/^https:\/\/good\.example$/g, build);
    expect(resolve('https://good.example')).toBeDefined();
    expect(resolve('https://good.example')).toBeDefined();
  });

  it('hands capture groups to build and validates its arguments', () => {
    const seen: string[] = [];
    const resolve = matchIssuer(/^https:\/\/idp\.example\/([a-z]+)$/, (iss, match) => {
      seen.push(match[1] ?? '');
      return build(iss);
    });
    resolve('https://idp.example/acme');
    expect(seen).toEqual(['acme']);
    expect(() => matchIssuer('x' as never, build)).toThrow(TypeError);
    expect(() => matchIssuer(/x/, undefined as never)).toThrow(TypeError);
  });
});
