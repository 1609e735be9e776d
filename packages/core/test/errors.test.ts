import {
  AccessDeniedError,
  IdpUnavailableError,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  isTokengateError,
  MissingTokenError,
  TokengateError,
  formatChallenge,
} from '@tokengate/core';
import { describe, expect, it } from 'vitest';

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
