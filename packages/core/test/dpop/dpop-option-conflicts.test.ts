// Options of `dpop` that would be silently ignored or silently defaulted are TypeErrors at
// creation: proof options under mode 'disabled' (which checks no proof), a replay deadline a
// timer cannot hold, and containers that are not plain objects.
import {
  createGate,
  createMemoryDpopReplayStore,
  dpopPolicy,
  oidcIssuer,
  type DpopOptions,
} from '@tokengate/core';
import { describe, expect, it } from 'vitest';

const ISSUER = 'https://idp.tokengate.test/';
const SECRET = 'x'.repeat(32);

describe("dpop with mode 'disabled'", () => {
  it.each<[keyof DpopOptions, unknown]>([
    ['algorithms', ['ES256']],
    ['proofMaxAgeSeconds', 10],
    ['clockToleranceSeconds', 1],
    ['replayStore', createMemoryDpopReplayStore()],
    ['replayTimeoutMs', 500],
    ['nonce', { secret: SECRET }],
    ['nonce', {}],
  ])('refuses %s, naming it and the mode', (name, value) => {
    const build = () => dpopPolicy({ mode: 'disabled', [name]: value });
    expect(build).toThrow(TypeError);
    expect(build).toThrow(new RegExp(`^dpop\\.${name} has no effect with dpop\\.mode 'disabled'`));
  });

  it('takes what the mode already means: nonce false, issuers disabled, undefined members', () => {
    // `algorithms: undefined` as a JavaScript caller may write it (a spread of unset settings).
    const options = {
      mode: 'disabled',
      nonce: false,
      algorithms: undefined,
      issuers: { [ISSUER]: 'disabled' },
    } as unknown as DpopOptions;
    const policy = dpopPolicy(options);
    expect(policy.mode).toBe('disabled');
    expect(policy.nonce()).toBeUndefined();
  });

  it('refuses a gate that would hand out DPoP-Nonce values it never checks', () => {
    const issuers = [oidcIssuer({ issuer: ISSUER, audience: 'api', jwksUri: `${ISSUER}jwks` })];
    expect(() =>
      createGate({ issuers, dpop: { mode: 'disabled', nonce: { secret: SECRET } } }),
    ).toThrow(/dpop\.nonce has no effect with dpop\.mode 'disabled'/);
    // The same options with DPoP accepted are fine.
    expect(() =>
      createGate({ issuers, dpop: { mode: 'allowed', nonce: { secret: SECRET } } }),
    ).not.toThrow();
  });
});

describe('dpop.replayTimeoutMs', () => {
  it('refuses more than a timer holds (2^31 − 1 ms), which would expire at once', () => {
    expect(() => dpopPolicy({ replayTimeoutMs: 2 ** 31 })).toThrow(TypeError);
    expect(() => dpopPolicy({ replayTimeoutMs: 2 ** 31 })).toThrow(
      /dpop\.replayTimeoutMs must be at most 2147483647/,
    );
    expect(dpopPolicy({ replayTimeoutMs: 2 ** 31 - 1 }).replayTimeoutMs).toBe(2 ** 31 - 1);
  });
});

describe('dpop containers', () => {
  it.each<[string, unknown, RegExp]>([
    ['dpop as a Map', new Map([['mode', 'required']]), /^dpop must be/],
    [
      'dpop.nonce as a Map',
      { nonce: new Map([['secret', SECRET]]) },
      /^dpop\.nonce must be false or an object/,
    ],
    ['dpop.nonce as an array', { nonce: [] }, /^dpop\.nonce must be false or an object/],
    [
      'dpop.issuers as a Map',
      { issuers: new Map([[ISSUER, 'required']]) },
      /^dpop\.issuers must be an object/,
    ],
  ])('refuses %s rather than taking its defaults', (_name, options, message) => {
    const build = () => dpopPolicy(options as DpopOptions);
    expect(build).toThrow(TypeError);
    expect(build).toThrow(message);
  });
});

describe('createMemoryDpopReplayStore options', () => {
  it.each<[string, unknown]>([
    ['an array', []],
    ['a Map', new Map([['maxEntries', 10]])],
    ['a string', 'x'],
  ])('refuses %s rather than taking the default bounds', (_name, options) => {
    const build = () => createMemoryDpopReplayStore(options as never);
    expect(build).toThrow(TypeError);
    expect(build).toThrow(/^createMemoryDpopReplayStore options must be an object/);
  });

  it('takes no options, or an object of them', () => {
    expect(createMemoryDpopReplayStore().size).toBe(0);
    expect(createMemoryDpopReplayStore({ maxEntries: 10 }).remember('a', Date.now() + 1000)).toBe(
      true,
    );
  });
});
