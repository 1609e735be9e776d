// Options are read once, when the verifier (or issuer) is built: changing the caller's objects
// afterwards must change nothing a request sees.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  appleIssuer,
  auth0Issuer,
  cognitoIdentityPoolIssuer,
  cognitoIssuer,
  createGate,
  createVerifier,
  entraIdIssuer,
  entraIdResolver,
  facebookIssuer,
  googleIssuer,
  introspectionIssuer,
  keycloakIssuer,
  oidcIssuer,
  oktaIssuer,
  oneLoginIssuer,
  type GateOptions,
  type TrustedIssuer,
  type VerifierOptions,
} from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf } from './helpers.js';

let idp: TestIssuer;
let pool: TestIssuer;

beforeAll(async () => {
  [idp, pool] = await Promise.all([
    createTestIssuer(),
    createTestIssuer({ kind: 'cognito', clientId: 'app-client' }),
  ]);
});
afterAll(() => Promise.all([idp.close(), pool.close()]));

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

describe('the verifier-wide defaults of resolved issuers', () => {
  function resolvedVerifier(): {
    options: Mutable<VerifierOptions>;
    verify(token: string): Promise<unknown>;
  } {
    const options: Mutable<VerifierOptions> = {
      resolveIssuer: (iss) =>
        iss === idp.issuer ? oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri }) : undefined,
      audience: idp.audience,
      // Every request asks the resolver again, which is when live options used to be re-read.
      resolverCache: { ttlMs: 1 },
    };
    const verifier = createVerifier(options);
    return { options, verify: (token) => verifier.verify(token) };
  }

  it('keep the audience the verifier was built with', async () => {
    const { options, verify } = resolvedVerifier();
    const foreign = await idp.accessToken({ claims: { aud: 'https://someone-else.example' } });
    expect((await rejectionOf(verify(foreign))).code).toBe('AUDIENCE_MISMATCH');
    options.audience = null;
    await sleep(5);
    expect((await rejectionOf(verify(foreign))).code).toBe('AUDIENCE_MISMATCH');
  });

  it('ignore a value set after build that the verifier would have refused', async () => {
    const { options, verify } = resolvedVerifier();
    options.clockToleranceSeconds = -5;
    options.algorithms = ['HS256' as never];
    await sleep(5);
    await expect(verify(await idp.accessToken())).resolves.toMatchObject({ issuer: idp.issuer });
  });
});

describe('issuer objects', () => {
  it('are copied into the route: a hand-made issuer changed after build changes nothing', async () => {
    const handMade: Mutable<TrustedIssuer> = {
      ...cognitoIssuer({
        issuerOverride: pool.issuer,
        allowInsecureHttp: true,
        clientId: 'app-client',
      }),
    };
    const verifier = createVerifier({ issuers: [handMade] });
    const otherClient = await pool.accessToken({ clientId: 'another-client' });
    expect((await rejectionOf(verifier.verify(otherClient))).code).toBe('CLIENT_ID_MISMATCH');
    delete handMade.validate;
    handMade.normalize = () => {
      throw new Error('read at request time');
    };
    expect((await rejectionOf(verifier.verify(otherClient))).code).toBe('CLIENT_ID_MISMATCH');
    await expect(verifier.verify(await pool.accessToken())).resolves.toMatchObject({
      clientId: 'app-client',
    });
  });

  it('a class-based issuer keeps its prototype, getter and non-enumerable members', async () => {
    const { validate, ...base } = oidcIssuer({
      issuer: idp.issuer,
      jwksUri: idp.jwksUri,
      audience: idp.audience,
    });
    void validate; // the class brings its own
    class TenantIssuer {
      constructor() {
        Object.assign(this, base);
      }
      validate(claims: { tenant?: unknown }) {
        if (claims.tenant !== 'acme') throw new TypeError('wrong tenant');
      }
      get requiredClaims() {
        return ['exp', 'tenant'];
      }
    }
    const issuer = new TenantIssuer();
    Object.defineProperty(issuer, 'maxTokenAgeSeconds', { value: 60, enumerable: false });
    const verifier = createVerifier({ issuers: [issuer as unknown as TrustedIssuer] });
    try {
      const other = await idp.accessToken({ claims: { tenant: 'evil' } });
      await expect(verifier.verify(other)).rejects.toBeDefined();
      const missing = await idp.accessToken();
      expect((await rejectionOf(verifier.verify(missing))).code).toBe('CLAIM_MISSING');
      const old = await idp.accessToken({
        claims: { tenant: 'acme', iat: Math.floor(Date.now() / 1000) - 600 },
      });
      expect((await rejectionOf(verifier.verify(old))).code).toBe('TOKEN_TOO_OLD');
      const good = await idp.accessToken({ claims: { tenant: 'acme' } });
      await expect(verifier.verify(good)).resolves.toMatchObject({ issuer: idp.issuer });
    } finally {
      await verifier.close();
    }
  });

  it('an endpoint getter is read: a pinned jwksUri is never replaced by discovery', async () => {
    const seen: string[] = [];
    class Endpoint {
      readonly issuer = idp.issuer;
      get jwksUri() {
        return idp.jwksUri;
      }
    }
    const base = oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience });
    let endpointReads = 0;
    const issuer = {
      ...base,
      get endpoints() {
        endpointReads += 1;
        return [new Endpoint()];
      },
    } as unknown as TrustedIssuer;
    const verifier = createVerifier({
      issuers: [issuer],
      jwks: {
        fetch: (input, init) => {
          seen.push(String(input));
          return fetch(input, init);
        },
      },
    });
    try {
      await verifier.prewarm();
      await expect(verifier.verify(await idp.accessToken())).resolves.toMatchObject({
        issuer: idp.issuer,
      });
      expect(seen.every((url) => url === idp.jwksUri)).toBe(true);
      expect(seen.length).toBeGreaterThan(0);
      // Read once at build: prewarm and every request use that reading.
      expect(endpointReads).toBe(1);
    } finally {
      await verifier.close();
    }
  });

  it('read a getter once: the function checked at build is the one every request runs', async () => {
    const base = oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience });
    let reads = 0;
    const fickle = {
      ...base,
      get normalize() {
        reads += 1;
        return reads === 1 ? base.normalize : (42 as never);
      },
    } as TrustedIssuer;
    const verifier = createVerifier({ issuers: [fickle] });
    await expect(verifier.verify(await idp.accessToken())).resolves.toMatchObject({
      issuer: idp.issuer,
    });
    expect(reads).toBe(1);
    await verifier.close();
  });

  it.each<[string, () => TrustedIssuer]>([
    ['oidcIssuer', () => oidcIssuer({ issuer: 'https://idp.example.com/', audience: ['api'] })],
    ['cognitoIssuer', () => cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: 'abc' })],
    ['auth0Issuer', () => auth0Issuer({ domain: 'acme.eu.auth0.com', audience: 'api' })],
    ['oktaIssuer', () => oktaIssuer({ domain: 'acme.okta.com', audience: 'api' })],
    ['googleIssuer', () => googleIssuer({ clientId: 'x.apps.googleusercontent.com' })],
    ['appleIssuer', () => appleIssuer({ clientId: 'com.acme' })],
    ['facebookIssuer', () => facebookIssuer({ appId: '123' })],
    [
      'keycloakIssuer',
      () => keycloakIssuer({ baseUrl: 'https://kc.example.com', realm: 'acme', audience: 'api' }),
    ],
    ['oneLoginIssuer', () => oneLoginIssuer({ subdomain: 'acme', audience: 'api' })],
    [
      'entraIdIssuer',
      () => entraIdIssuer({ tenantId: '00000000-0000-0000-0000-000000000001', audience: 'api' }),
    ],
    [
      'introspectionIssuer',
      () =>
        introspectionIssuer({
          issuer: 'https://as.example.com',
          introspectionEndpoint: 'https://as.example.com/introspect',
          clientId: 'api',
          clientAuth: { method: 'client_secret_basic', clientSecret: 'a-long-enough-secret-value' },
          audience: 'api',
        }),
    ],
    [
      'cognitoIdentityPoolIssuer',
      () =>
        cognitoIdentityPoolIssuer({
          identityPoolId: 'us-east-1:0f5d2f1a-8c8e-4a4b-9c57-3f3d2e1b0a99',
          region: 'us-east-1',
        }),
    ],
  ])('%s returns a deeply frozen issuer', (_name, build) => {
    const issuer = build();
    expect(Object.isFrozen(issuer)).toBe(true);
    expect(Object.isFrozen(issuer.endpoints)).toBe(true);
    for (const endpoint of issuer.endpoints) expect(Object.isFrozen(endpoint)).toBe(true);
    if (Array.isArray(issuer.audience)) expect(Object.isFrozen(issuer.audience)).toBe(true);
    if (issuer.algorithms !== undefined) expect(Object.isFrozen(issuer.algorithms)).toBe(true);
    expect(() => {
      delete (issuer as Mutable<TrustedIssuer>).validate;
    }).toThrow(TypeError);
  });

  it("copy the caller's arrays and key set instead of sharing them", () => {
    const audience = ['api'];
    const keys = idp.jwks();
    const issuer = oidcIssuer({ issuer: idp.issuer, audience, jwks: keys });
    audience[0] = 'someone-else';
    (keys.keys as object[]).length = 0;
    expect(issuer.audience).toEqual(['api']);
    const given = issuer.endpoints[0]?.jwks;
    expect(given?.keys.length).toBeGreaterThan(0);
    expect(Object.isFrozen(given)).toBe(true);
    expect(Object.isFrozen(given?.keys[0])).toBe(true);
  });

  it("entraIdResolver builds every tenant's issuer from the options as given at creation", async () => {
    const audience = ['api'];
    const resolve = entraIdResolver({ audience });
    audience[0] = 'someone-else';
    const tenant = '00000000-0000-0000-0000-000000000002';
    const issuer = await resolve(`https://login.microsoftonline.com/${tenant}/v2.0`);
    expect(issuer?.audience).toEqual(['api']);
  });
});

describe('options read once, inherited ones included', () => {
  const issuers = () => [
    oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience }),
  ];
  const request = (token: string | undefined) => ({
    rawHeaders: token === undefined ? [] : ['Authorization', `Bearer ${token}`],
  });

  it.each([
    ['requiredClaims', { requiredClaims: ['exp', 'a_claim_no_token_has'] }, 'CLAIM_MISSING'],
    ['algorithms', { algorithms: ['ES512'] }, 'ALG_NOT_ALLOWED'],
    ['typ', { typ: 'application/x-never+jwt' }, 'TYP_MISMATCH'],
  ] as const)(
    'a gate applies an inherited %s as it applies an own one',
    async (_name, inherited, code) => {
      const token = await idp.accessToken();
      for (const options of [
        { issuers: issuers(), ...inherited },
        Object.assign(Object.create(inherited) as object, { issuers: issuers() }),
      ]) {
        const gate = createGate(options as GateOptions);
        expect((await rejectionOf(gate.authenticate(request(token)))).code).toBe(code);
        await gate.close();
      }
    },
  );

  it('a class instance: getters and inherited options are read once and applied', async () => {
    let reads = 0;
    class Settings {
      readonly issuers = issuers();
      get requiredClaims() {
        reads += 1;
        return ['exp', 'a_claim_no_token_has'];
      }
    }
    const token = await idp.accessToken();
    const verifier = createVerifier(new Settings());
    expect((await rejectionOf(verifier.verify(token))).code).toBe('CLAIM_MISSING');
    expect(reads).toBe(1);
    await verifier.close();
    const gate = createGate(new Settings() as GateOptions);
    expect((await rejectionOf(gate.authenticate(request(token)))).code).toBe('CLAIM_MISSING');
    expect(reads).toBe(2);
    await gate.close();
  });
});
