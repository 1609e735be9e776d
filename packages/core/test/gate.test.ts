import {
  AccessDeniedError,
  IdpUnavailableError,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  MissingTokenError,
  TokengateError,
  allScopes,
  anyGroup,
  cognitoIssuer,
  createGate,
  createVerifier,
  type BearerRequest,
  type Gate,
  type GateOptions,
  type VerifiedToken,
} from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDpop } from '../../../test/support/challenges.js';
import { rejectionOf, segment, withSegment } from './helpers.js';

let pool: TestIssuer;
let stranger: TestIssuer;

beforeAll(async () => {
  [pool, stranger] = await Promise.all([
    createTestIssuer({ kind: 'cognito' }),
    createTestIssuer({ kind: 'cognito', userPoolId: 'us-east-1_Stranger' }),
  ]);
});
afterAll(async () => {
  await Promise.all([pool.close(), stranger.close()]);
});

function issuerOf(idp: TestIssuer) {
  return cognitoIssuer({
    userPoolId: idp.userPoolId ?? '',
    clientId: idp.clientId,
    issuerOverride: idp.issuer,
  });
}

function gateFor(options: Partial<GateOptions> = {}): Gate {
  return createGate({ issuers: [issuerOf(pool)], ...options } as GateOptions);
}

const bearer = (token: string): BearerRequest => ({
  rawHeaders: ['Host', 'api.example.com', 'Authorization', `Bearer ${token}`],
  url: '/orders',
  method: 'GET',
});
const anonymous: BearerRequest = { rawHeaders: ['Host', 'api.example.com'], url: '/orders' };

/** Calls `gate.authorize` and returns what it threw, failing the test when it did not throw. */
function denialOf(
  gate: Gate,
  auth: VerifiedToken | undefined | null,
  rule?: Parameters<Gate['authorize']>[1],
) {
  let thrown: unknown;
  try {
    gate.authorize(auth, rule);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected authorize to throw').toBeInstanceOf(TokengateError);
  return thrown as TokengateError;
}

describe('authenticate', () => {
  it('resolves a valid token to the verified result', async () => {
    const token = await pool.accessToken({ groups: ['admin'], scopes: ['orders:read'] });
    const auth = await gateFor().authenticate(bearer(token));
    expect(auth).toMatchObject({
      token,
      issuer: pool.issuer,
      clientId: pool.clientId,
      tokenUse: 'access',
      groups: ['admin'],
      scopes: ['orders:read'],
    });
  });

  it('rejects a request without a token with MissingTokenError 401 and a bare challenge', async () => {
    const error = await rejectionOf(gateFor().authenticate(anonymous));
    expect(error).toBeInstanceOf(MissingTokenError);
    expect(error).toMatchObject({ status: 401, code: 'CREDENTIALS_MISSING', error: undefined });
    // RFC 6750 §3.1's bare Bearer challenge, then DPoP's (RFC 9449 §7.1), accepted by default.
    expect(error.headers).toEqual({ 'WWW-Authenticate': withDpop('Bearer') });

    const withRealm = await rejectionOf(gateFor({ realm: 'api' }).authenticate(anonymous));
    expect(withRealm.headers).toEqual({
      'WWW-Authenticate': withDpop('Bearer realm="api"', 'api'),
    });
  });

  it("answers RFC 6750's single Bearer challenge with dpop: 'disabled'", async () => {
    const error = await rejectionOf(gateFor({ dpop: 'disabled' }).authenticate(anonymous));
    expect(error.headers).toEqual({ 'WWW-Authenticate': 'Bearer' });
    const withRealm = await rejectionOf(
      gateFor({ realm: 'api', dpop: 'disabled' }).authenticate(bearer('a.b')),
    );
    expect(withRealm.headers).toEqual({
      'WWW-Authenticate':
        'Bearer realm="api", error="invalid_token", error_description="Token must have exactly three segments"',
    });
  });

  it('treats another scheme as no token', async () => {
    const basic = { rawHeaders: ['Authorization', 'Basic dXNlcjpwYXNz'] };
    expect((await rejectionOf(gateFor().authenticate(basic))).code).toBe('CREDENTIALS_MISSING');
    await expect(gateFor({ optional: true }).authenticate(basic)).resolves.toBeUndefined();
  });

  it('gives verification errors the gate’s realm', async () => {
    const gate = gateFor({ realm: 'api' });
    const foreign = await stranger.accessToken();
    const valid = await pool.accessToken();
    const tampered = withSegment(valid, 1, segment({ sub: 'someone-else' }));
    for (const token of [foreign, tampered, await pool.accessToken({ expiresIn: -600 })]) {
      const error = await rejectionOf(gate.authenticate(bearer(token)));
      expect(error).toBeInstanceOf(InvalidTokenError);
      expect(error.status).toBe(401);
      expect(error.realm).toBe('api');
      expect(error.description).toMatch(/^[^"]+$/);
      expect(error.headers['WWW-Authenticate']).toBe(
        withDpop(
          `Bearer realm="api", error="invalid_token", error_description="${error.description}"`,
          'api',
        ),
      );
    }
    const expired = await rejectionOf(
      gate.authenticate(bearer(await pool.accessToken({ expiresIn: -600 }))),
    );
    expect(expired.code).toBe('TOKEN_EXPIRED');
  });

  it('gives transport errors the gate’s realm', async () => {
    const gate = gateFor({ realm: 'api' });
    const malformed = await rejectionOf(
      gate.authenticate({ rawHeaders: ['Authorization', 'Bearer a b'] }),
    );
    expect(malformed).toBeInstanceOf(InvalidRequestError);
    expect(malformed.headers['WWW-Authenticate']).toBe(
      withDpop(
        'Bearer realm="api", error="invalid_request", error_description="Authorization header is not a valid Bearer credential"',
        'api',
      ),
    );
  });

  it('passes the transport options through', async () => {
    const token = await pool.accessToken();
    const viaQuery: BearerRequest = { rawHeaders: [], url: `/orders?access_token=${token}` };
    expect((await rejectionOf(gateFor().authenticate(viaQuery))).code).toBe('CREDENTIALS_MISSING');
    await expect(gateFor({ allowQueryToken: true }).authenticate(viaQuery)).resolves.toMatchObject({
      token,
    });
    const viaBody: BearerRequest = {
      rawHeaders: ['Content-Type', 'application/x-www-form-urlencoded'],
      method: 'POST',
      body: { access_token: token },
    };
    expect((await rejectionOf(gateFor().authenticate(viaBody))).code).toBe('CREDENTIALS_MISSING');
    await expect(gateFor({ allowBodyToken: true }).authenticate(viaBody)).resolves.toMatchObject({
      token,
    });
  });

  it('reports an unreachable IdP as 503, not as a bad token', async () => {
    const down = await createTestIssuer({ kind: 'cognito', userPoolId: 'us-east-1_Outage' });
    try {
      const token = await down.accessToken();
      await down.outage('error', { status: 500 });
      const gate = createGate({ issuers: [issuerOf(down)], realm: 'api' });
      const error = await rejectionOf(gate.authenticate(bearer(token)));
      expect(error).toBeInstanceOf(IdpUnavailableError);
      expect(error.status).toBe(503);
    } finally {
      await down.close();
    }
  });
});

describe('optional mode', () => {
  const optional = () => gateFor({ optional: true, realm: 'api' });

  it('lets anonymous requests through as undefined', async () => {
    await expect(optional().authenticate(anonymous)).resolves.toBeUndefined();
    await expect(optional().authenticate({ rawHeaders: [] })).resolves.toBeUndefined();
  });

  it('still verifies a token that is presented', async () => {
    const token = await pool.accessToken({ groups: ['staff'] });
    await expect(optional().authenticate(bearer(token))).resolves.toMatchObject({
      groups: ['staff'],
    });
  });

  it('still rejects a bad token or a malformed request', async () => {
    const garbage = await rejectionOf(optional().authenticate(bearer('not-a-jwt')));
    expect(garbage).toBeInstanceOf(InvalidTokenError);
    expect(garbage.realm).toBe('api');
    const foreign = await rejectionOf(
      optional().authenticate(bearer(await stranger.accessToken())),
    );
    expect(foreign).toBeInstanceOf(InvalidTokenError);
    const malformed = await rejectionOf(
      optional().authenticate({ rawHeaders: ['Authorization', 'Bearer'] }),
    );
    expect(malformed.code).toBe('AUTHORIZATION_MALFORMED');
    const duplicate = await rejectionOf(
      optional().authenticate({
        rawHeaders: ['Authorization', 'Bearer a', 'authorization', 'Bearer b'],
      }),
    );
    expect(duplicate.code).toBe('AUTHORIZATION_DUPLICATE');
  });

  it('does not let authorize through without a token', () => {
    expect(denialOf(optional(), undefined)).toBeInstanceOf(MissingTokenError);
  });
});

describe('authorize', () => {
  let auth: VerifiedToken;

  beforeAll(async () => {
    const token = await pool.accessToken({ groups: ['staff'], scopes: ['orders:read'] });
    auth = (await gateFor().authenticate(bearer(token))) as VerifiedToken;
  });

  it('answers 401 when there is no auth', () => {
    for (const missing of [undefined, null]) {
      const error = denialOf(gateFor({ realm: 'api' }), missing, anyGroup('staff'));
      expect(error).toBeInstanceOf(MissingTokenError);
      expect(error.status).toBe(401);
      // Without the request, the gate's schemes are still offered (DPoP is allowed by default).
      expect(error.headers).toEqual({
        'WWW-Authenticate': withDpop('Bearer realm="api"', 'api'),
      });
    }
    expect(denialOf(gateFor(), undefined).headers).toEqual({
      'WWW-Authenticate': withDpop('Bearer'),
    });
  });

  it('passes a token with no rule, or a rule that holds', () => {
    const gate = gateFor();
    expect(gate.authorize(auth)).toBeUndefined();
    expect(gate.authorize(auth, anyGroup('staff'))).toBeUndefined();
    expect(gate.authorize(auth, allScopes('orders:read'))).toBeUndefined();
  });

  it('answers 403 when a rule refuses, with the gate’s realm', () => {
    const gate = gateFor({ realm: 'api' });
    const group = denialOf(gate, auth, anyGroup('admin'));
    expect(group).toBeInstanceOf(AccessDeniedError);
    expect(group).toMatchObject({ status: 403, code: 'ACCESS_DENIED', realm: 'api' });
    const scope = denialOf(gate, auth, allScopes('orders:write'));
    expect(scope).toBeInstanceOf(InsufficientScopeError);
    expect(scope.status).toBe(403);
    expect(scope.headers['WWW-Authenticate']).toBe(
      withDpop(
        'Bearer realm="api", error="insufficient_scope", error_description="Token lacks the scope this resource requires", scope="orders:write"',
        'api',
      ),
    );
  });
});

describe('createGate', () => {
  it.each([
    ['no options', () => createGate(undefined as never)],
    ['null options', () => createGate(null as never)],
    ['no issuers', () => createGate({ issuers: [] })],
    ['a numeric realm', () => createGate({ issuers: [issuerOf(pool)], realm: 5 as never })],
    ['an object realm', () => createGate({ issuers: [issuerOf(pool)], realm: {} as never })],
    ['an empty verifier', () => createGate({ verifier: {} as never })],
    ['a null verifier', () => createGate({ verifier: null as never })],
    ['an undefined verifier', () => createGate({ verifier: undefined as never })],
    ['a verifier without verify()', () => createGate({ verifier: { verify: 'x' } as never })],
    [
      'a bad realm next to a verifier',
      () =>
        createGate({ verifier: createVerifier({ issuers: [issuerOf(pool)] }), realm: 1 as never }),
    ],
  ])('throws TypeError for %s', (_case, create) => {
    expect(create).toThrow(TypeError);
  });

  it('exposes its realm', () => {
    expect(gateFor({ realm: 'api' }).realm).toBe('api');
    expect(gateFor().realm).toBeUndefined();
  });

  it('accepts a prebuilt verifier, sharing its JWKS cache', async () => {
    const verifier = createVerifier({ issuers: [issuerOf(pool)] });
    const first = createGate({ verifier, realm: 'api' });
    const second = createGate({ verifier, optional: true });
    pool.resetStats();
    const token = await pool.accessToken({ groups: ['admin'] });
    await expect(first.authenticate(bearer(token))).resolves.toMatchObject({ groups: ['admin'] });
    await expect(second.authenticate(bearer(token))).resolves.toMatchObject({ groups: ['admin'] });
    await expect(second.authenticate(anonymous)).resolves.toBeUndefined();
    expect(pool.stats.jwksRequests).toBe(1);
    const foreign = await rejectionOf(first.authenticate(bearer(await stranger.accessToken())));
    expect(foreign.realm).toBe('api');
  });
});
