// The application's own code on the request path (event listeners, `getToken`, claim
// predicates, a verifier passed in) and the gate options around it: whatever that code does,
// the process stays up and only TokengateErrors leave the request path; options that could
// only mislead are TypeErrors at creation.
import {
  createAlbVerifier,
  createGate,
  createVerifier,
  oidcIssuer,
  toRule,
  type BearerRequest,
  type Verifier,
} from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { notifyListener } from '../src/lib/notify-listener.js';
import { rejectionOf } from './helpers.js';

let idp: TestIssuer;
let issuers: ReturnType<typeof oidcIssuer>[];

beforeAll(async () => {
  idp = await createTestIssuer({ kind: 'oidc' });
  issuers = [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience })];
});
afterAll(() => idp.close());

/** Rejections nobody handled while a test ran (Node would end the process on the first). */
const unhandled: unknown[] = [];
const record = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', record);
});
afterEach(() => {
  process.off('unhandledRejection', record);
});
/** Lets pending rejections surface: Node reports them after the microtask queue drains. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

const request = (token: string | undefined, extra: string[] = []): BearerRequest => ({
  rawHeaders: [
    'Host',
    'api.example.com',
    ...(token === undefined ? [] : ['Authorization', `Bearer ${token}`]),
    ...extra,
  ],
  url: '/orders',
  method: 'POST',
});

describe('listeners that fail asynchronously', () => {
  it('an async onEvent that rejects changes no verdict and leaves nothing unhandled', async () => {
    let calls = 0;
    const verifier = createVerifier({
      issuers,
      onEvent: async () => {
        calls += 1;
        throw new Error('the metrics sink is down');
      },
    });
    try {
      const result = await verifier.verify(await idp.accessToken());
      expect(result.issuer).toBe(idp.issuer);
      expect((await rejectionOf(verifier.verify('not.a.token'))).code).toBe('TOKEN_MALFORMED');
      await settle();
      expect(calls).toBeGreaterThanOrEqual(2);
      expect(unhandled).toEqual([]);
    } finally {
      await verifier.close();
    }
  });

  it('notifyListener drops a throw and a rejected thenable alike', async () => {
    const seen: string[] = [];
    notifyListener((event: string) => {
      seen.push(event);
      throw new Error('sync');
    }, 'a');
    notifyListener(async (event: string) => {
      seen.push(event);
      throw new Error('async');
    }, 'b');
    notifyListener(
      () => ({ then: (_: unknown, reject: (e: unknown) => void) => reject('x') }),
      'c',
    );
    notifyListener(undefined, 'd');
    await settle();
    expect(seen).toEqual(['a', 'b']);
    expect(unhandled).toEqual([]);
  });
});

describe('getToken', () => {
  it('must answer synchronously: an async function is a TypeError at creation', () => {
    const build = () => createGate({ issuers, getToken: async () => 'x' } as never);
    expect(build).toThrow(TypeError);
    expect(build).toThrow(/^getToken must answer synchronously/);
  });

  it('a promise returned anyway is a 400 TOKEN_SOURCE_FAILED, its rejection handled', async () => {
    const gate = createGate({
      issuers,
      getToken: () => Promise.reject(new Error('session store down')) as never,
    });
    const error = await rejectionOf(gate.authenticate(request(undefined)));
    expect(error.code).toBe('TOKEN_SOURCE_FAILED');
    expect(error.status).toBe(400);
    await settle();
    expect(unhandled).toEqual([]);
  });
});

describe('getToken answering a hostile thenable', () => {
  it.each([
    [
      'a `then` getter that throws',
      () =>
        ({
          get then() {
            throw new Error('boom');
          },
        }) as never,
    ],
    [
      'a `then` that throws',
      () =>
        ({
          then() {
            throw new Error('boom');
          },
        }) as never,
    ],
  ])(
    '%s is the app failing to read the token: 400 TOKEN_SOURCE_FAILED',
    async (_name, getToken) => {
      const gate = createGate({ issuers, getToken });
      const error = await rejectionOf(gate.authenticate(request(undefined)));
      expect(error.code).toBe('TOKEN_SOURCE_FAILED');
      expect(error.status).toBe(400);
      await gate.close();
    },
  );
});

describe('claim predicates', () => {
  it('must answer synchronously: an async predicate is a TypeError where the rule is built', () => {
    const build = () =>
      toRule(
        { type: 'claim', path: ['tenant'], match: 'satisfies', predicate: async () => true },
        'authorize()',
      );
    expect(build).toThrow(TypeError);
    expect(build).toThrow(/^authorize\(\): rule\.predicate must answer synchronously/);
  });

  it('a promise returned anyway denies (403), its rejection handled', async () => {
    const gate = createGate({ issuers });
    const auth = await gate.authenticate(request(await idp.accessToken()));
    const rule = toRule(
      {
        type: 'claim',
        path: ['sub'],
        match: 'satisfies',
        predicate: () => Promise.reject(new Error('lookup failed')) as never,
      },
      'rule',
    );
    expect(() => gate.authorize(auth, rule)).toThrow(expect.objectContaining({ status: 403 }));
    const granting = toRule(
      { type: 'claim', path: ['sub'], match: 'satisfies', predicate: () => true },
      'rule',
    );
    expect(() => gate.authorize(auth, granting)).not.toThrow();
    await settle();
    expect(unhandled).toEqual([]);
    await gate.close();
  });
});

describe('a verifier passed in that fails with something else than a TokengateError', () => {
  const token = async () => idp.accessToken();
  const foreign = (verify: Verifier['verify']): Verifier =>
    ({ verify, prewarm: async () => [], hydrate: () => undefined, close: async () => {} }) as never;

  it.each([
    ['throws a plain Error', (() => Promise.reject(new Error('boom'))) as Verifier['verify']],
    [
      'throws synchronously',
      (() => {
        throw new RangeError('sync boom');
      }) as Verifier['verify'],
    ],
    ['answers an empty object', (async () => ({})) as unknown as Verifier['verify']],
    [
      'answers a lookalike result that no verifier marked',
      (async () => ({
        issuer: 'x',
        subject: 'admin',
        groups: ['admin'],
        binding: { type: 'bearer' },
      })) as unknown as Verifier['verify'],
    ],
  ])('%s: a 503 VERIFIER_FAILED with the cause, never a 500 or a pass', async (_name, verify) => {
    const gate = createGate({ verifier: foreign(verify), realm: 'api' });
    const error = await rejectionOf(gate.authenticate(request(await token())));
    expect(error.code).toBe('VERIFIER_FAILED');
    expect(error.status).toBe(503);
    expect(error.realm).toBe('api');
    expect(error.cause).toBeInstanceOf(Error);
  });
});

describe('gate options that could only mislead are TypeErrors at creation', () => {
  const alb = createAlbVerifier({ region: 'eu-west-1', albArn: null, clientId: null });

  it.each([
    ['cookie', 'a header the browser sends on every request'],
    ['content-type', 'a CORS-safelisted header a form sets'],
    ['Origin', 'set by the browser'],
    ['sec-fetch-site', 'a sec- header'],
    ['authorization', 'the token header itself'],
  ])('tokenCookie.csrfHeader %s (%s)', (csrfHeader) => {
    const build = () => createGate({ issuers, tokenCookie: { name: 'at', csrfHeader } });
    expect(build).toThrow(TypeError);
    expect(build).toThrow(
      /^tokenCookie\.csrfHeader must be a header a cross-site form cannot send/,
    );
  });

  it('tokenCookie.csrfHeader a custom header, or false, still works', () => {
    expect(() =>
      createGate({ issuers, tokenCookie: { name: 'at', csrfHeader: 'x-csrf-token' } }),
    ).not.toThrow();
    expect(() =>
      createGate({ issuers, tokenCookie: { name: 'at', csrfHeader: false } }),
    ).not.toThrow();
  });

  it.each([['Café'], ['a "quoted" realm'], ['back\\slash'], ['line\nbreak']])(
    'realm %j, which a challenge would have to rewrite',
    (realm) => {
      const build = () => createGate({ issuers, realm });
      expect(build).toThrow(TypeError);
      expect(build).toThrow(/^realm must be printable ASCII without " or \\/);
    },
  );

  it.each(['allowQueryToken', 'allowBodyToken', 'tokenCookie', 'getToken'] as const)(
    "%s next to dpop: 'required', where every bearer token is refused",
    (name) => {
      const value = {
        allowQueryToken: true,
        allowBodyToken: true,
        tokenCookie: 'at',
        getToken: () => undefined,
      }[name];
      const build = () => createGate({ issuers, dpop: 'required', [name]: value } as never);
      expect(build).toThrow(TypeError);
      expect(build).toThrow(`${name} has no effect with dpop: 'required'`);
    },
  );

  it.each(['allowQueryToken', 'allowBodyToken', 'clientCertificate'] as const)(
    '%s next to albVerifier, whose header is the only credential',
    (name) => {
      const value = name === 'clientCertificate' ? 'socket' : true;
      const build = () => createGate({ albVerifier: alb, [name]: value } as never);
      expect(build).toThrow(TypeError);
      expect(build).toThrow(`${name}: the ALB's header is the only credential there`);
    },
  );

  it('an inherited misspelt option, and a nested option object that is not a plain object', () => {
    const inherited = Object.assign(Object.create({ cahce: false }) as object, { issuers });
    expect(() => createVerifier(inherited as never)).toThrow(/unknown option "cahce"/);
    expect(() => createVerifier({ issuers, cache: new Map() as never })).toThrow(
      /^cache must be false or an object/,
    );
  });

  it("names the branch the options took: verifier: undefined is a gate given 'verifier'", () => {
    expect(() => createGate({ verifier: undefined, issuers } as never)).toThrow(
      'issuers is an option of createVerifier(), not of a gate given verifier',
    );
  });
});
