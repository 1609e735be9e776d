// RFC 9701 signed introspection answers: accepted when signed by the issuer's key for this
// client, and a 503 (never a verdict on the token) when forged, downgraded or misaddressed.
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { createVerifier, introspectionIssuer, type Verifier } from '@tokengate/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf } from '../helpers.js';
import { API, CLIENT_ID, SECRET, activeAnswer, nowSeconds, opaqueToken } from './fixtures.js';
import { startIntrospectionServer, type IntrospectionServer } from './introspection-server.js';

const JWT_TYPE = 'application/token-introspection+jwt';

let server: IntrospectionServer;
let authority: TestIssuer;
let forger: TestIssuer;
const verifiers: Verifier[] = [];

beforeAll(async () => {
  server = await startIntrospectionServer();
  authority = await createTestIssuer();
  forger = await createTestIssuer();
});
afterAll(async () => {
  await Promise.all([server.close(), authority.close(), forger.close()]);
});
afterEach(async () => {
  server.seen.length = 0;
  await Promise.all(verifiers.splice(0).map((verifier) => verifier.close()));
});

function verifier(overrides: Record<string, unknown> = {}): Verifier {
  const built = createVerifier({
    issuers: [
      introspectionIssuer({
        issuer: authority.issuer,
        introspectionEndpoint: server.url,
        clientId: CLIENT_ID,
        clientAuth: { method: 'client_secret_basic', clientSecret: SECRET },
        audience: API,
        jwtResponse: true,
        jwksUri: authority.jwksUri,
        ...overrides,
      }),
    ],
  });
  verifiers.push(built);
  return built;
}

/** The RFC 9701 §5 claims of an answer about an active token. */
function answerClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: authority.issuer,
    aud: CLIENT_ID,
    iat: nowSeconds(),
    token_introspection: activeAnswer({ iss: authority.issuer }),
    ...overrides,
  };
}

async function signedBy(
  issuer: TestIssuer,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  return issuer.sign(claims, { header: { typ: 'token-introspection+jwt', ...header } });
}

function answerWith(jwt: string, contentType = `${JWT_TYPE}; charset=utf-8`): void {
  server.answer = () => ({ headers: { 'content-type': contentType }, body: jwt });
}

describe('JWT introspection answers (RFC 9701)', () => {
  it('asks for one, and accepts it signed by the issuer for this client', async () => {
    answerWith(await signedBy(authority, answerClaims()));
    const result = await verifier().verify(opaqueToken());
    expect(server.seen[0]?.headers.accept).toBe(JWT_TYPE);
    expect(result.header).toMatchObject({
      typ: 'token-introspection+jwt',
      kid: authority.currentKid,
    });
    expect(result).toMatchObject({ issuer: authority.issuer, subject: 'user-1' });
    expect(result.claims.active).toBe(true);
  });

  it('reads keys from discovery when no jwksUri is given', async () => {
    answerWith(await signedBy(authority, answerClaims()));
    await expect(verifier({ jwksUri: undefined }).verify(opaqueToken())).resolves.toMatchObject({
      subject: 'user-1',
    });
  });

  it('verifies with keys given up front, fetching none', async () => {
    answerWith(await signedBy(authority, answerClaims()));
    authority.resetStats();
    const built = verifier({ jwksUri: undefined, jwks: authority.jwks() });
    await expect(built.verify(opaqueToken())).resolves.toMatchObject({ subject: 'user-1' });
    expect(authority.stats).toMatchObject({ jwksRequests: 0, discoveryRequests: 0 });
  });

  it('answers 503 within timeoutMs while the key set hangs', async () => {
    answerWith(await signedBy(authority, answerClaims()));
    await authority.outage('hang');
    try {
      const started = Date.now();
      const error = await rejectionOf(verifier({ timeoutMs: 300 }).verify(opaqueToken()));
      expect(error).toMatchObject({ code: 'INTROSPECTION_UNAVAILABLE', status: 503 });
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      await authority.recover();
    }
  });

  it('refuses an inactive token as the token’s fault', async () => {
    answerWith(await signedBy(authority, answerClaims({ token_introspection: { active: false } })));
    expect(await rejectionOf(verifier().verify(opaqueToken()))).toMatchObject({
      code: 'TOKEN_INACTIVE',
      status: 401,
    });
  });

  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const faults: [string, () => Promise<[string, string?]>, string][] = [
    [
      'signed by another key under the issuer’s kid',
      async () => [await signedBy(forger, answerClaims(), { kid: authority.currentKid })],
      'signature is invalid',
    ],
    [
      'downgraded to plain JSON',
      async () => [JSON.stringify(activeAnswer()), 'application/json'],
      'not a JWT',
    ],
    [
      'some other JWT of the issuer (typ JWT)',
      async () => [await authority.sign(answerClaims(), { header: { typ: 'JWT' } })],
      'typ',
    ],
    [
      'for another client',
      async () => [await signedBy(authority, answerClaims({ aud: 'other' }))],
      'aud',
    ],
    [
      'from another issuer',
      async () => [await signedBy(authority, answerClaims({ iss: 'https://other.test' }))],
      'iss is not',
    ],
    [
      'replayed from ten minutes ago',
      async () => [await signedBy(authority, answerClaims({ iat: nowSeconds() - 600 }))],
      'iat',
    ],
    [
      'without token_introspection',
      async () => [await signedBy(authority, answerClaims({ token_introspection: undefined }))],
      'token_introspection',
    ],
    [
      'unsigned (alg none)',
      async () => [
        `${part({ alg: 'none', typ: 'token-introspection+jwt' })}.${part(answerClaims())}.c2ln`,
      ],
      'alg',
    ],
    ['not a JWS at all', async () => ['not-a-jwt'], 'compact JWS'],
  ];
  it.each(faults)('answers 503 for an answer %s', async (_name, make, reason) => {
    const [jwt, contentType] = await make();
    answerWith(jwt, contentType);
    const error = await rejectionOf(verifier().verify(opaqueToken()));
    expect(error).toMatchObject({ code: 'INTROSPECTION_UNAVAILABLE', status: 503 });
    expect(error.detail.reason).toContain(reason);
  });
});
