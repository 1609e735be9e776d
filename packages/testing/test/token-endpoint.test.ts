import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer } from '../src/index.js';
import type { TestIssuer } from '../src/index.js';

const WORKER = { clientId: 'orders-worker', clientSecret: 'w0rker-s3cret' };

function basic(clientId: string, clientSecret: string): string {
  // RFC 6749 §2.3.1: each part is form-urlencoded before the Basic encoding.
  const encode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

async function requestToken(
  issuer: TestIssuer,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(issuer.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params).toString(),
  });
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, headers: response.headers, body };
}

describe('token endpoint, Cognito kind', () => {
  let pool: TestIssuer;
  beforeAll(async () => {
    pool = await createTestIssuer({
      kind: 'cognito',
      clients: [{ ...WORKER, scopes: ['orders/read', 'orders/write'] }],
    });
  });
  afterAll(() => pool.close());

  it('sits at the root of the origin, like a Cognito domain', () => {
    expect(pool.tokenEndpoint).toBe(`${pool.origin}/oauth2/token`);
  });

  it('grants client_credentials with Basic auth, answering like Cognito (RFC 6749 §5.1)', async () => {
    pool.resetStats();
    const answer = await requestToken(
      pool,
      { grant_type: 'client_credentials' },
      { authorization: basic(WORKER.clientId, WORKER.clientSecret) },
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('pragma')).toBe('no-cache');
    expect(Object.keys(answer.body).sort()).toStrictEqual([
      'access_token',
      'expires_in',
      'token_type',
    ]);
    expect(answer.body).toMatchObject({ expires_in: 3600, token_type: 'Bearer' });
    expect(pool.stats.tokenRequests).toBe(1);

    const token = answer.body['access_token'] as string;
    const jwks = createRemoteJWKSet(new URL(pool.jwksUri));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: pool.issuer });
    expect(protectedHeader.typ).toBeUndefined();
    expect(payload).toMatchObject({
      sub: WORKER.clientId,
      client_id: WORKER.clientId,
      token_use: 'access',
      // No scope asked for: every scope of the client, as Cognito grants.
      scope: 'orders/read orders/write',
    });
    expect(payload['aud']).toBeUndefined();
  });

  it('grants the requested subset of scopes', async () => {
    const answer = await requestToken(
      pool,
      { grant_type: 'client_credentials', scope: 'orders/read' },
      { authorization: basic(WORKER.clientId, WORKER.clientSecret) },
    );
    const token = answer.body['access_token'] as string;
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
    expect(payload).toMatchObject({ scope: 'orders/read' });
  });

  it('refuses bad credentials with 401 invalid_client and a Basic challenge (RFC 6749 §5.2)', async () => {
    for (const authorization of [
      basic(WORKER.clientId, 'wrong'),
      basic('nobody', WORKER.clientSecret),
      'Basic !!!',
      'Bearer abc',
    ]) {
      const answer = await requestToken(
        pool,
        { grant_type: 'client_credentials' },
        { authorization },
      );
      expect(answer.status).toBe(401);
      expect(answer.body['error']).toBe('invalid_client');
      expect(answer.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    }
    const anonymous = await requestToken(pool, { grant_type: 'client_credentials' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body['error']).toBe('invalid_client');
  });

  it('answers invalid_scope, unsupported_grant_type and invalid_request', async () => {
    const authorization = basic(WORKER.clientId, WORKER.clientSecret);
    const cases: [Record<string, string>, Record<string, string>, string][] = [
      [{ grant_type: 'client_credentials', scope: 'admin' }, { authorization }, 'invalid_scope'],
      [{ grant_type: 'password' }, { authorization }, 'unsupported_grant_type'],
      [{}, { authorization }, 'invalid_request'],
      // RFC 6749 §2.3: one authentication method per request.
      [
        { grant_type: 'client_credentials', ...snake(WORKER) },
        { authorization },
        'invalid_request',
      ],
      [
        { grant_type: 'client_credentials' },
        { authorization, 'content-type': 'application/json' },
        'invalid_request',
      ],
    ];
    for (const [params, headers, error] of cases) {
      const answer = await requestToken(pool, params, headers);
      expect(answer.status, error).toBe(400);
      expect(answer.body['error']).toBe(error);
    }
    const repeated = await fetch(pool.tokenEndpoint, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=orders%2Fread&scope=orders%2Fwrite',
    });
    expect(repeated.status).toBe(400);
    expect(((await repeated.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('answers 405 to anything but POST (RFC 6749 §3.2)', async () => {
    const response = await fetch(pool.tokenEndpoint);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });
});

describe('token endpoint, OIDC kind', () => {
  let idp: TestIssuer;
  beforeAll(async () => {
    idp = await createTestIssuer({ kind: 'oidc', tokenLifetimeSeconds: 120 });
    idp.registerClient({ ...WORKER, scopes: ['api:read', 'api:write'] });
  });
  afterAll(() => idp.close());

  it('is listed as token_endpoint in discovery', async () => {
    const discovery = (await (await fetch(idp.discoveryUri)).json()) as Record<string, unknown>;
    expect(discovery['token_endpoint']).toBe(idp.tokenEndpoint);
  });

  it('grants an RFC 9068 at+jwt with client_secret_post, echoing scope', async () => {
    const answer = await requestToken(idp, {
      grant_type: 'client_credentials',
      scope: 'api:read',
      ...snake(WORKER),
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ token_type: 'Bearer', expires_in: 120, scope: 'api:read' });
    const token = answer.body['access_token'] as string;
    expect(decodeProtectedHeader(token).typ).toBe('at+jwt');
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(idp.jwksUri)), {
      issuer: idp.issuer,
      audience: idp.audience,
      typ: 'at+jwt',
    });
    expect(payload).toMatchObject({ sub: WORKER.clientId, client_id: WORKER.clientId });
    expect(payload.exp! - payload.iat!).toBe(120);
  });

  it('decodes form-urlencoded Basic credentials (RFC 6749 §2.3.1)', async () => {
    const odd = { clientId: 'svc:one', clientSecret: 'p+ss w:rd/%&=' };
    idp.registerClient(odd);
    const answer = await requestToken(
      idp,
      { grant_type: 'client_credentials' },
      { authorization: basic(odd.clientId, odd.clientSecret) },
    );
    expect(answer.status).toBe(200);
  });

  it('replaces a client registered again, as a secret rotation would', async () => {
    idp.registerClient({ clientId: 'rotating', clientSecret: 'old' });
    idp.registerClient({ clientId: 'rotating', clientSecret: 'new' });
    const old = await requestToken(
      idp,
      { grant_type: 'client_credentials' },
      {
        authorization: basic('rotating', 'old'),
      },
    );
    expect(old.status).toBe(401);
    const fresh = await requestToken(
      idp,
      { grant_type: 'client_credentials' },
      {
        authorization: basic('rotating', 'new'),
      },
    );
    expect(fresh.status).toBe(200);
  });

  it('rejects bad registrations with TypeError, never echoing the secret', async () => {
    expect(() => idp.registerClient({ clientId: '', clientSecret: 'x' })).toThrow(TypeError);
    expect(() => idp.registerClient({ clientId: 'a', clientSecret: '' })).toThrow(TypeError);
    // RFC 6749 Appendix A.2: a secret read from a file with its newline is refused.
    expect(() => idp.registerClient({ clientId: 'a', clientSecret: 'hunter2\n' })).toThrow(
      /^clientSecret must be a non-empty string of printable ASCII$/,
    );
    expect(() =>
      idp.registerClient({ clientId: 'a', clientSecret: 'hunter2', scopes: ['bad scope'] }),
    ).toThrow(TypeError);
    expect(() => idp.registerClient(null as never)).toThrow(TypeError);
    await expect(createTestIssuer({ clients: {} as never })).rejects.toThrow(TypeError);
    await expect(
      createTestIssuer({ clients: [{ clientId: 'a', clientSecret: 7 as never }] }),
    ).rejects.toThrow(/^clientSecret must be a non-empty string of printable ASCII$/);
  });
});

describe('token endpoint outages', () => {
  let idp: TestIssuer;
  beforeAll(async () => {
    idp = await createTestIssuer({ clients: [WORKER] });
  });
  afterAll(() => idp.close());

  const grant = (): Promise<Response> =>
    fetch(idp.tokenEndpoint, {
      method: 'POST',
      headers: { authorization: basic(WORKER.clientId, WORKER.clientSecret) },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });

  it('error: answers the status with Retry-After, for a number of requests only', async () => {
    idp.resetStats();
    await idp.outage('error', { status: 429, retryAfter: 3, requests: 2 });
    for (let index = 0; index < 2; index += 1) {
      const response = await grant();
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('3');
      await response.body?.cancel();
    }
    const recovered = await grant();
    expect(recovered.status).toBe(200);
    expect(((await recovered.json()) as { token_type: string }).token_type).toBe('Bearer');
    expect(idp.stats).toStrictEqual({ jwksRequests: 0, discoveryRequests: 0, tokenRequests: 3 });
  });

  it('counts requests to every endpoint against the budget', async () => {
    await idp.outage('error', { requests: 1 });
    expect((await fetch(idp.jwksUri)).status).toBe(503);
    expect((await grant()).status).toBe(200);
  });

  it('slow, garbage and refuse apply to the token endpoint too', async () => {
    await idp.outage('slow', { delayMs: 200 });
    const started = performance.now();
    expect((await grant()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(198);

    await idp.outage('garbage');
    const garbage = await grant();
    expect(garbage.status).toBe(200);
    await expect(garbage.json()).rejects.toThrow(SyntaxError);

    await idp.outage('refuse');
    await expect(grant()).rejects.toThrow(TypeError);
    await idp.recover();
    expect((await grant()).status).toBe(200);
  });

  it('rejects bad outage options with TypeError', async () => {
    await expect(idp.outage('refuse', { requests: 1 })).rejects.toThrow(TypeError);
    await expect(idp.outage('error', { requests: 0 })).rejects.toThrow(TypeError);
    await expect(idp.outage('error', { retryAfter: 1.5 })).rejects.toThrow(TypeError);
    expect((await grant()).status).toBe(200);
  });
});

function snake(client: { clientId: string; clientSecret: string }): Record<string, string> {
  return { client_id: client.clientId, client_secret: client.clientSecret };
}
