import {
  InvalidRequestError,
  type TokengateError,
  extractBearerToken,
  type BearerOptions,
  type BearerRequest,
} from '@tokengate/core';
import { describe, expect, it } from 'vitest';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
const FORM = ['Content-Type', 'application/x-www-form-urlencoded'];

const withAuthorization = (value: string, extra: Partial<BearerRequest> = {}): BearerRequest => ({
  rawHeaders: ['Host', 'api.example.com', 'Authorization', value],
  url: '/orders',
  method: 'GET',
  ...extra,
});

/** Runs extraction and returns the `InvalidRequestError` it threw, failing otherwise. */
function failureOf(request: BearerRequest, options?: BearerOptions): TokengateError {
  let thrown: unknown;
  try {
    extractBearerToken(request, options);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected extraction to throw').toBeInstanceOf(InvalidRequestError);
  const error = thrown as TokengateError;
  expect(error.status).toBe(400);
  expect(error.error).toBe('invalid_request');
  expect(error.message).not.toContain(TOKEN);
  return error;
}

describe('the Authorization header (RFC 6750 §2.1)', () => {
  it('yields the token', () => {
    expect(extractBearerToken(withAuthorization(`Bearer ${TOKEN}`))).toBe(TOKEN);
  });

  it.each(['bearer', 'BEARER', 'BeArEr'])('accepts the scheme in any case: %s', (scheme) => {
    expect(extractBearerToken(withAuthorization(`${scheme} ${TOKEN}`))).toBe(TOKEN);
  });

  it('accepts several spaces after the scheme, and trailing spaces', () => {
    expect(extractBearerToken(withAuthorization(`Bearer    ${TOKEN}`))).toBe(TOKEN);
    expect(extractBearerToken(withAuthorization(`Bearer ${TOKEN}  `))).toBe(TOKEN);
  });

  it.each(['abc', 'A-Z.a_z~0+9/', 'dGVzdA==', 'dGVzdA=', '-._~+/', 'x', `${'a'.repeat(4096)}==`])(
    'accepts the b64token %j',
    (token) => {
      expect(extractBearerToken(withAuthorization(`Bearer ${token}`))).toBe(token);
    },
  );

  it('matches the header name in any case', () => {
    for (const name of ['authorization', 'AUTHORIZATION', 'aUtHoRiZaTiOn']) {
      expect(extractBearerToken({ rawHeaders: [name, `Bearer ${TOKEN}`] })).toBe(TOKEN);
    }
  });

  it.each([
    ['no token', 'Bearer'],
    ['an empty token', 'Bearer '],
    ['only spaces', 'Bearer    '],
    ['two tokens', 'Bearer a b'],
    ['a comma list', 'Bearer a,b'],
    ['a quoted string', 'Bearer "x"'],
    ['auth-params', 'Bearer token="x"'],
    ['padding in the middle', 'Bearer ab=cd'],
    ['a tab inside the token', 'Bearer a\tb'],
    ['a trailing tab', `Bearer ${TOKEN}\t`],
    ['a non-ASCII character', 'Bearer abc\u00e9'],
    ['a zero-width space', 'Bearer abc\u200b'],
    ['a NUL', 'Bearer abc\0'],
    ['a semicolon', 'Bearer abc;'],
  ])('refuses %s as AUTHORIZATION_MALFORMED', (_case, value) => {
    expect(failureOf(withAuthorization(value)).code).toBe('AUTHORIZATION_MALFORMED');
  });

  it('refuses a tab between scheme and token as AUTHORIZATION_MALFORMED', () => {
    // A tab after the scheme is still the Bearer scheme: malformed, never anonymous.
    expect(failureOf(withAuthorization(`Bearer\t${TOKEN}`)).code).toBe('AUTHORIZATION_MALFORMED');
  });

  it.each([
    ['Basic', 'Basic dXNlcjpwYXNz'],
    ['DPoP', `DPoP ${TOKEN}`],
    ['a longer scheme name', 'Bearerx abc'],
    ['a scheme with a Bearer suffix', 'XBearer abc'],
    ['an empty value', ''],
  ])('treats %s as no bearer credentials', (_case, value) => {
    expect(extractBearerToken(withAuthorization(value))).toBeUndefined();
  });

  it('returns undefined without an Authorization header', () => {
    expect(extractBearerToken({ rawHeaders: [] })).toBeUndefined();
    expect(extractBearerToken({ rawHeaders: ['Host', 'a', 'X-Authorization', 'Bearer x'] })).toBe(
      undefined,
    );
    expect(extractBearerToken({ rawHeaders: ['Authorization-X', 'Bearer x'] })).toBeUndefined();
  });

  it.each([
    [['Authorization', `Bearer ${TOKEN}`, 'Authorization', `Bearer ${TOKEN}`]],
    [['authorization', 'Bearer a', 'AUTHORIZATION', 'Bearer b']],
    [['Authorization', 'Basic dXNlcjpwYXNz', 'authorization', 'Bearer b']],
    [['Authorization', 'Bearer a', 'Host', 'h', 'Authorization', '']],
  ])('refuses two Authorization lines %j as AUTHORIZATION_DUPLICATE', (rawHeaders) => {
    expect(failureOf({ rawHeaders }).code).toBe('AUTHORIZATION_DUPLICATE');
  });
});

describe('the access_token query parameter (RFC 6750 §2.3)', () => {
  const query = (url: string): BearerRequest => ({ rawHeaders: [], url, method: 'GET' });

  it('is accepted only with allowQueryToken', () => {
    expect(extractBearerToken(query(`/orders?access_token=${TOKEN}`))).toBeUndefined();
    expect(
      extractBearerToken(query(`/orders?access_token=${TOKEN}`), { allowQueryToken: false }),
    ).toBeUndefined();
    expect(
      extractBearerToken(query(`/orders?a=1&access_token=${TOKEN}&b=2`), { allowQueryToken: true }),
    ).toBe(TOKEN);
  });

  it('ignores access_token outside the query', () => {
    expect(
      extractBearerToken(query('/access_token/orders'), { allowQueryToken: true }),
    ).toBeUndefined();
    expect(
      extractBearerToken(query('/orders?my_access_token=x'), { allowQueryToken: true }),
    ).toBeUndefined();
  });

  it('refuses a malformed query token', () => {
    for (const url of ['/?access_token=', '/?access_token=a%20b', '/?access_token=%22x%22']) {
      expect(failureOf(query(url), { allowQueryToken: true }).code).toBe('AUTHORIZATION_MALFORMED');
    }
  });

  it('refuses two query tokens as MULTIPLE_TOKENS', () => {
    const request = query('/orders?access_token=a&access_token=b');
    expect(failureOf(request, { allowQueryToken: true }).code).toBe('MULTIPLE_TOKENS');
  });

  it('refuses a header plus a query token as MULTIPLE_TOKENS, even with query tokens off', () => {
    const request = withAuthorization(`Bearer ${TOKEN}`, { url: '/orders?access_token=other' });
    expect(failureOf(request).code).toBe('MULTIPLE_TOKENS');
    expect(failureOf(request, { allowQueryToken: false }).code).toBe('MULTIPLE_TOKENS');
    expect(failureOf(request, { allowQueryToken: true }).code).toBe('MULTIPLE_TOKENS');
    const empty = withAuthorization(`Bearer ${TOKEN}`, { url: '/orders?access_token=' });
    expect(failureOf(empty).code).toBe('MULTIPLE_TOKENS');
  });

  it('decodes the parameter name as every query parser does', () => {
    // Query parsers decode percent-encoded names: `?access%5Ftoken=x` is `access_token=x`.
    const smuggled = withAuthorization(`Bearer ${TOKEN}`, { url: '/orders?access%5Ftoken=other' });
    expect(new URLSearchParams('access%5Ftoken=other').get('access_token')).toBe('other');
    expect(failureOf(smuggled).code).toBe('MULTIPLE_TOKENS');
    expect(extractBearerToken(query(`/?access%5ftoken=${TOKEN}`), { allowQueryToken: true })).toBe(
      TOKEN,
    );
  });
});

describe('the access_token body parameter (RFC 6750 §2.2)', () => {
  const post = (body: unknown, rawHeaders: string[] = FORM, method = 'POST'): BearerRequest => ({
    rawHeaders,
    url: '/orders',
    method,
    body,
  });

  it('is accepted only with allowBodyToken, a form content type and a method other than GET', () => {
    const body = { access_token: TOKEN, other: 'x' };
    expect(extractBearerToken(post(body))).toBeUndefined();
    expect(extractBearerToken(post(body), { allowBodyToken: true })).toBe(TOKEN);
    expect(extractBearerToken(post(body, FORM, 'PUT'), { allowBodyToken: true })).toBe(TOKEN);
    expect(
      extractBearerToken(
        post(body, ['content-type', 'application/x-www-form-urlencoded; charset=UTF-8']),
        { allowBodyToken: true },
      ),
    ).toBe(TOKEN);
    for (const request of [
      post(body, FORM, 'GET'),
      post(body, FORM, 'HEAD'),
      post(body, ['Content-Type', 'application/json']),
      post(body, ['Content-Type', 'multipart/form-data; boundary=x']),
      // RFC 6750 §2.2: exactly this media type, not one that merely starts like it.
      post(body, ['Content-Type', 'application/x-www-form-urlencoded-evil']),
      post(body, ['Content-Type', 'application/x-www-form-urlencoded.v2']),
      post(body, []),
    ]) {
      expect(extractBearerToken(request, { allowBodyToken: true })).toBeUndefined();
    }
  });

  it('ignores bodies without an own access_token', () => {
    const options = { allowBodyToken: true };
    expect(extractBearerToken(post(undefined), options)).toBeUndefined();
    expect(extractBearerToken(post('access_token=x'), options)).toBeUndefined();
    expect(extractBearerToken(post(Object.create({ access_token: TOKEN })), options)).toBe(
      undefined,
    );
  });

  it('refuses a body token that is not a single b64token', () => {
    const options = { allowBodyToken: true };
    for (const value of ['', 'a b']) {
      expect(failureOf(post({ access_token: value }), options).code).toBe(
        'AUTHORIZATION_MALFORMED',
      );
    }
    // A repeated parameter, parsed into an array, is several tokens.
    expect(failureOf(post({ access_token: ['a', 'b'] }), options).code).toBe('MULTIPLE_TOKENS');
    // Anything but a string (qs's `access_token[]=x`, a number) is not a token at all.
    for (const value of [['a'], 5, { a: 1 }]) {
      expect(extractBearerToken(post({ access_token: value }), options)).toBeUndefined();
    }
  });

  it('refuses a header plus a body token as MULTIPLE_TOKENS', () => {
    const request: BearerRequest = {
      rawHeaders: [...FORM, 'Authorization', `Bearer ${TOKEN}`],
      url: '/orders',
      method: 'POST',
      body: { access_token: 'other' },
    };
    expect(failureOf(request, { allowBodyToken: true }).code).toBe('MULTIPLE_TOKENS');
    expect(failureOf(request).code).toBe('MULTIPLE_TOKENS');
  });

  it('refuses a query plus a body token as MULTIPLE_TOKENS', () => {
    const request: BearerRequest = {
      rawHeaders: FORM,
      url: '/orders?access_token=a',
      method: 'POST',
      body: { access_token: 'b' },
    };
    const options = { allowBodyToken: true, allowQueryToken: true };
    expect(failureOf(request, options).code).toBe('MULTIPLE_TOKENS');
  });
});

describe('errors', () => {
  it('carry the realm in the challenge', () => {
    const cases: [BearerRequest, string][] = [
      [withAuthorization('Bearer a b'), 'AUTHORIZATION_MALFORMED'],
      [
        { rawHeaders: ['Authorization', 'Bearer a', 'authorization', 'Bearer b'] },
        'AUTHORIZATION_DUPLICATE',
      ],
      [withAuthorization('Bearer a', { url: '/?access_token=b' }), 'MULTIPLE_TOKENS'],
    ];
    for (const [request, code] of cases) {
      const error = failureOf(request, { realm: 'orders-api' });
      expect(error.code).toBe(code);
      expect(error.realm).toBe('orders-api');
      expect(error.headers['WWW-Authenticate']).toMatch(
        /^Bearer realm="orders-api", error="invalid_request", error_description="[^"]+"$/,
      );
    }
    const bare = failureOf(withAuthorization('Bearer'));
    expect(bare.headers['WWW-Authenticate']).toMatch(/^Bearer error="invalid_request"/);
  });
});
