// The `dpop` option, validated once at creation: every mistake is a TypeError naming
// `dpop.<option>`, never a failure at request time.
import { dpopPolicy, type DpopReplayStore } from '@tokengate/core';
import { describe, expect, it } from 'vitest';

describe('dpopPolicy', () => {
  it('defaults to mode allowed, every asymmetric algorithm, no nonces', () => {
    for (const policy of [dpopPolicy(undefined), dpopPolicy({})]) {
      expect(policy.mode).toBe('allowed');
      expect(policy.algorithms).toEqual([
        'RS256',
        'RS384',
        'RS512',
        'PS256',
        'PS384',
        'PS512',
        'ES256',
        'ES384',
        'ES512',
        'EdDSA',
      ]);
      expect(policy.proofMaxAgeSeconds).toBe(60);
      expect(policy.clockToleranceSeconds).toBe(5);
      expect(policy.replayTimeoutMs).toBe(1000);
      expect(policy.nonces).toBeUndefined();
      expect(policy.nonce()).toBeUndefined();
    }
  });

  it.each(['allowed', 'required', 'disabled'] as const)('takes the mode %s alone', (mode) => {
    expect(dpopPolicy(mode).mode).toBe(mode);
    expect(dpopPolicy({ mode }).mode).toBe(mode);
  });

  it('keeps the algorithms given, once each', () => {
    expect(dpopPolicy({ algorithms: ['ES256', 'EdDSA', 'ES256'] }).algorithms).toEqual([
      'ES256',
      'EdDSA',
    ]);
  });

  it.each<[string, unknown, RegExp]>([
    ['a bad mode', 'optional', /dpop\.mode/],
    ['a bad mode in the object', { mode: 'on' }, /dpop\.mode/],
    ['a number', 1, /^dpop must be/],
    ['null', null, /^dpop must be/],
    ['an array', [], /^dpop must be/],
    [
      'a misspelt option',
      { replayStroe: {} },
      /dpop: unknown option "replayStroe"; did you mean `replayStore`/,
    ],
    ['no algorithms', { algorithms: [] }, /dpop\.algorithms/],
    ['a single algorithm string', { algorithms: 'ES256' }, /dpop\.algorithms/],
    [
      'HMAC',
      { algorithms: ['ES256', 'HS256'] },
      /dpop\.algorithms: "HS256" is not allowed.*never HMAC or none/,
    ],
    ['none', { algorithms: ['none'] }, /dpop\.algorithms: "none"/],
    ['a zero proof age', { proofMaxAgeSeconds: 0 }, /dpop\.proofMaxAgeSeconds/],
    ['a fractional proof age', { proofMaxAgeSeconds: 1.5 }, /dpop\.proofMaxAgeSeconds/],
    [
      'an hour and a second of proof age',
      { proofMaxAgeSeconds: 3601 },
      /dpop\.proofMaxAgeSeconds must be at most 3600/,
    ],
    ['a negative tolerance', { clockToleranceSeconds: -1 }, /dpop\.clockToleranceSeconds/],
    [
      'a tolerance past 300 s',
      { clockToleranceSeconds: 301 },
      /dpop\.clockToleranceSeconds must be at most 300/,
    ],
    ['a store without remember', { replayStore: { get: () => true } }, /dpop\.replayStore/],
    ['a null store', { replayStore: null }, /dpop\.replayStore/],
    ['a zero timeout', { replayTimeoutMs: 0 }, /dpop\.replayTimeoutMs/],
    ['nonce: true', { nonce: true }, /dpop\.nonce must be false or an object/],
    ['a misspelt nonce option', { nonce: { rotate: 5 } }, /dpop\.nonce: unknown option "rotate"/],
    ['a zero rotation', { nonce: { rotateSeconds: 0 } }, /dpop\.nonce\.rotateSeconds/],
    ['a rotation past an hour', { nonce: { rotateSeconds: 3601 } }, /dpop\.nonce\.rotateSeconds/],
    [
      'a secret that is a number',
      { nonce: { secret: 12 } },
      /dpop\.nonce\.secret must be a string or a Uint8Array/,
    ],
    [
      'a short secret',
      { nonce: { secret: 'short secret' } },
      /dpop\.nonce\.secret must be at least 32 bytes, got 12/,
    ],
    [
      'a short byte secret',
      { nonce: { secret: new Uint8Array(31) } },
      /dpop\.nonce\.secret must be at least 32 bytes/,
    ],
  ])('refuses %s with a TypeError', (_name, options, message) => {
    const build = () => dpopPolicy(options as never);
    expect(build).toThrow(TypeError);
    expect(build).toThrow(message);
  });

  it('never echoes the nonce secret', () => {
    expect(() => dpopPolicy({ nonce: { secret: 'hunter2-hunter2' } })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });

  it('counts a string secret in UTF-8 bytes', () => {
    // 16 characters, 32 bytes.
    expect(dpopPolicy({ nonce: { secret: 'é'.repeat(16) } }).nonces).toBeDefined();
  });

  it("copies a byte secret, so wiping the caller's buffer changes nothing", async () => {
    const secret = new Uint8Array(32).fill(7);
    const policy = dpopPolicy({ nonce: { secret } });
    const before = await policy.nonce();
    secret.fill(0);
    expect(await dpopPolicy({ nonce: { secret: new Uint8Array(32).fill(7) } }).nonce()).toBe(
      before,
    );
    expect(await policy.nonce()).toBe(before);
  });

  it('makes a random secret per policy by default', async () => {
    expect(await dpopPolicy({ nonce: {} }).nonce()).not.toBe(
      await dpopPolicy({ nonce: {} }).nonce(),
    );
  });

  it('closes the store it made, never one it was given', async () => {
    let closed = 0;
    const store: DpopReplayStore = {
      remember: () => true,
      close: () => {
        closed += 1;
        return Promise.resolve();
      },
    };
    const given = dpopPolicy({ replayStore: store });
    await given.close();
    expect(closed).toBe(0);
    expect(given.replayStore).toBe(store);
    const own = dpopPolicy({});
    await own.close();
    await own.close();
    expect(own.replayStore).not.toBe(store);
  });
});
