// Introspection options that were silently ignored or defaulted are TypeErrors at creation:
// a cache that is not a plain object, `algorithms` without signed answers, a non-boolean
// `allowInsecureHttp`, and durations a timer cannot hold.
import { introspectionIssuer, type IntrospectionIssuerOptions } from '@tokengate/core';
import { describe, expect, it } from 'vitest';
import { API, CLIENT_ID, ISSUER, SECRET } from './fixtures.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

function options(overrides: Record<string, unknown> = {}): IntrospectionIssuerOptions {
  return {
    issuer: ISSUER,
    introspectionEndpoint: `${ISSUER}/oauth2/introspect`,
    clientId: CLIENT_ID,
    clientAuth: { method: 'client_secret_basic', clientSecret: SECRET },
    audience: API,
    ...overrides,
  } as IntrospectionIssuerOptions;
}

describe('introspectionIssuer() option shapes', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['cache: []', { cache: [] }, /^cache must be false or an object, got an array/],
    [
      'cache: new Map()',
      { cache: new Map([['maxTtlMs', 1000]]) },
      /^cache must be false or an object/,
    ],
    ['cache: true', { cache: true }, /^cache must be false or an object/],
    [
      'algorithms without jwtResponse',
      { algorithms: ['ES256'] },
      /^algorithms applies only to signed answers \(RFC 9701\): set jwtResponse: true/,
    ],
    [
      'algorithms with jwtResponse: false',
      { algorithms: ['ES256'], jwtResponse: false },
      /^algorithms applies only to signed answers/,
    ],
    [
      'allowInsecureHttp: "true"',
      { allowInsecureHttp: 'true' },
      /^allowInsecureHttp must be a boolean/,
    ],
    ['allowInsecureHttp: 1', { allowInsecureHttp: 1 }, /^allowInsecureHttp must be a boolean/],
    [
      'allowInsecureHttp: "false"',
      { allowInsecureHttp: 'false' },
      /^allowInsecureHttp must be a boolean/,
    ],
    [
      'allowInsecureHttp: null',
      { allowInsecureHttp: null },
      /^allowInsecureHttp must be a boolean/,
    ],
    ['timeoutMs: 2^31', { timeoutMs: 2 ** 31 }, /^timeoutMs must be at most 2147483647/],
    [
      'cache.maxTtlMs: 2^31',
      { cache: { maxTtlMs: 2 ** 31 } },
      /^cache\.maxTtlMs must be at most 2147483647/,
    ],
    [
      'cache.inactiveTtlMs: 2^31',
      { cache: { inactiveTtlMs: 2 ** 31 } },
      /^cache\.inactiveTtlMs must be at most 2147483647/,
    ],
    [
      'cache.inactiveTtlMs: -1',
      { cache: { inactiveTtlMs: -1 } },
      /^cache\.inactiveTtlMs must be a non-negative integer \(0 keeps none\)/,
    ],
    [
      'cache.inactiveTtlMs: "5000"',
      { cache: { inactiveTtlMs: '5000' } },
      /^cache\.inactiveTtlMs must be a non-negative integer/,
    ],
  ])('refuses %s with a TypeError', (_name, overrides, message) => {
    const build = () => introspectionIssuer(options(overrides));
    expect(build).toThrow(TypeError);
    expect(build).toThrow(message);
  });

  it('takes the largest durations a timer holds, inactiveTtlMs 0, and algorithms with jwtResponse', () => {
    expect(() =>
      introspectionIssuer(
        options({
          timeoutMs: MAX_TIMER_MS,
          cache: { maxTtlMs: MAX_TIMER_MS, inactiveTtlMs: MAX_TIMER_MS },
        }),
      ),
    ).not.toThrow();
    expect(() => introspectionIssuer(options({ cache: { inactiveTtlMs: 0 } }))).not.toThrow();
    expect(() =>
      introspectionIssuer(options({ jwtResponse: true, algorithms: ['ES256'] })),
    ).not.toThrow();
    expect(() =>
      introspectionIssuer(
        options({
          introspectionEndpoint: 'http://idp.internal/oauth2/introspect',
          issuer: 'http://idp.internal',
          allowInsecureHttp: true,
        }),
      ),
    ).not.toThrow();
  });
});
