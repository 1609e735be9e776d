import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  IdpUnavailableError,
  cognitoIssuer,
  createAlbVerifier,
  createClientCredentialsSource,
  createGate,
  createJwksCache,
  createMemoryRevocationStore,
  createVerifier,
  googleIssuer,
  keycloakIssuer,
  oidcIssuer,
} from '@tokengate/core';
import { createTestIssuer } from '@tokengate/testing';
import { describe, expect, it } from 'vitest';
import { rejectionOf, segment } from './helpers.js';

const issuer = 'https://idp.example.com';

describe('option mistakes throw TypeError at creation', () => {
  it.each([
    ['no issuers', () => createVerifier({ issuers: [] })],
    ['a non-issuer', () => createVerifier({ issuers: [{} as never] })],
    ['no audience anywhere', () => createVerifier({ issuers: [oidcIssuer({ issuer })] })],
    [
      'HMAC algorithms',
      () =>
        createVerifier({
          issuers: [oidcIssuer({ issuer, audience: 'a', algorithms: ['HS256' as never] })],
        }),
    ],
    [
      'an empty algorithm list',
      () => createVerifier({ issuers: [oidcIssuer({ issuer, audience: 'a', algorithms: [] })] }),
    ],
    [
      'the same issuer twice',
      () =>
        createVerifier({
          issuers: [oidcIssuer({ issuer, audience: 'a' }), oidcIssuer({ issuer, audience: 'b' })],
        }),
    ],
    [
      'a negative clock tolerance',
      () =>
        createVerifier({
          issuers: [oidcIssuer({ issuer, audience: 'a', clockToleranceSeconds: -1 })],
        }),
    ],
    [
      'a fractional max token size',
      () =>
        createVerifier({ maxTokenBytes: 1.5, issuers: [oidcIssuer({ issuer, audience: 'a' })] }),
    ],
    [
      'an empty audience list',
      () => createVerifier({ issuers: [oidcIssuer({ issuer, audience: [] })] }),
    ],
    [
      'an http issuer off loopback',
      () => oidcIssuer({ issuer: 'http://idp.example.com', audience: 'a' }),
    ],
    [
      'an http JWKS off loopback',
      () => oidcIssuer({ issuer, jwksUri: 'http://idp.example.com/jwks', audience: 'a' }),
    ],
    ['a relative issuer', () => oidcIssuer({ issuer: '/idp', audience: 'a' })],
    [
      'jwksUri and discovery together',
      () => oidcIssuer({ issuer, jwksUri: `${issuer}/jwks`, discovery: true, audience: 'a' }),
    ],
    ['a malformed pool id', () => cognitoIssuer({ userPoolId: 'not-a-pool', clientId: 'c' })],
    [
      'a missing client id',
      () => cognitoIssuer({ userPoolId: 'eu-west-1_Abc', clientId: undefined as never }),
    ],
    [
      'an unknown token use',
      () =>
        cognitoIssuer({ userPoolId: 'eu-west-1_Abc', clientId: 'c', tokenUse: 'refresh' as never }),
    ],
    [
      'a bad region',
      () => cognitoIssuer({ userPoolId: 'eu-west-1_Abc', clientId: 'c', region: 'mars' }),
    ],
    ['a zero JWKS timeout', () => createJwksCache({ timeoutMs: 0 })],
    ['min TTL above max TTL', () => createJwksCache({ minTtlMs: 10_000, maxTtlMs: 1000 })],
    ['a non-function fetch', () => createJwksCache({ fetch: 'fetch' as never })],
  ])('%s', (_name, create) => {
    expect(create).toThrow(TypeError);
  });

  it('allows http on loopback and, when asked, elsewhere', () => {
    expect(() => oidcIssuer({ issuer: 'http://127.0.0.1:8080', audience: 'a' })).not.toThrow();
    expect(() => oidcIssuer({ issuer: 'http://localhost:9229/pool', audience: 'a' })).not.toThrow();
    expect(() =>
      oidcIssuer({
        issuer: 'http://keycloak:8080/realms/x',
        audience: 'a',
        allowInsecureHttp: true,
      }),
    ).not.toThrow();
  });
});

describe('cognitoIssuer', () => {
  it('derives both Cognito issuer forms from the pool id, each with its own JWKS', () => {
    const pool = cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: 'c' });
    expect(pool.endpoints).toEqual([
      {
        issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
        jwksUri:
          'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json',
        secondary: false,
      },
      {
        issuer: 'https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
        jwksUri:
          'https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json',
        // Pools that never opted into the updated form answer 403 there: not needed at start-up.
        secondary: true,
      },
    ]);
    expect(pool.algorithms).toEqual(['RS256']);
  });

  it('accepts emulator issuers and pool ids through issuerOverride', () => {
    const local = cognitoIssuer({
      userPoolId: 'local_5x7Gq',
      clientId: 'c',
      issuerOverride: 'http://localhost:9229/local_5x7Gq',
    });
    expect(local.endpoints).toEqual([
      {
        issuer: 'http://localhost:9229/local_5x7Gq',
        jwksUri: 'http://localhost:9229/local_5x7Gq/.well-known/jwks.json',
      },
    ]);
  });
});

// `http:` is allowed without allowInsecureHttp only where the host is certainly this machine.
describe('the loopback exception for http:', () => {
  const ALB_ARN =
    'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188';
  // Every option that takes a URL, built with `http://<host>:8080`.
  const urlOptions: [string, (origin: string) => unknown][] = [
    ['oidcIssuer issuer', (o) => oidcIssuer({ issuer: `${o}/idp`, audience: 'a' })],
    ['oidcIssuer jwksUri', (o) => oidcIssuer({ issuer, jwksUri: `${o}/jwks`, audience: 'a' })],
    [
      'oidcIssuer issuer with discovery',
      (o) => oidcIssuer({ issuer: `${o}/idp`, discovery: true, audience: 'a' }),
    ],
    [
      'cognitoIssuer issuerOverride',
      (o) =>
        cognitoIssuer({ userPoolId: 'local_5x7Gq', clientId: 'c', issuerOverride: `${o}/pool` }),
    ],
    [
      'cognitoIssuer jwksUri',
      (o) => cognitoIssuer({ userPoolId: 'eu-west-1_Abc', clientId: 'c', jwksUri: `${o}/jwks` }),
    ],
    ['preset jwksUri', (o) => googleIssuer({ clientId: 'c', jwksUri: `${o}/jwks` })],
    ['preset issuerOverride', (o) => googleIssuer({ clientId: 'c', issuerOverride: `${o}/g` })],
    [
      'keycloakIssuer baseUrl',
      (o) => keycloakIssuer({ baseUrl: o, realm: 'r', audience: 'a', clientId: 'c' }),
    ],
    [
      'createAlbVerifier keyBaseUrl',
      (o) =>
        createAlbVerifier({
          region: 'us-east-1',
          albArn: ALB_ARN,
          clientId: 'c',
          issuer,
          keyBaseUrl: `${o}/`,
        }),
    ],
    [
      'client credentials tokenEndpoint',
      (o) =>
        createClientCredentialsSource({
          tokenEndpoint: `${o}/oauth2/token`,
          clientId: 'c',
          clientSecret: 's',
        }),
    ],
  ];
  // WHATWG URL turns every IPv4 spelling into dotted decimal, and `0:…:1` into `[::1]`.
  const loopback = [
    '127.0.0.1',
    '127.10.20.30',
    '2130706433',
    '0x7f.1',
    '127.1',
    '127.0.0.1.',
    '[::1]',
    '[0:0:0:0:0:0:0:1]',
    'localhost',
    'LOCALHOST',
  ];
  // Names DNS may point anywhere, a host hidden behind userinfo, and addresses that are not
  // loopback as such.
  const lookAlikes = [
    '127.0.0.1.attacker.example',
    '127.evil.example',
    '127.0.0.1.nip.io',
    'localhost.attacker.example',
    '127.0.0.1@evil.example',
    'localhost@evil.example',
    '[::ffff:127.0.0.1]',
    '0.0.0.0',
    'localhost.',
    'foo.localhost',
  ];

  it.each(urlOptions)('%s: refuses look-alike hosts, accepts real loopback', (_name, create) => {
    for (const host of lookAlikes) {
      expect(() => create(`http://${host}:8080`), host).toThrow(TypeError);
    }
    for (const host of loopback) {
      expect(() => create(`http://${host}:8080`), host).not.toThrow();
    }
  });

  // tokenEndpoint had this guard already (client-credentials.test.ts).
  const withoutTokenEndpoint = urlOptions.filter(([name]) => !name.includes('tokenEndpoint'));
  it.each(withoutTokenEndpoint)('%s: refuses credentials without echoing them', (_name, create) => {
    let message = '';
    try {
      create('http://user:hunter2-pass@127.0.0.1:8080');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/must not contain credentials/);
    expect(message).not.toContain('hunter2');
  });

  it('refuses a discovered jwks_uri on a look-alike host with a 503, fetching nothing from it', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issuer: origin, jwks_uri: jwksUri }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const origin = `http://127.0.0.1:${port}`;
    const jwksUri = `http://127.0.0.1.attacker.example:${port}/jwks`;
    const fetched: string[] = [];
    const recording: typeof fetch = (input, init) => {
      const url = String(input);
      fetched.push(url);
      return url.startsWith(origin) ? fetch(input, init) : Promise.reject(new TypeError('blocked'));
    };
    try {
      const verifier = createVerifier({
        issuers: [oidcIssuer({ issuer: origin, discovery: true, audience: 'a' })],
        jwks: { fetch: recording },
      });
      const token = [
        segment({ alg: 'RS256', kid: 'k1', typ: 'JWT' }),
        segment({ iss: origin, aud: 'a', sub: 's', exp: Math.floor(Date.now() / 1000) + 60 }),
        segment('not a signature'),
      ].join('.');
      const error = await rejectionOf(verifier.verify(token));
      expect(error).toBeInstanceOf(IdpUnavailableError);
      expect(error.status).toBe(503);
      expect(fetched).toEqual([`${origin}/.well-known/openid-configuration`]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses an ALB key URL on a look-alike host with a 503, fetching nothing', async () => {
    const fetched: string[] = [];
    const recording: typeof fetch = (input) => {
      fetched.push(String(input));
      return Promise.reject(new TypeError('blocked'));
    };
    const verifier = createAlbVerifier({
      region: 'us-east-1',
      albArn: ALB_ARN,
      clientId: 'c',
      issuer,
      keyUrl: (kid) => `http://127.0.0.1.attacker.example/${kid}`,
      fetch: recording,
    });
    const exp = Math.floor(Date.now() / 1000) + 60;
    const token = [
      segment({ alg: 'ES256', kid: randomUUID(), signer: ALB_ARN, iss: issuer, client: 'c', exp }),
      segment({ sub: 'user-1', iss: issuer, exp }),
      segment('not a signature'),
    ].join('.');
    const error = await rejectionOf(verifier.verify(token));
    expect(error).toBeInstanceOf(IdpUnavailableError);
    expect(error.status).toBe(503);
    expect(fetched).toEqual([]);
  });
});

describe('a misspelt option is a TypeError that suggests the right name', () => {
  const oidc = () => oidcIssuer({ issuer, audience: 'a' });
  it.each([
    ['createVerifier', () => createVerifier({ issuers: [oidc()], cahce: false } as never), 'cache'],
    [
      'createVerifier, case only',
      () => createVerifier({ issuers: [oidc()], MaxTokenBytes: 1 } as never),
      'maxTokenBytes',
    ],
    ['createGate', () => createGate({ issuers: [oidc()], optinal: true } as never), 'optional'],
    [
      'createGate with a verifier',
      () => createGate({ verifier: createVerifier({ issuers: [oidc()] }), relam: 'x' } as never),
      'realm',
    ],
    [
      'cognitoIssuer',
      () => cognitoIssuer({ userPoolId: 'eu-west-1_AbC', clientId: 'c', tokenuse: 'id' } as never),
      'tokenUse',
    ],
    [
      'oidcIssuer',
      () => oidcIssuer({ issuer, audience: 'a', jwksUrl: issuer } as never),
      'jwksUri',
    ],
    [
      'a preset',
      () => keycloakIssuer({ baseUrl: issuer, realm: 'r', audience: 'a', clientID: 'c' } as never),
      'clientId',
    ],
    [
      'another preset',
      () => googleIssuer({ clientId: 'c', hostedDomian: 'example.com' } as never),
      'hostedDomain',
    ],
    [
      'createVerifier cache: { … }',
      () => createVerifier({ issuers: [oidc()], cache: { maxEntrys: 5 } } as never),
      'maxEntries',
    ],
    [
      'createVerifier resolverCache: { … }',
      () =>
        createVerifier({
          resolveIssuer: () => undefined,
          resolverCache: { ttl: 1000 },
        } as never),
      'ttlMs',
    ],
    [
      'createGate cache: { … }',
      () => createGate({ issuers: [oidc()], cache: { maxTtl: 1 } } as never),
      'maxTtlMs',
    ],
    ['createJwksCache', () => createJwksCache({ timeoutMS: 1 } as never), 'timeoutMs'],
    [
      'createAlbVerifier',
      () =>
        createAlbVerifier({
          region: 'eu-west-1',
          albArn: null,
          clientId: null,
          isuer: 'x',
        } as never),
      'issuer',
    ],
    [
      'createMemoryRevocationStore',
      () => createMemoryRevocationStore({ maxEntires: 1 } as never),
      'maxEntries',
    ],
    [
      'createClientCredentialsSource',
      () =>
        createClientCredentialsSource({
          tokenEndpoint: `${issuer}/oauth2/token`,
          clientId: 'c',
          clientSecret: 's',
          scope: 'a',
        } as never),
      'scopes',
    ],
  ])('%s', (_label, build, suggestion) => {
    expect(build).toThrow(TypeError);
    expect(build).toThrow(`did you mean \`${suggestion}\`?`);
  });

  it('names an unknown option with nothing close, without a suggestion', () => {
    const build = () => createVerifier({ issuers: [oidc()], banana: 1 } as never);
    expect(build).toThrow(TypeError);
    expect(build).toThrow(/unknown option "banana"$/);
  });

  it('keeps every documented option working', () => {
    expect(() =>
      createGate({
        issuers: [oidc()],
        optional: true,
        realm: 'api',
        allowQueryToken: false,
        allowBodyToken: false,
        cache: false,
        threadPool: false,
        clockToleranceSeconds: 1,
      }),
    ).not.toThrow();
  });
});

describe('nested option objects are checked like top-level ones', () => {
  const oidc = () => oidcIssuer({ issuer, audience: 'a' });
  it.each([
    ['cache: true', { cache: true }, /^cache must be false or an object, got true$/],
    ['cache: "off"', { cache: 'off' }, /^cache must be false or an object, got "off"$/],
    ['cache: []', { cache: [] }, /^cache must be false or an object/],
    [
      'resolverCache: false',
      { resolverCache: false },
      /^resolverCache must be an object, got false$/,
    ],
    ['an unknown key in cache', { cache: { size: 1 } }, /^cache: unknown option "size"$/],
  ])('%s', (_label, extra, message) => {
    const build = () => createVerifier({ issuers: [oidc()], ...extra } as never);
    expect(build).toThrow(TypeError);
    expect(build).toThrow(message);
  });

  it('still takes every documented key, and cache: false', () => {
    expect(() =>
      createVerifier({
        issuers: [oidc()],
        cache: { maxEntries: 10, maxBytes: 1 << 20, maxTtlMs: 1000 },
      }),
    ).not.toThrow();
    expect(() => createVerifier({ issuers: [oidc()], cache: false })).not.toThrow();
    expect(() =>
      createVerifier({
        resolveIssuer: () => undefined,
        resolverCache: { maxEntries: 10, maxBytes: 1 << 20, ttlMs: 1000, negativeTtlMs: 100 },
      }),
    ).not.toThrow();
  });
});

describe('a gate given a verifier refuses options only createVerifier() would read', () => {
  const oidc = () => oidcIssuer({ issuer, audience: 'a' });
  const verifier = createVerifier({ issuers: [oidc()] });
  const alb = createAlbVerifier({ region: 'eu-west-1', albArn: null, clientId: null });

  it.each([
    ['issuers', { issuers: [oidcIssuer({ issuer: 'https://other.example.com', audience: 'b' })] }],
    ['cache', { cache: false }],
    ['revocation', { revocation: createMemoryRevocationStore() }],
    ['audience', { audience: 'b' }],
    ['clockToleranceSeconds', { clockToleranceSeconds: 0 }],
  ])('%s next to verifier or albVerifier', (key, extra) => {
    for (const [which, given] of [
      ['verifier', { verifier }],
      ['albVerifier', { albVerifier: alb }],
    ] as const) {
      const build = () => createGate({ ...given, ...extra } as never);
      expect(build).toThrow(TypeError);
      expect(build).toThrow(
        `createGate: ${key} is an option of createVerifier(), not of a gate given ${which}`,
      );
    }
  });

  it('verifier and albVerifier together', () => {
    const build = () => createGate({ verifier, albVerifier: alb } as never);
    expect(build).toThrow('createGate: verifier and albVerifier cannot be used together');
  });

  it('takes gate options next to a verifier, and an option explicitly undefined', () => {
    expect(() =>
      createGate({ verifier, realm: 'api', optional: true, issuers: undefined } as never),
    ).not.toThrow();
  });
});

describe('contradictions between options throw TypeError at creation', () => {
  it('a Cognito region that contradicts the pool id region', () => {
    const build = () =>
      cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: 'c', region: 'us-east-1' });
    expect(build).toThrow(TypeError);
    expect(build).toThrow(/replicaRegions/);
    // The same region spelt out is fine.
    expect(() =>
      cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: 'c', region: 'eu-west-1' }),
    ).not.toThrow();
  });

  it('verifier algorithms that an issuer cannot use, naming the issuer', () => {
    const pool = cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: 'c' });
    const build = () => createVerifier({ issuers: [pool], algorithms: ['ES256'] });
    expect(build).toThrow(TypeError);
    expect(build).toThrow('eu-west-1_AbCdEf123');
  });

  it('verifier algorithms are a ceiling an issuer cannot widen', async () => {
    const idp = await createTestIssuer({ alg: 'RS256' });
    try {
      const verifier = createVerifier({
        issuers: [
          oidcIssuer({
            issuer: idp.issuer,
            audience: idp.audience,
            algorithms: ['RS256', 'ES256'],
          }),
        ],
        algorithms: ['ES256', 'PS256'],
      });
      // Both lists name ES256 only: an RS256 token is refused although the issuer lists it.
      expect((await rejectionOf(verifier.verify(await idp.accessToken()))).code).toBe(
        'ALG_NOT_ALLOWED',
      );
    } finally {
      await idp.close();
    }
  });

  it.each([
    'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/oauth2/token',
    'https://cognito-idp.eu-west-1.amazonaws.com/oauth2/token',
    'https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
  ])('a client-credentials tokenEndpoint on the user pool API host: %s', (tokenEndpoint) => {
    const build = () =>
      createClientCredentialsSource({ tokenEndpoint, clientId: 'c', clientSecret: 's' });
    expect(build).toThrow(TypeError);
    expect(build).toThrow('https://<your-domain>.auth.eu-west-1.amazoncognito.com/oauth2/token');
  });
});
