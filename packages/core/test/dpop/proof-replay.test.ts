// The last steps of a proof check: server nonces (RFC 9449 §8, §9: use_dpop_nonce with a fresh
// nonce) and the replay store (RFC 9449 §11.1: each proof once; a store that fails, hangs or
// answers nonsense is a 503 within replayTimeoutMs, never a pass and never a 401).
import {
  checkDpopProof,
  dpopPolicy,
  IdpUnavailableError,
  InvalidTokenError,
  type DpopReplayStore,
} from '@tokengate/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { UseDpopNonceError } from '../../src/errors/dpop-errors.js';
import { codeOf, failure } from './check-helpers.js';
import { present, proofKeyPair, type ProofKeyPair } from './proof-signer.js';

let pair: ProofKeyPair;
beforeAll(async () => {
  pair = await proofKeyPair('ES256');
});

const SECRET = 'the fleet-wide DPoP nonce secret, 32+ bytes';

describe('replay', () => {
  it('accepts a proof once', async () => {
    const policy = dpopPolicy({});
    const presentation = present(pair);
    await checkDpopProof(policy, presentation, Date.now());
    const error = await failure(() => checkDpopProof(policy, presentation, Date.now()));
    expect(error.code).toBe('DPOP_PROOF_REPLAYED');
    expect(error.status).toBe(401);
    expect(error.error).toBe('invalid_dpop_proof');
  });

  it('refuses a new proof reusing a jti of the same key', async () => {
    const policy = dpopPolicy({});
    await checkDpopProof(policy, present(pair, { claims: { jti: 'same' } }), Date.now());
    expect(
      await codeOf(() =>
        checkDpopProof(
          policy,
          present(pair, { claims: { jti: 'same' }, method: 'POST' }, { method: 'POST' }),
          Date.now(),
        ),
      ),
    ).toBe('DPOP_PROOF_REPLAYED');
    // Another client's key may choose the same jti.
    const other = await proofKeyPair('ES256');
    await checkDpopProof(policy, present(other, { claims: { jti: 'same' } }), Date.now());
  });

  it('records a proof only once every other check passed', async () => {
    const policy = dpopPolicy({});
    const presentation = present(pair);
    const other = await proofKeyPair('EdDSA');
    // Refused for its binding (the last check before the store): its jti is not used up.
    expect(
      await codeOf(() => checkDpopProof(policy, { ...presentation, jkt: other.jkt }, Date.now())),
    ).toBe('DPOP_BINDING_MISMATCH');
    await checkDpopProof(policy, presentation, Date.now());
  });

  it('remembers `jkt:jti` until the proof could no longer pass the iat check', async () => {
    const seen: [string, number][] = [];
    const store: DpopReplayStore = {
      remember(key, expiresAtMs) {
        seen.push([key, expiresAtMs]);
        return true;
      },
    };
    const policy = dpopPolicy({
      replayStore: store,
      proofMaxAgeSeconds: 30,
      clockToleranceSeconds: 2,
    });
    const iat = Math.floor(Date.now() / 1000);
    await checkDpopProof(policy, present(pair, { claims: { jti: 'abc', iat } }), Date.now());
    expect(seen).toEqual([[`${pair.jkt}:abc`, (iat + 30 + 2) * 1000 + 1000]]);
  });

  it('accepts an asynchronous store', async () => {
    const keys = new Set<string>();
    const store: DpopReplayStore = {
      remember: async (key) => !keys.has(key) && Boolean(keys.add(key)),
    };
    const policy = dpopPolicy({ replayStore: store });
    const presentation = present(pair);
    await checkDpopProof(policy, presentation, Date.now());
    expect(await codeOf(() => checkDpopProof(policy, presentation, Date.now()))).toBe(
      'DPOP_PROOF_REPLAYED',
    );
  });
});

describe('a replay store that cannot answer', () => {
  it.each<[string, DpopReplayStore['remember']]>([
    [
      'throws',
      () => {
        throw new Error('ECONNRESET');
      },
    ],
    [
      'rejects',
      () => Promise.reject(new Error("READONLY You can't write against a read only replica")),
    ],
    ['answers undefined', () => undefined as unknown as boolean],
    ['answers a string asynchronously', () => Promise.resolve('OK' as unknown as boolean)],
    ['answers 1', () => 1 as unknown as boolean],
  ])('is a 503 when it %s', async (_name, remember) => {
    const policy = dpopPolicy({ replayStore: { remember } });
    const error = await failure(() => checkDpopProof(policy, present(pair), Date.now()));
    expect(error).toBeInstanceOf(IdpUnavailableError);
    expect(error.code).toBe('DPOP_REPLAY_UNAVAILABLE');
    expect(error.status).toBe(503);
    expect(error.headers['Retry-After']).toBeDefined();
  });

  it('is a 503 within replayTimeoutMs when it hangs', async () => {
    const policy = dpopPolicy({
      replayStore: { remember: () => new Promise<boolean>(() => {}) },
      replayTimeoutMs: 100,
    });
    const started = performance.now();
    const error = await failure(() => checkDpopProof(policy, present(pair), Date.now()));
    const elapsed = performance.now() - started;
    expect(error.code).toBe('DPOP_REPLAY_UNAVAILABLE');
    expect(elapsed).toBeGreaterThanOrEqual(90);
    expect(elapsed).toBeLessThan(1000);
  });

  it('passes on a TokengateError of its own', async () => {
    const own = new InvalidTokenError('TOKEN_REVOKED', { description: 'revoked' });
    const policy = dpopPolicy({ replayStore: { remember: () => Promise.reject(own) } });
    expect(await failure(() => checkDpopProof(policy, present(pair), Date.now()))).toBe(own);
  });

  it('is not asked for a proof that fails another check', async () => {
    let asked = 0;
    const policy = dpopPolicy({
      replayStore: {
        remember: () => {
          asked += 1;
          throw new Error('down');
        },
      },
    });
    expect(
      await codeOf(() => checkDpopProof(policy, present(pair, { method: 'PUT' }), Date.now())),
    ).toBe('DPOP_METHOD_MISMATCH');
    expect(asked).toBe(0);
  });
});

describe('server nonces', () => {
  const noncePolicy = () => dpopPolicy({ nonce: { secret: SECRET } });

  it('asks for a nonce, with a fresh one, when the proof has none', async () => {
    const policy = noncePolicy();
    const error = await failure(() => checkDpopProof(policy, present(pair), Date.now()));
    expect(error).toBeInstanceOf(UseDpopNonceError);
    expect(error.code).toBe('DPOP_NONCE_REQUIRED');
    expect(error.status).toBe(401);
    expect(error.error).toBe('use_dpop_nonce');
    const nonce = await policy.nonce();
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((error as UseDpopNonceError).nonce).toBe(nonce);
    expect(error.headers['DPoP-Nonce']).toBe(nonce);
  });

  it('accepts the current nonce, and the same nonce on another server of the fleet', async () => {
    const policy = noncePolicy();
    const nonce = await policy.nonce();
    await checkDpopProof(policy, present(pair, { claims: { nonce } }), Date.now());
    await checkDpopProof(noncePolicy(), present(pair, { claims: { nonce } }), Date.now());
  });

  it.each([
    ['a wrong nonce', 'not-the-nonce'],
    ['a nonce of another secret', 'OTHER'],
    ['a nonce that is not a string', 42],
  ])('asks again for %s', async (_name, given) => {
    const policy = noncePolicy();
    const nonce =
      given === 'OTHER' ? await dpopPolicy({ nonce: { secret: `${SECRET}!` } }).nonce() : given;
    const error = await failure(() =>
      checkDpopProof(policy, present(pair, { claims: { nonce } }), Date.now()),
    );
    expect(error.code).toBe('DPOP_NONCE_REQUIRED');
    expect((error as UseDpopNonceError).nonce).toBe(await policy.nonce());
  });

  it("accepts the previous window's nonce and asks again for an older one", async () => {
    const policy = dpopPolicy({ nonce: { secret: SECRET, rotateSeconds: 60 } });
    const now = Date.now();
    const nonces = policy.nonces!;
    const previous = await nonces.current(now - 60_000);
    const expired = await nonces.current(now - 120_000);
    await checkDpopProof(policy, present(pair, { claims: { nonce: previous } }), now);
    const error = await failure(() =>
      checkDpopProof(policy, present(pair, { claims: { nonce: expired } }), now),
    );
    expect(error.code).toBe('DPOP_NONCE_REQUIRED');
    expect((error as UseDpopNonceError).nonce).toBe(await nonces.current(now));
    expect((error as UseDpopNonceError).nonce).not.toBe(expired);
  });

  it('is not asked for without the option', async () => {
    expect(dpopPolicy({}).nonce()).toBeUndefined();
    await checkDpopProof(
      dpopPolicy({}),
      present(pair, { claims: { nonce: 'anything' } }),
      Date.now(),
    );
  });
});
