// RFC 7662 through createVerifier against a local endpoint: what is accepted, what is refused
// as the token's fault (401), and what is the server's (503, never 401).
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import {
  createVerifier,
  introspectionIssuer,
  isVerifiedToken,
  oidcIssuer,
  type IntrospectionIssuerOptions,
  type Verifier,
  type VerifierOptions,
} from '@tokengate/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf } from '../helpers.js';
import {
  API,
  CLIENT_ID,
  ISSUER,
  SECRET,
  activeAnswer,
  issuerOptions,
  nowSeconds,
  opaqueToken,
  verifierFor,
} from './fixtures.js';
import {
  startIntrospectionServer,
  type IntrospectionServer,
  type ScriptedAnswer,
} from './introspection-server.js';

let server: IntrospectionServer;
const verifiers: Verifier[] = [];

beforeAll(async () => {
  server = await startIntrospectionServer();
});
afterAll(() => server.close());
afterEach(async () => {
  server.seen.length = 0;
  await Promise.all(verifiers.splice(0).map((verifier) => verifier.close()));
});

function verifier(
  overrides?: Partial<IntrospectionIssuerOptions>,
  verifierOptions?: Omit<VerifierOptions, 'issuers'>,
): Verifier {
  const built = verifierFor(server, overrides, verifierOptions);
  verifiers.push(built);
  return built;
}

describe('an active answer', () => {
  it('verifies an opaque token into a normalized, marked result', async () => {
    const answer = activeAnswer({ groups: ['ops'], username: 'ada' });
    server.answer = () => ({ body: answer });
    const token = opaqueToken();
    const result = await verifier().verify(token);
    expect(result).toMatchObject({
      token,
      header: {},
      claims: answer,
      issuer: ISSUER,
      subject: 'user-1',
      clientId: 'web-app',
      tokenUse: 'access',
      scopes: ['orders:read', 'orders:write'],
      groups: ['ops'],
      expiresAt: answer.exp,
      binding: { type: 'bearer' },
    });
    expect(isVerifiedToken(result)).toBe(true);
  });

  it('sends the token with client_secret_basic over form-urlencoded credentials (RFC 6749 §2.3.1)', async () => {
    server.answer = () => ({ body: activeAnswer() });
    const token = opaqueToken();
    await verifier().verify(token);
    const [request] = server.seen;
    const encoded = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${encoded(CLIENT_ID)}:${encoded(SECRET)}`).toString('base64')}`,
    );
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers.accept).toBe('application/json');
    expect(Object.fromEntries(request!.form)).toStrictEqual({
      token,
      token_type_hint: 'access_token',
    });
  });

  it('sends client_secret_post credentials in the body, and no Authorization header', async () => {
    server.answer = () => ({ body: activeAnswer() });
    const token = opaqueToken();
    await verifier({ clientAuth: { method: 'client_secret_post', clientSecret: SECRET } }).verify(
      token,
    );
    const [request] = server.seen;
    expect(request?.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(request!.form)).toStrictEqual({
      client_id: CLIENT_ID,
      client_secret: SECRET,
      token,
      token_type_hint: 'access_token',
    });
  });

  it('accepts b64token characters (RFC 6750 §2.1) and an answer without iss', async () => {
    server.answer = () => ({ body: activeAnswer({ iss: undefined }) });
    const token = 'AbC~d.e+f/g-h_i==';
    await expect(verifier().verify(token)).resolves.toMatchObject({ token, issuer: ISSUER });
  });

  it('keeps cnf in the claims: a certificate-bound token is refused unless the caller checks it', async () => {
    const x5t = 'A'.repeat(43);
    server.answer = () => ({ body: activeAnswer({ cnf: { 'x5t#S256': x5t } }) });
    const built = verifier();
    const token = opaqueToken();
    expect(await rejectionOf(built.verify(token))).toMatchObject({
      code: 'TOKEN_BINDING_UNCHECKED',
    });
    const result = await built.verify(token, undefined, { allowBoundTokens: true });
    expect(result.binding).toStrictEqual({ type: 'mtls', x5tS256: x5t });
    expect(result.claims.cnf).toStrictEqual({ 'x5t#S256': x5t });
  });
});

describe('refusals that are the token’s fault: 401 invalid_token', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['inactive', { active: false }, 'TOKEN_INACTIVE'],
    ['expired', activeAnswer({ exp: nowSeconds() - 60 }), 'TOKEN_EXPIRED'],
    ['not yet valid', activeAnswer({ nbf: nowSeconds() + 600 }), 'TOKEN_NOT_YET_VALID'],
    ['of another issuer', activeAnswer({ iss: 'https://other.tokengate.test' }), 'ISSUER_UNKNOWN'],
    ['for another audience', activeAnswer({ aud: 'https://other-api.test' }), 'AUDIENCE_MISMATCH'],
    ['without exp', activeAnswer({ exp: undefined }), 'CLAIM_MISSING'],
    ['a refresh token', activeAnswer({ token_type: 'refresh_token' }), 'TOKEN_USE_MISMATCH'],
    ['a Keycloak refresh token', activeAnswer({ typ: 'Refresh' }), 'TOKEN_USE_MISMATCH'],
    ['DPoP without cnf.jkt', activeAnswer({ token_type: 'DPoP' }), 'CONFIRMATION_UNSUPPORTED'],
    ['with a string exp', activeAnswer({ exp: String(nowSeconds() + 60) }), 'CLAIM_INVALID'],
  ];
  it.each(cases)('refuses a token that is %s', async (_name, body, code) => {
    server.answer = () => ({ body: JSON.parse(JSON.stringify(body)) });
    const error = await rejectionOf(verifier().verify(opaqueToken()));
    expect(error).toMatchObject({ code, status: 401, error: 'invalid_token' });
    expect(error.headers['WWW-Authenticate']).toContain('error="invalid_token"');
    expect(server.seen).toHaveLength(1);
  });
});

describe('server faults: 503 INTROSPECTION_UNAVAILABLE, never 401', () => {
  const cases: [string, ScriptedAnswer][] = [
    ['active is the string "true"', { body: { ...activeAnswer(), active: 'true' } }],
    ['active is missing', { body: { ...activeAnswer(), active: undefined } }],
    ['active is 1', { body: { ...activeAnswer(), active: 1 } }],
    [
      'the body is HTML',
      { body: '<html><body>Sign in</body></html>', headers: { 'content-type': 'text/html' } },
    ],
    ['the body is a JSON array', { body: '[{"active":true}]' }],
    ['the body is over 64 KiB', { body: activeAnswer({ padding: 'x'.repeat(70_000) }) }],
    ['the server fails', { status: 500, body: { error: 'server_error' } }],
    ['our credentials are refused', { status: 401, body: { error: 'invalid_client' } }],
    ['it redirects', { status: 302, headers: { location: 'https://evil.test/' }, body: '' }],
  ];
  it.each(cases)('answers 503 when %s', async (_name, scripted) => {
    server.answer = () => scripted;
    const error = await rejectionOf(verifier().verify(opaqueToken()));
    expect(error).toMatchObject({ code: 'INTROSPECTION_UNAVAILABLE', status: 503 });
    expect(error.headers['Retry-After']).toMatch(/^\d+$/);
    expect(JSON.stringify(error.detail) + error.description).not.toContain('p@ss');
  });

  it('passes the server’s Retry-After on, and names its OAuth error for logs', async () => {
    server.answer = () => ({
      status: 503,
      headers: { 'retry-after': '7' },
      body: { error: 'temporarily_unavailable', error_description: `echo ${SECRET}` },
    });
    const error = await rejectionOf(verifier().verify(opaqueToken()));
    expect(error.headers['Retry-After']).toBe('7');
    expect(error.detail).toMatchObject({ status: 503, error: 'temporarily_unavailable' });
    expect(JSON.stringify(error.detail)).not.toContain('echo');
  });

  it('answers within the deadline when the server hangs', async () => {
    server.answer = () => ({ body: activeAnswer(), delayMs: 3000 });
    const started = Date.now();
    const error = await rejectionOf(verifier({ timeoutMs: 200 }).verify(opaqueToken()));
    expect(error.code).toBe('INTROSPECTION_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('answers 503 when the server is down', async () => {
    const down = await startIntrospectionServer();
    await down.close();
    const built = verifierFor(down);
    verifiers.push(built);
    expect(await rejectionOf(built.verify(opaqueToken()))).toMatchObject({
      code: 'INTROSPECTION_UNAVAILABLE',
    });
  });

  it('ends requests in flight when the verifier closes', async () => {
    server.answer = () => ({ body: activeAnswer(), delayMs: 2000 });
    const built = verifierFor(server);
    const pending = rejectionOf(built.verify(opaqueToken()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await built.close();
    expect(await pending).toMatchObject({ code: 'INTROSPECTION_UNAVAILABLE' });
  });
});

describe('routing', () => {
  let jwtIssuer: TestIssuer;
  beforeAll(async () => {
    jwtIssuer = await createTestIssuer({ audience: API });
  });
  afterAll(() => jwtIssuer.close());

  function mixed(): Verifier {
    const built = createVerifier({
      issuers: [
        oidcIssuer({ issuer: jwtIssuer.issuer, audience: API }),
        introspectionIssuer(issuerOptions(server)),
      ],
    });
    verifiers.push(built);
    return built;
  }

  it('verifies JWTs of key-verified issuers locally and introspects opaque tokens', async () => {
    server.answer = () => ({ body: activeAnswer() });
    const built = mixed();
    await expect(built.verify(await jwtIssuer.accessToken())).resolves.toMatchObject({
      issuer: jwtIssuer.issuer,
    });
    expect(server.seen).toHaveLength(0);
    await expect(built.verify(opaqueToken())).resolves.toMatchObject({ issuer: ISSUER });
    expect(server.seen).toHaveLength(1);
  });

  it('introspects a JWS whose iss is the introspection issuer, whatever its signature', async () => {
    server.answer = () => ({ body: activeAnswer() });
    const jws = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ iss: ISSUER }),
    ).toString('base64url')}.c2ln`;
    await expect(mixed().verify(jws)).resolves.toMatchObject({ token: jws, issuer: ISSUER });
    expect(server.seen[0]?.form.get('token')).toBe(jws);
  });

  it('refuses opaque tokens unasked when no issuer takes them', async () => {
    const keysOnly = createVerifier({
      issuers: [oidcIssuer({ issuer: jwtIssuer.issuer, audience: API })],
    });
    verifiers.push(keysOnly);
    expect(await rejectionOf(keysOnly.verify(opaqueToken()))).toMatchObject({
      code: 'TOKEN_MALFORMED',
    });
    const declined = verifier({ opaqueTokens: false });
    expect(await rejectionOf(declined.verify(opaqueToken()))).toMatchObject({
      code: 'TOKEN_MALFORMED',
    });
    expect(server.seen).toHaveLength(0);
  });

  it('never sends a token that is not a b64token (RFC 6750 §2.1)', async () => {
    for (const token of ['has space', 'caf\u00e9', 'a\u0141b', 'tab\there', '=lead']) {
      expect(await rejectionOf(verifier().verify(token))).toMatchObject({
        code: 'TOKEN_MALFORMED',
      });
    }
    expect(server.seen).toHaveLength(0);
  });
});
