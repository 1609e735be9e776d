import {
  IdpUnavailableError,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
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
