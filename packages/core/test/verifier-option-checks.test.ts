// Every verifier option is checked once, at build, with a TypeError naming its full path; none
// is silently ignored or replaced by a default; a request only ever throws TokengateErrors.
import {
  auth0Issuer,
  cognitoIssuer,
  createJwksCache,
  createMemoryRevocationStore,
  createVerifier,
  keycloakIssuer,
  oidcIssuer,
  oktaIssuer,
  type TrustedIssuer,
  type VerifierOptions,
} from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf } from './helpers.js';

const ISSUER = 'https://idp.example.com/';
const issuer = (extra: object = {}) =>
  oidcIssuer({ issuer: ISSUER, audience: 'api', jwksUri: `${ISSUER}jwks`, ...extra });
const build = (options: object) => () => createVerifier(options as VerifierOptions);
const resolveNothing = () => undefined;

/** A hand-made issuer: what an app writes without a factory (or a resolver returns). */
const handMade = (extra: object = {}): TrustedIssuer =>
  ({
    kind: 'custom',
    endpoints: [{ issuer: 'https://b.example.com/', jwksUri: 'https://b.example.com/jwks' }],
    audience: 'api',
    normalize: () => ({ subject: undefined, scopes: [], groups: [] }),
    ...extra,
  }) as unknown as TrustedIssuer;

let idp: TestIssuer;
beforeAll(async () => {
  idp = await createTestIssuer();
});
afterAll(() => idp.close());

describe('verifier-wide claim settings are checked at build, named as verifier options', () => {
  it.each([
    ['clockToleranceSeconds: -1', { clockToleranceSeconds: -1 }, /^clockToleranceSeconds must be/],
    ['clockToleranceSeconds: null', { clockToleranceSeconds: null }, /^clockToleranceSeconds must/],
    ['algorithms: [HS256]', { algorithms: ['HS256'] }, /^algorithms must be a non-empty list/],
    ['algorithms: null', { algorithms: null }, /^algorithms must be a non-empty list/],
    ['typ: 5', { typ: 5 }, /^typ must be one media type/],
    ['typ: null', { typ: null }, /^typ must be one media type/],
    ['requiredClaims: [1]', { requiredClaims: [1] }, /^requiredClaims must be/],
    ['requiredClaims: null', { requiredClaims: null }, /^requiredClaims must be a list/],
    ['audience: 5', { audience: 5 }, /^audience must be/],
    ['maxTokenAgeSeconds: null', { maxTokenAgeSeconds: null }, /^maxTokenAgeSeconds must be/],
  ])('%s, with only resolveIssuer', (_label, extra, message) => {
    const verifier = build({ resolveIssuer: resolveNothing, ...extra });
    expect(verifier).toThrow(TypeError);
    expect(verifier).toThrow(message);
  });

  it.each([
    ['clockToleranceSeconds: -1', { clockToleranceSeconds: -1 }, /^clockToleranceSeconds must be/],
    ['requiredClaims: null', { requiredClaims: null }, /^requiredClaims must be a list/],
    ['algorithms: null', { algorithms: null }, /^algorithms must be a non-empty list/],
  ])('%s, with issuers: not blamed on an issuer, not a default', (_label, extra, message) => {
    expect(build({ issuers: [issuer()], ...extra })).toThrow(message);
  });

  it('an empty requiredClaims list stays a choice', () => {
    expect(build({ issuers: [issuer()], requiredClaims: [] })).not.toThrow();
  });
});

describe('hand-made issuers are checked at build, by their place in issuers', () => {
  it.each([
    [
      'no normalize',
      { normalize: undefined },
      /^issuers\[1\]\.normalize \(issuer "https:\/\/b\.example\.com\/"\) must be a function/,
    ],
    ['validate: "yes"', { validate: 'yes' }, /^issuers\[1\]\.validate .* must be a function/],
    [
      'an endpoint issuer 5',
      { endpoints: [{ issuer: 5 }] },
      /^issuers\[1\]\.endpoints\[0\]\.issuer must be a non-empty string/,
    ],
    [
      'a jwksUri 5',
      { endpoints: [{ issuer: 'https://b.example.com/', jwksUri: 5 }] },
      /^issuers\[1\]\.endpoints\[0\]\.jwksUri .*must be a non-empty string/,
    ],
    ['no endpoints', { endpoints: [] }, /^issuers\[1\]\.endpoints must be a non-empty array/],
    [
      'audience: 5',
      { audience: 5 },
      /^issuers\[1\]\.audience \(issuer "https:\/\/b\.example\.com\/"\) must be/,
    ],
    [
      'maxTokenAgeSeconds: null',
      { maxTokenAgeSeconds: null },
      /^issuers\[1\]\.maxTokenAgeSeconds .*must be/,
    ],
    ['typ: a list', { typ: ['at+jwt', 'JWT'] }, /^issuers\[1\]\.typ .*must be one media type/],
    [
      'allowInsecureHttp: "true"',
      { allowInsecureHttp: 'true' },
      /^issuers\[1\]\.allowInsecureHttp .*must be a boolean/,
    ],
  ])('%s', (_label, extra, message) => {
    const verifier = build({ issuers: [issuer(), handMade(extra)] });
    expect(verifier).toThrow(TypeError);
    expect(verifier).toThrow(message);
  });

  it('a hole in issuers is named by its place', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(build({ issuers: [, issuer()] })).toThrow(/^issuers\[0\] must be built with/);
  });
});

describe("a resolver's malformed answer is an outage (503), never a crash", () => {
  it.each([
    ['42', () => 42],
    ['an issuer without normalize', () => handMade({ normalize: undefined, audience: null })],
    ['an endpoint issuer that is not a string', () => handMade({ endpoints: [{ issuer: 5 }] })],
  ])('%s', async (_label, answer) => {
    const verifier = createVerifier({ resolveIssuer: answer as never });
    const error = await rejectionOf(verifier.verify(await idp.accessToken()));
    expect(error.code).toBe('IDP_UNAVAILABLE');
  });

  it("a resolver's issuer without normalize, for the token's own iss", async () => {
    const verifier = createVerifier({
      resolveIssuer: () =>
        handMade({
          endpoints: [{ issuer: idp.issuer, jwksUri: idp.jwksUri }],
          normalize: undefined,
          audience: null,
        }),
    });
    expect((await rejectionOf(verifier.verify(await idp.accessToken()))).code).toBe(
      'IDP_UNAVAILABLE',
    );
  });
});

describe('options that mean something only together are refused alone', () => {
  it.each([
    [
      'revocationTimeoutMs without revocation',
      { revocationTimeoutMs: 5 },
      /^revocationTimeoutMs applies only with revocation/,
    ],
    [
      'resolverCache without resolveIssuer',
      { resolverCache: { ttlMs: 1000 } },
      /^resolverCache applies only with resolveIssuer/,
    ],
    [
      'jwks.onEvent and onEvent',
      { jwks: { onEvent: () => {} }, onEvent: () => {} },
      /^jwks\.onEvent and onEvent are both set/,
    ],
  ])('%s', (_label, extra, message) => {
    expect(build({ issuers: [issuer()], ...extra })).toThrow(message);
  });

  it('jwks.onEvent alone still receives the jwks-fetch events', async () => {
    const events: string[] = [];
    const verifier = createVerifier({
      issuers: [oidcIssuer({ issuer: idp.issuer, audience: idp.audience, jwksUri: idp.jwksUri })],
      jwks: { onEvent: (event) => events.push(event.type) },
    });
    await verifier.verify(await idp.accessToken());
    expect(events).toContain('jwks-fetch');
    await verifier.close();
  });

  it('discovery: false needs jwksUri or jwks, and discovery is a boolean', () => {
    expect(() => oidcIssuer({ issuer: ISSUER, audience: 'a', discovery: false })).toThrow(
      /^discovery: false needs jwksUri or jwks/,
    );
    expect(() => oidcIssuer({ issuer: ISSUER, audience: 'a', discovery: 'no' as never })).toThrow(
      /^discovery must be a boolean, got "no"$/,
    );
    expect(() =>
      oidcIssuer({ issuer: ISSUER, audience: 'a', discovery: false, jwksUri: `${ISSUER}jwks` }),
    ).not.toThrow();
  });

  it('a typ list is refused: one media type, as ClaimPolicy.typ says', () => {
    expect(() => issuer({ typ: ['at+jwt', 'JWT'] })).toThrow(/^typ must be one media type/);
    expect(build({ issuers: [issuer()], typ: ['at+jwt', 'JWT'] })).toThrow(
      /^typ must be one media type/,
    );
  });
});

describe('wrong types are TypeErrors, never the defaults', () => {
  it.each([
    ['null', null],
    ['42', 42],
    ['true', true],
    ['[]', []],
    ['"x"', 'x'],
  ])('jwks: %s', (_label, jwks) => {
    expect(build({ issuers: [issuer()], jwks })).toThrow(
      /^jwks must be a JwksCache or an object of options, got /,
    );
  });

  it('a shared jwks cache must have the methods the verifier calls', () => {
    expect(build({ issuers: [issuer()], jwks: { getKey: () => undefined } })).toThrow(
      /^jwks\.refresh must be a function/,
    );
  });

  it.each<[string, (insecure: unknown) => unknown]>([
    [
      'oidcIssuer',
      (allowInsecureHttp) =>
        oidcIssuer({ issuer: ISSUER, audience: 'a', allowInsecureHttp } as never),
    ],
    [
      'cognitoIssuer',
      (allowInsecureHttp) =>
        cognitoIssuer({
          userPoolId: 'eu-west-1_AbCdEf123',
          clientId: 'x',
          allowInsecureHttp,
        } as never),
    ],
    [
      'auth0Issuer',
      (allowInsecureHttp) =>
        auth0Issuer({ domain: 'acme.eu.auth0.com', audience: 'api', allowInsecureHttp } as never),
    ],
    [
      'oktaIssuer',
      (allowInsecureHttp) =>
        oktaIssuer({ domain: 'acme.okta.com', audience: 'api', allowInsecureHttp } as never),
    ],
    [
      'keycloakIssuer',
      (allowInsecureHttp) =>
        keycloakIssuer({
          baseUrl: 'https://kc.example.com',
          realm: 'acme',
          audience: 'api',
          allowInsecureHttp,
        } as never),
    ],
  ])('%s: allowInsecureHttp must be a boolean', (_name, make) => {
    for (const value of ['true', 1]) {
      expect(() => make(value)).toThrow(/^allowInsecureHttp must be a boolean/);
    }
    expect(() => make(false)).not.toThrow();
  });
});

describe("the verifier's own JWKS cache options are named jwks.<option>", () => {
  it.each([
    ['a typo', { timeotMs: 5 }, /^jwks: unknown option "timeotMs"; did you mean `timeoutMs`\?$/],
    ['maxBytes: -1', { maxBytes: -1 }, /^jwks\.maxBytes must be a positive integer/],
    ['timeoutMs: NaN', { timeoutMs: Number.NaN }, /^jwks\.timeoutMs must be/],
    ['fetch: 1', { fetch: 1 }, /^jwks\.fetch must be a function/],
  ])('%s', (_label, jwks, message) => {
    expect(build({ issuers: [issuer()], jwks })).toThrow(message);
  });

  it('createJwksCache(null) is a clean TypeError, and () still the defaults', () => {
    expect(() => createJwksCache(null as never)).toThrow(
      /^createJwksCache options must be an object, got null$/,
    );
    expect(() => createJwksCache('x' as never)).toThrow(TypeError);
    const cache = createJwksCache();
    return cache.close();
  });
});

describe('millisecond options fit a timer (at most 2^31 - 1 ms)', () => {
  const tooLong = 2 ** 31;
  it.each([
    ['jwks.timeoutMs', { jwks: { timeoutMs: tooLong } }],
    ['jwks.fetchTimeoutMs', { jwks: { fetchTimeoutMs: tooLong } }],
    ['jwks.cooldownMs', { jwks: { cooldownMs: tooLong } }],
    ['jwks.minTtlMs', { jwks: { minTtlMs: tooLong } }],
    ['jwks.maxTtlMs', { jwks: { maxTtlMs: tooLong } }],
    ['jwks.defaultTtlMs', { jwks: { defaultTtlMs: tooLong } }],
    ['jwks.staleIfErrorMs', { jwks: { staleIfErrorMs: tooLong } }],
    ['cache.maxTtlMs', { cache: { maxTtlMs: tooLong } }],
    [
      'revocationTimeoutMs',
      { revocation: createMemoryRevocationStore(), revocationTimeoutMs: tooLong },
    ],
  ])('%s', (name, extra) => {
    expect(build({ issuers: [issuer()], ...extra })).toThrow(
      new RegExp(`^${name.replace('.', '\\.')} must be at most ${tooLong - 1} ms`),
    );
  });

  it.each(['ttlMs', 'negativeTtlMs'])('resolverCache.%s', (key) => {
    expect(build({ resolveIssuer: resolveNothing, resolverCache: { [key]: tooLong } })).toThrow(
      new RegExp(`^resolverCache\\.${key} must be at most`),
    );
  });

  it('createJwksCache({ cooldownMs: 2 ** 40 })', () => {
    expect(() => createJwksCache({ cooldownMs: 2 ** 40 })).toThrow(/^cooldownMs must be at most/);
  });
});
