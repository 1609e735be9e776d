import {
  IdpUnavailableError,
  InsufficientScopeError,
  MissingTokenError,
  tokengateErrorResponse,
  type TokengateError,
} from '@tokengate/core';
import { describe, expect, it } from 'vitest';

describe('tokengateErrorResponse', () => {
  it('answers a 403 with status, challenge, JSON body and no-store', async () => {
    const response = tokengateErrorResponse(
      new InsufficientScopeError(['orders:write'], { description: 'Missing scope', realm: 'api' }),
    );
    expect({
      status: response.status,
      challenge: response.headers.get('www-authenticate'),
      type: response.headers.get('content-type'),
      cache: response.headers.get('cache-control'),
      body: await response.json(),
    }).toEqual({
      status: 403,
      challenge:
        'Bearer realm="api", error="insufficient_scope", error_description="Missing scope", scope="orders:write"',
      type: 'application/json; charset=utf-8',
      cache: 'no-store',
      body: { error: 'insufficient_scope', error_description: 'Missing scope' },
    });
  });

  it('answers a bare 401 and a 503 with Retry-After', async () => {
    const missing = tokengateErrorResponse(new MissingTokenError({ realm: 'api' }));
    const outage = tokengateErrorResponse(
      new IdpUnavailableError({ description: 'Down', retryAfterSeconds: 7 }),
    );
    expect([
      missing.status,
      missing.headers.get('www-authenticate'),
      outage.status,
      outage.headers.get('retry-after'),
      outage.headers.get('www-authenticate'),
      (await outage.json()) as unknown,
    ]).toEqual([
      401,
      'Bearer realm="api"',
      503,
      '7',
      null,
      { error: 'temporarily_unavailable', error_description: 'Down' },
    ]);
  });

  it('refuses anything but a TokengateError with a TypeError', () => {
    expect(() => tokengateErrorResponse(new Error('x') as unknown as TokengateError)).toThrow(
      TypeError,
    );
  });
});
