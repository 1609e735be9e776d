import {
  AccessDeniedError,
  IdpUnavailableError,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  isTokengateError,
  MissingTokenError,
  TokengateError,
  cognitoIssuer,
  createVerifier,
  formatChallenge,
  oidcIssuer,
  type VerifierEvent,
  type VerifierEventListener,
} from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePayload, nowSeconds, rejectionOf } from './helpers.js';

// 200 characters and the ellipsis that marks the cut.
const MAX_SEEN = 201;

describe('the error model', () => {
  it.each([
    [
      new InvalidRequestError('AUTHORIZATION_MALFORMED', { description: 'Bad header' }),
      400,
      'invalid_request',
    ],
    [new MissingTokenError(), 401, undefined],
    [
      new InvalidTokenError('TOKEN_EXPIRED', { description: 'Token has expired' }),
      401,
      'invalid_token',
    ],
    [
      new InsufficientScopeError(['orders:read'], { description: 'Missing scope' }),
      403,
      'insufficient_scope',
    ],
    [new IdpUnavailableError({ description: 'Down' }), 503, 'temporarily_unavailable'],
  ] as const)('%o answers %i', (error, status, code) => {
    expect(error).toBeInstanceOf(TokengateError);
    expect(error).toBeInstanceOf(Error);
    expect(error.status).toBe(status);
    expect(error.statusCode).toBe(status);
    expect(error.error).toBe(code);
    expect(error.expose).toBe(status < 500);
    expect(error.name).toBe(error.constructor.name);
  });

  it('puts the RFC 6750 challenge in the headers', () => {
    expect(new MissingTokenError().headers).toEqual({ 'WWW-Authenticate': 'Bearer' });
    expect(new MissingTokenError({ realm: 'api' }).headers).toEqual({
      'WWW-Authenticate': 'Bearer realm="api"',
    });
    const expired = new InvalidTokenError('TOKEN_EXPIRED', {
      description: 'Token has expired',
      realm: 'api',
    });
    expect(expired.headers['WWW-Authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="Token has expired"',
    );
    const scope = new InsufficientScopeError(['orders:read', 'orders:write'], {
      description: 'Missing scope',
    });
    expect(scope.headers['WWW-Authenticate']).toBe(
      'Bearer error="insufficient_scope", error_description="Missing scope", scope="orders:read orders:write"',
    );
  });

  it('asks clients to retry after an outage, without a challenge', () => {
    const error = new IdpUnavailableError({ description: 'Down', retryAfterSeconds: 7 });
    expect(error.headers).toEqual({ 'Retry-After': '7' });
  });

  it('serializes to the RFC 6750 JSON body and keeps the cause', () => {
    const cause = new Error('socket hang up');
    const error = new InvalidTokenError('SIGNATURE_INVALID', {
      description: 'Token signature is invalid',
      cause,
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      error: 'invalid_token',
      error_description: 'Token signature is invalid',
    });
    expect(error.cause).toBe(cause);
    expect(new MissingTokenError().toJSON()).toEqual({
      error: 'unauthorized',
      error_description: 'Authentication required',
    });
  });
});

describe('formatChallenge', () => {
  it('replaces characters RFC 6750 §3 does not allow in quoted values', () => {
    expect(formatChallenge({ realm: 'a"b\\c\nd\u00e9', error: 'invalid_token' })).toBe(
      'Bearer realm="a?b?c?d?", error="invalid_token"',
    );
  });
});

describe('isTokengateError', () => {
  const BRAND = Symbol.for('tokengate.error');

  /**
   * What an error thrown by another copy of the core looks like from here (its ESM or CJS build,
   * or a second install): the same shape and brand, but another class.
   */
  class OtherCopyError extends Error {
    readonly status = 401;
    readonly code = 'TOKEN_EXPIRED';
    constructor() {
      super('Token has expired');
      Object.defineProperty(this, BRAND, { value: true });
    }
    toJSON() {
      return { error: 'invalid_token', error_description: this.message };
    }
  }

  /** A branded object with every required field; each case below breaks one of them. */
  function branded(fields: Record<string, unknown>, brand: unknown = true): object {
    const value = { code: 'TOKEN_EXPIRED', status: 401, toJSON: () => ({}), ...fields };
    Object.defineProperty(value, BRAND, { value: brand });
    return value;
  }

  it('recognises every error of this copy', () => {
    const errors = [
      new InvalidRequestError('AUTHORIZATION_MALFORMED', { description: 'Bad header' }),
      new MissingTokenError(),
      new InvalidTokenError('TOKEN_EXPIRED', { description: 'Token has expired' }),
      new InsufficientScopeError(['orders:read'], { description: 'Missing scope' }),
      new AccessDeniedError({ description: 'Denied' }),
      new IdpUnavailableError({ description: 'Down' }),
    ];
    for (const error of errors) expect(isTokengateError(error), error.code).toBe(true);
  });

  it('recognises an error of another copy of the core, which instanceof does not', () => {
    const error = new OtherCopyError();
    expect(error).not.toBeInstanceOf(TokengateError);
    expect(isTokengateError(error)).toBe(true);
  });

  it('keeps the brand out of JSON and spreads', () => {
    const error = new InvalidTokenError('TOKEN_EXPIRED', { description: 'Token has expired' });
    expect(Object.getOwnPropertyDescriptor(error, BRAND)?.enumerable).toBe(false);
    expect(Object.getOwnPropertySymbols({ ...error })).toEqual([]);
    expect(isTokengateError({ ...error, toJSON: () => ({}) })).toBe(false);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'TOKEN_EXPIRED'],
    ['a plain Error', new Error('Token has expired')],
    ['the shape without the brand', { code: 'TOKEN_EXPIRED', status: 401, toJSON: () => ({}) }],
    ['a brand that is not true', branded({}, 'true')],
    ['a brand of 1', branded({}, 1)],
    ['no status', branded({ status: undefined })],
    ['a string status', branded({ status: '401' })],
    ['a fractional status', branded({ status: 401.5 })],
    ['a success status', branded({ status: 200 })],
    ['a status past 599', branded({ status: 600 })],
    ['no code', branded({ code: undefined })],
    ['a numeric code', branded({ code: 401 })],
    ['no toJSON', branded({ toJSON: undefined })],
    ['a brand only inherited', Object.create(new MissingTokenError()) as object],
  ])('refuses %s', (_label, value) => {
    expect(isTokengateError(value)).toBe(false);
  });
});

describe('detail: why a token was refused, for logs only', () => {
  let idp: TestIssuer;
  let pool: TestIssuer;
  beforeAll(async () => {
    [idp, pool] = await Promise.all([createTestIssuer(), createTestIssuer({ kind: 'cognito' })]);
  });
  afterAll(async () => {
    await Promise.all([idp.close(), pool.close()]);
  });

  function verifierFor(
    extra: Partial<Parameters<typeof oidcIssuer>[0]> = {},
    onEvent?: VerifierEventListener,
  ) {
    return createVerifier({
      issuers: [oidcIssuer({ issuer: idp.issuer, audience: idp.audience, ...extra })],
      ...(onEvent === undefined ? {} : { onEvent }),
    });
  }

  it('ISSUER_UNKNOWN names the token iss and the trusted issuers, capped to five', async () => {
    const issuers = Array.from({ length: 7 }, (_, i) =>
      oidcIssuer({ issuer: `https://idp${i}.example.com`, audience: 'a' }),
    );
    const verifier = createVerifier({ issuers });
    const error = await rejectionOf(verifier.verify(await idp.accessToken()));
    expect(error.code).toBe('ISSUER_UNKNOWN');
    expect(error.detail).toEqual({
      iss: idp.issuer,
      trusted: {
        first: issuers.slice(0, 5).map((issuer) => issuer.endpoints[0]?.issuer),
        total: 7,
      },
      resolver: false,
    });
  });

  it('a token-supplied value is capped at 200 characters and stripped of control characters', async () => {
    const iss = `https://evil.example.com/\u001b[31m\nFAKE LOG LINE\u2028${'x'.repeat(500)}`;
    const error = await rejectionOf(
      verifierFor().verify(await idp.accessToken({ claims: { iss } })),
    );
    expect(error.code).toBe('ISSUER_UNKNOWN');
    const seen = error.detail['iss'] as string;
    expect(seen.length).toBe(MAX_SEEN);
    // eslint-disable-next-line no-control-regex -- asserting control characters are gone.
    expect(seen).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(seen.startsWith('https://evil.example.com/?[31m?FAKE LOG LINE?x')).toBe(true);
  });

  it('never holds the token or its signature, and stays out of the response body', async () => {
    const token = await idp.accessToken({ expiresIn: -600 });
    const error = await rejectionOf(verifierFor().verify(token));
    const detail = JSON.stringify(error.detail);
    for (const part of token.split('.')) expect(detail).not.toContain(part);
    expect(error.toJSON()).toEqual({
      error: 'invalid_token',
      error_description: 'Token has expired',
    });
    expect(JSON.stringify(error)).not.toContain('detail');
  });

  it('TOKEN_EXPIRED gives exp, now and the leeway, as seconds and ISO 8601', async () => {
    const token = await idp.accessToken({ expiresIn: -600 });
    const exp = decodePayload(token)['exp'] as number;
    const error = await rejectionOf(verifierFor({ clockToleranceSeconds: 7 }).verify(token));
    expect(error.code).toBe('TOKEN_EXPIRED');
    expect(error.detail['exp']).toEqual({ seconds: exp, iso: new Date(exp * 1000).toISOString() });
    expect(error.detail['leewaySeconds']).toBe(7);
    const now = error.detail['now'] as { seconds: number; iso: string };
    expect(Math.abs(now.seconds - Date.now() / 1000)).toBeLessThan(5);
    expect(now.iso).toBe(new Date(now.seconds * 1000).toISOString());
  });

  it('TOKEN_NOT_YET_VALID gives nbf against now', async () => {
    const nbf = nowSeconds() + 3600;
    const error = await rejectionOf(
      verifierFor().verify(await idp.accessToken({ claims: { nbf } })),
    );
    expect(error.code).toBe('TOKEN_NOT_YET_VALID');
    expect(error.detail).toMatchObject({ nbf: { seconds: nbf }, leewaySeconds: 5 });
  });

  it('AUDIENCE_MISMATCH gives the aud seen and the accepted ones', async () => {
    const token = await idp.accessToken({ claims: { aud: ['x', 'y'] } });
    const error = await rejectionOf(verifierFor({ audience: ['api-1', 'api-2'] }).verify(token));
    expect(error.code).toBe('AUDIENCE_MISMATCH');
    expect(error.detail).toEqual({ aud: ['x', 'y'], expected: ['api-1', 'api-2'] });
  });

  it('ALG_NOT_ALLOWED gives the alg seen and the issuer allowed ones', async () => {
    const token = await idp.accessToken();
    const error = await rejectionOf(verifierFor({ algorithms: ['ES256'] }).verify(token));
    expect(error.code).toBe('ALG_NOT_ALLOWED');
    expect(error.detail).toEqual({ alg: 'RS256', issuer: idp.issuer, allowed: ['ES256'] });
  });

  it('KEY_NOT_FOUND gives the kid seen and the kids the key set holds', async () => {
    const token = await idp.accessToken({ header: { kid: 'retired-key' } });
    const error = await rejectionOf(verifierFor().verify(token));
    expect(error.code).toBe('KEY_NOT_FOUND');
    expect(error.detail).toMatchObject({
      kid: 'retired-key',
      alg: 'RS256',
      kids: [idp.currentKid],
      jwksUri: idp.jwksUri,
    });
  });

  it('KEY_NOT_FOUND from keys given up front gives the kids too', async () => {
    const token = await idp.accessToken({ header: { kid: 'retired-key' } });
    const error = await rejectionOf(verifierFor({ jwks: idp.jwks() }).verify(token));
    expect(error.code).toBe('KEY_NOT_FOUND');
    expect(error.detail).toMatchObject({ kid: 'retired-key', kids: [idp.currentKid] });
  });

  it('TOKEN_USE_MISMATCH gives the kind read and the kind expected', async () => {
    const verifier = verifierFor({ audience: [idp.audience, idp.clientId] });
    const error = await rejectionOf(verifier.verify(await idp.idToken({ claims: { nonce: 'n' } })));
    expect(error.code).toBe('TOKEN_USE_MISMATCH');
    expect(error.detail).toMatchObject({ tokenUse: 'id', expected: 'access' });
  });

  it('Cognito CLIENT_ID_MISMATCH and token_use give what was seen and expected', async () => {
    const verifier = createVerifier({
      issuers: [
        cognitoIssuer({
          userPoolId: pool.userPoolId as string,
          issuerOverride: pool.issuer,
          clientId: ['app-1', 'app-2'],
        }),
      ],
    });
    const wrongClient = await rejectionOf(verifier.verify(await pool.accessToken()));
    expect(wrongClient.code).toBe('CLIENT_ID_MISMATCH');
    expect(wrongClient.detail).toEqual({ client_id: pool.clientId, expected: ['app-1', 'app-2'] });
    const wrongUse = await rejectionOf(verifier.verify(await pool.idToken()));
    expect(wrongUse.code).toBe('TOKEN_USE_MISMATCH');
    expect(wrongUse.detail).toEqual({ token_use: 'id', expected: 'access' });
  });

  it('the rejected event carries the same detail, and the request passed to verify()', async () => {
    const events: VerifierEvent[] = [];
    const verifier = verifierFor({}, (event) => events.push(event));
    const token = await idp.accessToken({ expiresIn: -600 });
    const error = await rejectionOf(
      verifier.verify(token, {
        method: 'GET',
        url: `/orders/42?access_token=${token}`,
        rawHeaders: ['X-Request-Id', 'req-\n7'],
      }),
    );
    const rejected = events.find((event) => event.type === 'rejected');
    expect(rejected).toMatchObject({
      type: 'rejected',
      code: 'TOKEN_EXPIRED',
      status: 401,
      detail: error.detail,
      request: { method: 'GET', path: '/orders/42', id: 'req-?7' },
    });
    expect(JSON.stringify(rejected)).not.toContain(token.split('.')[2]);
  });
});
