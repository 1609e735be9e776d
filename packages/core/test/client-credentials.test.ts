import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { createTestIssuer } from '@tokengate/testing';
import type { TestIssuer } from '@tokengate/testing';
import Provider from 'oidc-provider';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TokenEndpointError, createClientCredentialsSource } from '@tokengate/core';
import type { ClientCredentialsEvent, ClientCredentialsOptions } from '@tokengate/core';
import { InvalidTokenError, TokengateError } from '@tokengate/core';
import { cognitoIssuer, createGate, createVerifier, oidcIssuer } from '@tokengate/core';

const SECRET = 'Sup3r-s3cret+value/with:odd=chars';
const WORKER = { clientId: 'orders-worker', clientSecret: SECRET };
const SCOPES = ['orders-api/orders.read', 'orders-api/orders.write'];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Awaits a rejection and returns it as a `TokenEndpointError`, failing on anything else. */
async function failureOf(promise: Promise<unknown>): Promise<TokenEndpointError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, 'expected a TokenEndpointError').toBeInstanceOf(TokenEndpointError);
  return error as TokenEndpointError;
}

/** Fails if the secret shows anywhere a log line could pick it up. */
function expectNoSecret(value: unknown): void {
  const text =
    value instanceof Error
      ? `${inspect(value, { depth: 5 })} ${value.message}`
      : JSON.stringify(value);
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(Buffer.from(`${WORKER.clientId}:`).toString('base64').slice(0, 12));
}

/** application/x-www-form-urlencoded, as RFC 6749 Appendix B and §2.3.1 apply it. */
const formEncoded = (value: string): string =>
  new URLSearchParams({ v: value }).toString().slice(2);

/** The secret as a request sends it: raw, form-urlencoded or percent-encoded. */
const SECRET_FORMS = [SECRET, formEncoded(SECRET), encodeURIComponent(SECRET)];

/**
 * Fails if `text` holds the secret in any encoding a request used: as is, form- or
 * percent-encoded (either hex case), or inside any base64 or base64url run, whatever its
 * alignment (each run is decoded from each of its first four characters).
 */
function expectNoSecretForms(text: string, label: string): void {
  const lowered = text.replace(/%[0-9A-F]{2}/g, lower);
  for (const form of SECRET_FORMS) {
    expect(text, label).not.toContain(form);
    expect(lowered, label).not.toContain(form.replace(/%[0-9A-F]{2}/g, lower));
  }
  for (const [run] of text.matchAll(/[A-Za-z0-9+/_-]{8,}/g)) {
    for (let start = 0; start < 4; start += 1) {
      for (const alphabet of ['base64', 'base64url'] as const) {
        const decoded = Buffer.from(run.slice(start), alphabet).toString('latin1');
        for (const form of SECRET_FORMS) expect(decoded, `${label}: ${run}`).not.toContain(form);
      }
    }
  }
}

const lower = (escape: string): string => escape.toLowerCase();
const base64 = (text = '', alphabet: 'base64' | 'base64url' = 'base64'): string =>
  Buffer.from(text).toString(alphabet);

function refuse(res: ServerResponse, description: string): void {
  json(res, 401, { error: 'invalid_client', error_description: description });
}

function html(res: ServerResponse, status: number, request: SeenRequest): void {
  res.writeHead(status, { 'content-type': 'text/html' });
  res.end(`<p>${request.headers.authorization ?? ''} ${request.body}</p>`);
}

interface SeenRequest {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly body: string;
}

type Handler = (request: SeenRequest, res: ServerResponse) => void | Promise<void>;

/** A loopback server that records every request and lets the test answer it. */
async function startServer(handler: Handler): Promise<{
  url: string;
  seen: SeenRequest[];
  close: () => Promise<void>;
}> {
  const seen: SeenRequest[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method,
        url: req.url,
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(request);
      void Promise.resolve(handler(request, res)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

describe('createClientCredentialsSource() against the local Cognito issuer', () => {
  let pool: TestIssuer;
  const events: ClientCredentialsEvent[] = [];

  beforeAll(async () => {
    pool = await createTestIssuer({ kind: 'cognito', clients: [{ ...WORKER, scopes: SCOPES }] });
  });
  afterAll(() => pool.close());
  afterEach(async () => {
    await pool.recover();
    pool.resetStats();
    events.length = 0;
  });

  function source(options: Partial<ClientCredentialsOptions> = {}) {
    return createClientCredentialsSource({
      tokenEndpoint: pool.tokenEndpoint,
      ...WORKER,
      // A retry delay is refused with retries: 0, which never waits.
      ...(options.retries === 0 ? {} : { retryDelayMs: 1 }),
      onEvent: (event) => events.push(event),
      ...options,
    });
  }

  it('gets an M2M token that a cognitoIssuer verifier accepts', async () => {
    const token = await source({ scopes: ['orders-api/orders.read'] }).getToken();
    const verifier = createVerifier({
      issuers: [
        cognitoIssuer({
          userPoolId: pool.userPoolId ?? '',
          clientId: WORKER.clientId,
          issuerOverride: pool.issuer,
        }),
      ],
    });
    await expect(verifier.verify(token)).resolves.toMatchObject({
      subject: WORKER.clientId,
      clientId: WORKER.clientId,
      tokenUse: 'access',
      scopes: ['orders-api/orders.read'],
    });
    expect(events).toMatchObject([
      { type: 'token-fetched', attempts: 1, expiresInSeconds: 3600, expiresInDefaulted: false },
    ]);
  });

  it('caches the token and shares one request among 50 concurrent callers', async () => {
    const tokens = source();
    const all = await Promise.all(Array.from({ length: 50 }, () => tokens.getToken()));
    expect(new Set(all).size).toBe(1);
    expect(pool.stats.tokenRequests).toBe(1);
    expect(await tokens.getToken()).toBe(all[0]);
    expect(pool.stats.tokenRequests).toBe(1);
  });

  it('invalidate() forgets the token', async () => {
    const tokens = source();
    await tokens.getToken();
    tokens.invalidate();
    await tokens.getToken();
    expect(pool.stats.tokenRequests).toBe(2);
    expect(events.map((event) => event.type)).toStrictEqual([
      'token-fetched',
      'token-invalidated',
      'token-fetched',
    ]);
  });

  it('retries a 503 and succeeds', async () => {
    await pool.outage('error', { status: 503, requests: 1 });
    await expect(source().getToken()).resolves.toMatch(/^ey/);
    expect(pool.stats.tokenRequests).toBe(2);
    expect(events).toMatchObject([
      { type: 'token-request-failed', attempt: 1, code: 'TOKEN_ENDPOINT_UNAVAILABLE', status: 503 },
      { type: 'token-fetched', attempts: 2 },
    ]);
    expect((events[0] as { retryInMs: number }).retryInMs).toBeGreaterThan(0);
  });

  it('gives up after `retries` transient failures', async () => {
    await pool.outage('error', { status: 502 });
    const error = await failureOf(source({ retries: 2 }).getToken());
    expect(error).toMatchObject({ code: 'TOKEN_ENDPOINT_UNAVAILABLE', status: 502, attempts: 3 });
    expect(pool.stats.tokenRequests).toBe(3);
    expect(events.at(-1)).toMatchObject({ type: 'token-request-failed', retryInMs: undefined });

    await pool.outage('refuse');
    const refused = await failureOf(source({ retries: 1 }).getToken());
    expect(refused).toMatchObject({ code: 'TOKEN_ENDPOINT_UNAVAILABLE', status: undefined });
  });

  it('fails fast on 401 invalid_client, without retrying', async () => {
    const error = await failureOf(source({ clientSecret: 'wrong-secret' }).getToken());
    expect(error).toMatchObject({
      code: 'TOKEN_REQUEST_REJECTED',
      status: 401,
      oauthError: 'invalid_client',
      attempts: 1,
      transient: false,
    });
    expect(pool.stats.tokenRequests).toBe(1);
  });

  it('fails fast on 400 invalid_scope', async () => {
    const error = await failureOf(source({ scopes: ['admin'] }).getToken());
    expect(error).toMatchObject({ status: 400, oauthError: 'invalid_scope' });
    expect(pool.stats.tokenRequests).toBe(1);
  });

  it('times out a slow or hung endpoint', async () => {
    await pool.outage('slow', { delayMs: 5000 });
    const started = performance.now();
    const slow = await failureOf(source({ timeoutMs: 100, retries: 0 }).getToken());
    expect(slow.code).toBe('TOKEN_ENDPOINT_TIMEOUT');
    expect(performance.now() - started).toBeLessThan(2000);

    await pool.outage('hang');
    const hung = await failureOf(source({ timeoutMs: 100, retries: 1 }).getToken());
    expect(hung).toMatchObject({ code: 'TOKEN_ENDPOINT_TIMEOUT', attempts: 2 });
  });

  it('refuses a huge body and a garbage body without retrying', async () => {
    await pool.outage('huge');
    expect((await failureOf(source().getToken())).code).toBe('TOKEN_RESPONSE_INVALID');
    await pool.outage('garbage');
    expect((await failureOf(source().getToken())).code).toBe('TOKEN_RESPONSE_INVALID');
    expect(pool.stats.tokenRequests).toBe(2);
  });

  it('honours Retry-After on 429', async () => {
    await pool.outage('error', { status: 429, retryAfter: 1, requests: 1 });
    const started = performance.now();
    await expect(source({ maxRetryDelayMs: 2000 }).getToken()).resolves.toMatch(/^ey/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(events[0]).toMatchObject({ status: 429, retryInMs: 1000 });
  });

  it('gives up at once when Retry-After asks for more than maxRetryDelayMs', async () => {
    await pool.outage('error', { status: 503, retryAfter: 30, requests: 1 });
    const error = await failureOf(source({ maxRetryDelayMs: 1000 }).getToken());
    expect(error).toMatchObject({ code: 'TOKEN_ENDPOINT_UNAVAILABLE', retryAfterSeconds: 30 });
    expect(pool.stats.tokenRequests).toBe(1);
  });

  it('never lets the secret into errors or events', async () => {
    const failures = [await failureOf(source({ clientSecret: `${SECRET}x` }).getToken())];
    await pool.outage('error', { status: 500 });
    failures.push(await failureOf(source({ retries: 0 }).getToken()));
    await pool.outage('refuse');
    failures.push(await failureOf(source({ retries: 0 }).getToken()));
    for (const failure of failures) expectNoSecret(failure);
    expectNoSecret(events);
    expect(() => source({ clientSecret: `${SECRET}\n` })).toThrow(TypeError);
    try {
      source({ clientSecret: `${SECRET}\n` });
    } catch (error) {
      expectNoSecret(error);
    }
  });
});

describe('token lifetime', () => {
  let idp: TestIssuer;
  const events: ClientCredentialsEvent[] = [];
  beforeAll(async () => {
    idp = await createTestIssuer({ kind: 'oidc', tokenLifetimeSeconds: 1, clients: [WORKER] });
  });
  afterAll(() => idp.close());
  afterEach(async () => {
    await idp.recover();
    idp.resetStats();
    events.length = 0;
  });

  const source = (options: Partial<ClientCredentialsOptions> = {}) =>
    createClientCredentialsSource({
      tokenEndpoint: idp.tokenEndpoint,
      ...WORKER,
      authMethod: 'client_secret_post',
      retries: 0,
      onEvent: (event) => events.push(event),
      ...options,
    });

  it('renews once expires_in has passed', async () => {
    const tokens = source({ refreshSkewSeconds: 0 });
    const first = await tokens.getToken();
    expect(await tokens.getToken()).toBe(first);
    expect(idp.stats.tokenRequests).toBe(1);
    await sleep(1050);
    expect(await tokens.getToken()).not.toBe(first);
    expect(idp.stats.tokenRequests).toBe(2);
  });

  it('renews refreshSkewSeconds early, at most half the lifetime early', async () => {
    const tokens = source(); // skew 60 s, capped at 0.5 s for a 1 s token
    const first = await tokens.getToken();
    expect(await tokens.getToken()).toBe(first);
    await sleep(550);
    expect(await tokens.getToken()).not.toBe(first);
    expect(idp.stats.tokenRequests).toBe(2);
  });

  it('keeps the still-valid token through a transient renewal failure, not past its expiry', async () => {
    const tokens = source();
    const first = await tokens.getToken();
    await idp.outage('error', { status: 503 });
    await sleep(550);
    expect(await tokens.getToken()).toBe(first);
    expect(await tokens.getToken()).toBe(first); // no new request during the pause
    expect(idp.stats.tokenRequests).toBe(2);
    expect(events.at(-1)).toMatchObject({
      type: 'cached-token-kept',
      code: 'TOKEN_ENDPOINT_UNAVAILABLE',
    });
    await sleep(500);
    expect((await failureOf(tokens.getToken())).code).toBe('TOKEN_ENDPOINT_UNAVAILABLE');
  });

  it('does not keep a token after invalidate()', async () => {
    const tokens = source();
    await tokens.getToken();
    tokens.invalidate();
    await idp.outage('error', { status: 503 });
    expect((await failureOf(tokens.getToken())).code).toBe('TOKEN_ENDPOINT_UNAVAILABLE');
  });
});

describe('token responses from other servers', () => {
  let answer: Handler = (_request, res) => json(res, 200, {});
  let endpoint: Awaited<ReturnType<typeof startServer>>;
  const events: ClientCredentialsEvent[] = [];
  beforeAll(async () => {
    endpoint = await startServer((request, res) => answer(request, res));
  });
  afterAll(() => endpoint.close());
  afterEach(() => {
    endpoint.seen.length = 0;
    events.length = 0;
  });

  const source = (options: Partial<ClientCredentialsOptions> = {}) =>
    createClientCredentialsSource({
      tokenEndpoint: `${endpoint.url}/oauth2/token`,
      ...WORKER,
      retries: 0,
      onEvent: (event) => events.push(event),
      ...options,
    });

  it('sends an RFC 6749 §4.4.2 request with Basic credentials form-encoded first (§2.3.1)', async () => {
    answer = (_request, res) => json(res, 200, { access_token: 'opaque-1', token_type: 'Bearer' });
    await source({ scopes: ['a/read', 'b:write'], audience: 'https://api.example' }).getToken();
    const [request] = endpoint.seen;
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toStrictEqual({
      grant_type: 'client_credentials',
      scope: 'a/read b:write',
      audience: 'https://api.example',
    });
    const basic = /^Basic (.+)$/.exec(request?.headers.authorization ?? '')?.[1] ?? '';
    const [id, secret] = Buffer.from(basic, 'base64').toString().split(':');
    expect(id).toBe(WORKER.clientId);
    expect(secret).toBe(new URLSearchParams({ s: SECRET }).toString().slice(2));
    expect(secret).not.toBe(SECRET); // `+`, `/`, `:` and `=` are encoded
  });

  it('sends client_secret_post and resource when asked', async () => {
    answer = (_request, res) => json(res, 200, { access_token: 'opaque-2', token_type: 'Bearer' });
    await source({ authMethod: 'client_secret_post', resource: 'https://api.example/' }).getToken();
    const [request] = endpoint.seen;
    expect(request?.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toStrictEqual({
      grant_type: 'client_credentials',
      resource: 'https://api.example/',
      client_id: WORKER.clientId,
      client_secret: SECRET,
    });
  });

  it('accepts token_type in any case and expires_in as a numeric string', async () => {
    answer = (_request, res) =>
      json(res, 200, { access_token: 'a.b.c', token_type: 'bEaReR', expires_in: '120' });
    await expect(source().getToken()).resolves.toBe('a.b.c');
    expect(events[0]).toMatchObject({ expiresInSeconds: 120, expiresInDefaulted: false });
  });

  it('defaults a missing expires_in to 300 s and says so', async () => {
    answer = (_request, res) => json(res, 200, { access_token: 'no-expiry', token_type: 'Bearer' });
    const tokens = source();
    await tokens.getToken();
    await tokens.getToken();
    expect(endpoint.seen).toHaveLength(1);
    expect(events).toMatchObject([{ expiresInSeconds: 300, expiresInDefaulted: true }]);
  });

  it('refuses responses that are not usable Bearer tokens', async () => {
    const bodies: unknown[] = [
      { access_token: 'x', token_type: 'DPoP', expires_in: 60 },
      { access_token: 'x', expires_in: 60 },
      { token_type: 'Bearer', expires_in: 60 },
      { access_token: 'bad token\r\nx-injected: 1', token_type: 'Bearer' },
      ['not', 'an', 'object'],
      'not json',
    ];
    for (const body of bodies) {
      answer = (_request, res) => json(res, 200, body);
      const error = await failureOf(source().getToken());
      expect(error.code, JSON.stringify(body)).toBe('TOKEN_RESPONSE_INVALID');
      expect(error.message).not.toContain('bad token');
    }
  });

  it('redacts a secret the server echoes in error_description', async () => {
    answer = (request, res) =>
      json(
        res,
        401,
        { error: 'invalid_client', error_description: `bad secret ${SECRET}` },
        {
          'www-authenticate': 'Basic',
        },
      );
    const error = await failureOf(source({ authMethod: 'client_secret_post' }).getToken());
    expect(error.message).toBe(
      'the token endpoint refused the request (HTTP 401 invalid_client: bad secret [redacted])',
    );
    expectNoSecret(error);
  });

  it('keeps no encoding of the secret from an endpoint that echoes the request', async () => {
    // Every way an endpoint could hand back what it received: the Basic header, the form body,
    // both base64-wrapped, with lower-case percent-escapes, as the error code, in HTML.
    const echoes: [string, (request: SeenRequest, res: ServerResponse) => void][] = [
      ['header', (r, res) => refuse(res, `got ${r.headers.authorization ?? ''}`)],
      ['body', (r, res) => refuse(res, `got ${r.body}`)],
      ['lower-case body', (r, res) => refuse(res, r.body.replace(/%[0-9A-F]{2}/g, lower))],
      ['base64 body', (r, res) => refuse(res, `got ${base64(`x${r.body}`)}`)],
      ['base64url header', (r, res) => refuse(res, base64(r.headers.authorization, 'base64url'))],
      ['raw id:secret', (_r, res) => refuse(res, base64(`${WORKER.clientId}:${SECRET}`))],
      ['percent-encoded', (_r, res) => refuse(res, `got ${encodeURIComponent(SECRET)}`)],
      ['in the code', (r, res) => json(res, 401, { error: r.headers.authorization ?? r.body })],
      ['with controls', (r, res) => refuse(res, `\u0000${r.headers.authorization ?? r.body}\n`)],
      ['html', (r, res) => html(res, 400, r)],
      ['html 503', (r, res) => html(res, 503, r)],
      ['html 200', (r, res) => html(res, 200, r)],
    ];
    for (const authMethod of ['client_secret_basic', 'client_secret_post'] as const) {
      for (const [name, echo] of echoes) {
        answer = echo;
        const error = await failureOf(source({ authMethod }).getToken());
        expect(endpoint.seen.length, name).toBeGreaterThan(0);
        for (const text of [error.message, inspect(error, { depth: 10 })]) {
          expectNoSecretForms(text, `${authMethod} ${name}`);
        }
        expectNoSecretForms(JSON.stringify(error), `${authMethod} ${name} toJSON`);
        expectNoSecretForms(JSON.stringify(events), `${authMethod} ${name} events`);
        expect(events.length, name).toBeGreaterThan(0);
        events.length = 0;
      }
    }
  });

  it('keeps a valid error code and a sanitized error_description', async () => {
    answer = (_request, res) =>
      json(res, 400, {
        error: 'invalid_scope',
        error_description: `no such \u001b[31mscope\r\n${'x'.repeat(300)}`,
      });
    const error = await failureOf(source().getToken());
    expect(error.oauthError).toBe('invalid_scope');
    expect(error.message).toMatch(
      /^the token endpoint refused the request \(HTTP 400 invalid_scope: no such/,
    );
    expect([...error.message].filter((c) => c < ' ' || c === '\x7f')).toEqual([]);
    expect(error.message.length).toBeLessThan(300);
    answer = (_request, res) => json(res, 400, { error: 'bad"code' });
    expect((await failureOf(source().getToken())).oauthError).toBeUndefined();
  });

  it('reads an HTTP-date Retry-After', async () => {
    let calls = 0;
    answer = (_request, res) => {
      calls += 1;
      if (calls === 1) {
        json(res, 503, '', { 'retry-after': new Date(Date.now() + 60_000).toUTCString() });
      } else json(res, 200, { access_token: 'late', token_type: 'Bearer' });
    };
    const error = await failureOf(source({ retries: 1, maxRetryDelayMs: 1000 }).getToken());
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(58);
    expect(calls).toBe(1);
  });

  it('ignores a throwing onEvent listener', async () => {
    answer = (_request, res) => json(res, 200, { access_token: 'ok', token_type: 'Bearer' });
    const tokens = source({
      onEvent: () => {
        throw new Error('observer bug');
      },
    });
    await expect(tokens.getToken()).resolves.toBe('ok');
  });
});

describe('fetch() wrapper against an API protected by createVerifier + cognitoIssuer', () => {
  let pool: TestIssuer;
  let api: Awaited<ReturnType<typeof startServer>>;
  /** Answers the next N requests 401 with this challenge, whatever the token. */
  let reject: { count: number; challenge: string } = { count: 0, challenge: '' };

  beforeAll(async () => {
    pool = await createTestIssuer({ kind: 'cognito', clients: [{ ...WORKER, scopes: SCOPES }] });
    const gate = createGate({
      issuers: [
        cognitoIssuer({
          userPoolId: pool.userPoolId ?? '',
          clientId: WORKER.clientId,
          issuerOverride: pool.issuer,
        }),
      ],
      realm: 'orders',
    });
    api = await startServer(async (request, res) => {
      try {
        if (reject.count > 0) {
          reject.count -= 1;
          res.writeHead(401, { 'www-authenticate': reject.challenge }).end();
          return;
        }
        const auth = await gate.authenticate(request);
        if (auth === undefined) throw new Error('not optional');
        json(res, 200, { sub: auth.subject, scopes: auth.scopes, echo: request.body });
      } catch (error) {
        if (!(error instanceof TokengateError)) throw error;
        json(res, error.status, error.toJSON(), error.headers);
      }
    });
  });
  afterAll(async () => {
    await api.close();
    await pool.close();
  });
  afterEach(() => {
    pool.resetStats();
    api.seen.length = 0;
    reject = { count: 0, challenge: '' };
  });

  const source = () =>
    createClientCredentialsSource({
      tokenEndpoint: pool.tokenEndpoint,
      ...WORKER,
      retryDelayMs: 1,
    });

  it('sends the bearer token, which the API verifies', async () => {
    const response = await source().fetch(`${api.url}/orders`, {
      headers: { accept: 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ sub: WORKER.clientId, scopes: SCOPES });
    expect(api.seen[0]?.headers.accept).toBe('application/json');
    expect(api.seen[0]?.headers.authorization).toMatch(/^Bearer ey/);
  });

  it('renews and replays once, body included, after 401 invalid_token', async () => {
    const tokens = source();
    await tokens.getToken();
    reject = {
      count: 1,
      challenge:
        new InvalidTokenError('TOKEN_EXPIRED', { description: 'expired' }).headers[
          'WWW-Authenticate'
        ] ?? '',
    };
    const response = await tokens.fetch(`${api.url}/orders`, { method: 'POST', body: '{"id":42}' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ echo: '{"id":42}' });
    expect(api.seen.map((request) => request.body)).toStrictEqual(['{"id":42}', '{"id":42}']);
    expect(pool.stats.tokenRequests).toBe(2);
    expect(api.seen[0]?.headers.authorization).not.toBe(api.seen[1]?.headers.authorization);
  });

  it('finds invalid_token among several challenges, in any case and quoting', async () => {
    for (const challenge of [
      'Basic realm="legacy", Bearer realm="api", error="invalid_token", error_description="x, y"',
      'bearer error=invalid_token',
      'Negotiate abc==, Bearer error="invalid_token"',
    ]) {
      reject = { count: 1, challenge };
      const response = await source().fetch(`${api.url}/orders`);
      expect(response.status, challenge).toBe(200);
      expect(api.seen).toHaveLength(2);
      api.seen.length = 0;
    }
  });

  it('does not replay other 401s, a 403, or twice', async () => {
    for (const challenge of [
      'Bearer realm="api"',
      'Bearer error="insufficient_scope"',
      'Basic error="invalid_token"',
    ]) {
      reject = { count: 1, challenge };
      expect((await source().fetch(`${api.url}/x`)).status).toBe(401);
      expect(api.seen).toHaveLength(1);
      api.seen.length = 0;
    }
    reject = { count: 5, challenge: 'Bearer error="invalid_token"' };
    const tokens = source();
    expect((await tokens.fetch(`${api.url}/x`)).status).toBe(401);
    expect(api.seen).toHaveLength(2);
  });

  it('accepts a Request and keeps its method and headers', async () => {
    const request = new Request(`${api.url}/orders`, {
      method: 'PUT',
      headers: { 'x-trace': 'abc' },
      body: 'payload',
    });
    reject = { count: 1, challenge: 'Bearer error="invalid_token"' };
    const response = await source().fetch(request);
    expect(response.status).toBe(200);
    expect(api.seen.map(({ method, body }) => [method, body])).toStrictEqual([
      ['PUT', 'payload'],
      ['PUT', 'payload'],
    ]);
    expect(api.seen[1]?.headers['x-trace']).toBe('abc');
  });
});

describe('getToken() against oidc-provider', () => {
  const API = 'https://api.tokengate.test/';
  let issuer = '';
  let close: () => Promise<void>;

  beforeAll(async () => {
    const storage = new Map<string, AdapterPayload>();
    // oidc-provider's adapter contract; the in-memory default logs a warning on every start.
    class MemoryAdapter implements Adapter {
      constructor(private readonly model: string) {}
      private key(id: string): string {
        return `${this.model}:${id}`;
      }
      async upsert(id: string, payload: AdapterPayload): Promise<void> {
        storage.set(this.key(id), payload);
      }
      async find(id: string): Promise<AdapterPayload | undefined> {
        return storage.get(this.key(id));
      }
      async findByUserCode(): Promise<undefined> {}
      async findByUid(): Promise<undefined> {}
      async consume(): Promise<void> {}
      async destroy(id: string): Promise<void> {
        storage.delete(this.key(id));
      }
      async revokeByGrantId(): Promise<void> {}
    }

    let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
    const server = createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const provider = new Provider(issuer, {
      adapter: MemoryAdapter,
      clients: [
        {
          client_id: WORKER.clientId,
          client_secret: SECRET,
          grant_types: ['client_credentials'],
          redirect_uris: [],
          response_types: [],
          scope: 'api:read api:write',
        },
      ],
      scopes: ['api:read', 'api:write'],
      ttl: { ClientCredentials: 600 },
      jwks: {
        keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'op-1', alg: 'RS256', use: 'sig' }],
      },
      cookies: { keys: ['tokengate-test-cookie-key'] },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        // Without a resource indicator oidc-provider issues opaque tokens; with one, it asks
        // the resource server's settings, which here choose RFC 9068 JWTs.
        resourceIndicators: {
          enabled: true,
          defaultResource: () => undefined as unknown as string,
          getResourceServerInfo: (_ctx, resource) => ({
            scope: 'api:read api:write',
            audience: resource,
            accessTokenFormat: 'jwt',
            accessTokenTTL: 600,
            jwt: { sign: { alg: 'RS256' } },
          }),
        },
      },
    });
    handler = provider.callback();
    close = () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
  });
  afterAll(() => close());

  async function tokenEndpoint(): Promise<string> {
    const discovery = (await (
      await fetch(`${issuer}/.well-known/openid-configuration`)
    ).json()) as {
      token_endpoint: string;
    };
    return discovery.token_endpoint;
  }

  it('gets an at+jwt for a resource (RFC 8707) that an oidcIssuer verifier accepts', async () => {
    const tokens = createClientCredentialsSource({
      tokenEndpoint: await tokenEndpoint(),
      ...WORKER,
      scopes: ['api:read'],
      resource: API,
    });
    const token = await tokens.getToken();
    const verifier = createVerifier({
      issuers: [oidcIssuer({ issuer, audience: API, typ: 'at+jwt' })],
    });
    await expect(verifier.verify(token)).resolves.toMatchObject({
      subject: WORKER.clientId,
      clientId: WORKER.clientId,
      scopes: ['api:read'],
    });
    expect(await tokens.getToken()).toBe(token);
  });

  it('gets an opaque token with client_secret_post and no resource', async () => {
    const token = await createClientCredentialsSource({
      tokenEndpoint: await tokenEndpoint(),
      ...WORKER,
      authMethod: 'client_secret_post',
    }).getToken();
    expect(token).toMatch(/^[\w-]{20,}$/);
  });

  it('surfaces invalid_client without the secret', async () => {
    const error = await failureOf(
      createClientCredentialsSource({
        tokenEndpoint: await tokenEndpoint(),
        ...WORKER,
        clientSecret: `${SECRET}-old`,
      }).getToken(),
    );
    expect(error).toMatchObject({
      code: 'TOKEN_REQUEST_REJECTED',
      status: 401,
      oauthError: 'invalid_client',
    });
    expectNoSecret(error);
  });
});

describe('option validation', () => {
  const valid: ClientCredentialsOptions = {
    tokenEndpoint: 'https://auth.example.com/oauth2/token',
    ...WORKER,
  };

  it.each<[string, Partial<Record<keyof ClientCredentialsOptions, unknown>>]>([
    ['http off loopback', { tokenEndpoint: 'http://auth.example.com/oauth2/token' }],
    ['a relative endpoint', { tokenEndpoint: '/oauth2/token' }],
    ['a fragment', { tokenEndpoint: 'https://auth.example.com/token#x' }],
    ['no clientId', { clientId: '' }],
    ['no clientSecret', { clientSecret: undefined }],
    ['a scope with a space', { scopes: ['a b'] }],
    ['an unknown authMethod', { authMethod: 'private_key_jwt' }],
    ['negative retries', { retries: -1 }],
    ['fractional retries', { retries: 1.5 }],
    ['a zero timeout', { timeoutMs: 0 }],
    ['a relative resource', { resource: 'api' }],
    ['a non-function fetch', { fetch: 'fetch' }],
  ])('throws TypeError at creation for %s', (_name, override) => {
    expect(() =>
      createClientCredentialsSource({ ...valid, ...override } as ClientCredentialsOptions),
    ).toThrow(TypeError);
  });

  it('refuses credentials in the endpoint URL without echoing them', () => {
    expect(() =>
      createClientCredentialsSource({
        ...valid,
        tokenEndpoint: `https://${WORKER.clientId}:${encodeURIComponent(SECRET)}@auth.example.com/token`,
      }),
    ).toThrow(/^tokenEndpoint must not contain credentials$/);
  });

  it('allows http off loopback only with allowInsecureHttp', () => {
    expect(() =>
      createClientCredentialsSource({
        ...valid,
        tokenEndpoint: 'http://keycloak:8080/realms/x/protocol/openid-connect/token',
        allowInsecureHttp: true,
      }),
    ).not.toThrow();
  });
});
