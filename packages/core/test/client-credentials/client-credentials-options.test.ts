// Client-credentials options that were silently ignored or misread are TypeErrors at
// creation: durations a timer cannot hold, backoff settings with no retries or that contradict
// each other, and a non-boolean allowInsecureHttp.
import { createClientCredentialsSource, type ClientCredentialsOptions } from '@tokengate/core';
import { describe, expect, it } from 'vitest';

const MAX_TIMER_MS = 2 ** 31 - 1;
const VALID: ClientCredentialsOptions = {
  tokenEndpoint: 'https://auth.example.com/oauth2/token',
  clientId: 'orders-worker',
  clientSecret: 'Sup3r-s3cret+value/with:odd=chars',
};

function build(overrides: Record<string, unknown>) {
  return () =>
    createClientCredentialsSource({ ...VALID, ...overrides } as ClientCredentialsOptions);
}

describe('createClientCredentialsSource() durations', () => {
  it.each(['timeoutMs', 'retryDelayMs', 'maxRetryDelayMs'])(
    'refuses %s past 2^31 − 1 ms, which a timer would turn into 1 ms',
    (name) => {
      const overrides =
        name === 'retryDelayMs'
          ? { retryDelayMs: 2 ** 31, maxRetryDelayMs: 2 ** 31 }
          : { [name]: 2 ** 31 };
      expect(build(overrides)).toThrow(TypeError);
      expect(build(overrides)).toThrow(new RegExp(`^${name} must be at most 2147483647`));
    },
  );

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a zero retryDelayMs', { retryDelayMs: 0 }, /^retryDelayMs must be a positive integer/],
    [
      'a fractional retryDelayMs',
      { retryDelayMs: 1.5 },
      /^retryDelayMs must be a positive integer/,
    ],
    [
      'a zero maxRetryDelayMs',
      { maxRetryDelayMs: 0 },
      /^maxRetryDelayMs must be a positive integer/,
    ],
  ])('refuses %s', (_name, overrides, message) => {
    expect(build(overrides)).toThrow(TypeError);
    expect(build(overrides)).toThrow(message);
  });

  it('takes the largest durations a timer holds', () => {
    expect(
      build({ timeoutMs: MAX_TIMER_MS, retryDelayMs: MAX_TIMER_MS, maxRetryDelayMs: MAX_TIMER_MS }),
    ).not.toThrow();
  });
});

describe('createClientCredentialsSource() backoff combinations', () => {
  it.each(['retryDelayMs', 'maxRetryDelayMs'])('refuses %s with retries: 0', (name) => {
    const attempt = build({ retries: 0, [name]: 500 });
    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow(new RegExp(`^${name} has no effect with retries: 0`));
  });

  it('refuses maxRetryDelayMs below retryDelayMs, naming both', () => {
    const attempt = build({ retryDelayMs: 5000, maxRetryDelayMs: 10 });
    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow(/^maxRetryDelayMs \(10\) must not be less than retryDelayMs \(5000\)/);
  });

  it('says when the ceiling it compares with is the default', () => {
    expect(build({ retryDelayMs: 20_000 })).toThrow(
      /^maxRetryDelayMs \(10000, its default\) must not be less than retryDelayMs \(20000\)/,
    );
  });

  it('takes equal delays, and retries: 0 alone', () => {
    expect(build({ retryDelayMs: 1000, maxRetryDelayMs: 1000 })).not.toThrow();
    expect(build({ retries: 0 })).not.toThrow();
  });
});

describe('createClientCredentialsSource() allowInsecureHttp', () => {
  const http = { tokenEndpoint: 'http://keycloak:8080/realms/x/protocol/openid-connect/token' };

  it.each<[string, unknown]>([
    ['"true"', 'true'],
    ['1', 1],
    ['"false"', 'false'],
    ['null', null],
  ])('refuses %s: it must be a boolean', (_name, value) => {
    const attempt = build({ ...http, allowInsecureHttp: value });
    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow(/^allowInsecureHttp must be a boolean/);
  });

  it('takes true, and false refuses http off loopback', () => {
    expect(build({ ...http, allowInsecureHttp: true })).not.toThrow();
    expect(build({ ...http, allowInsecureHttp: false })).toThrow(/^tokenEndpoint must use https:/);
  });
});
