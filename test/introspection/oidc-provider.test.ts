// Opaque access tokens from a real authorization server, oidc-provider 8.8.1 (RFC 7662
// introspection, RFC 9701 JWT answers, RFC 8707 resource indicators, RFC 9449 DPoP, RFC 7009
// revocation), verified through createVerifier and createGate with each client authentication.
import { generateKeyPairSync } from 'node:crypto';
import {
  allScopes,
  createClientCredentialsSource,
  createGate,
  createVerifier,
  introspectionIssuer,
  isTokengateError,
  type IntrospectionClientAuth,
  type TokengateError,
  type Verifier,
} from '@tokengate/core';
import { createDpopKey } from '@tokengate/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startOidcProvider, type RunningOidcProvider } from '../support/oidc-provider.js';

const API = 'https://api.tokengate.test/';
const SECRET = 'introspection p@ss:word+%';
const WORKER_SECRET = 'worker-secret-0123456789';

const rsKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsPublicJwk = { ...rsKey.publicKey.export({ format: 'jwk' }), kid: 'rs-jwt-1', use: 'sig' };

let issuer = '';
let endpoints: { token: string; introspection: string; revocation: string; jwks: string };
let introspections = 0;
let op: RunningOidcProvider;
const verifiers: Verifier[] = [];

beforeAll(async () => {
  const resourceServer = { redirect_uris: [], response_types: [], grant_types: [] };
  op = await startOidcProvider({
    onRequest: (req) => {
      if (req.url?.startsWith('/token/introspection') === true) introspections += 1;
    },
    configuration: () => ({
      clients: [
        {
          client_id: 'worker',
          client_secret: WORKER_SECRET,
          grant_types: ['client_credentials'],
          redirect_uris: [],
          response_types: [],
          scope: 'api:read api:write',
        },
        { ...resourceServer, client_id: 'rs-basic', client_secret: SECRET },
        {
          ...resourceServer,
          client_id: 'rs-post',
          client_secret: SECRET,
          token_endpoint_auth_method: 'client_secret_post',
        },
        {
          ...resourceServer,
          client_id: 'rs-jwt',
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [rsPublicJwk] },
        },
        {
          ...resourceServer,
          client_id: 'rs-signed',
          client_secret: SECRET,
          introspection_signed_response_alg: 'RS256',
        },
      ],
      scopes: ['api:read', 'api:write'],
      ttl: { ClientCredentials: 600 },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        // Only the resource servers may introspect (the default lets any authenticated client).
        introspection: {
          enabled: true,
          allowedPolicy: async (_ctx, client) => client.clientId.startsWith('rs-'),
        },
        jwtIntrospection: { enabled: true },
        revocation: { enabled: true },
        dPoP: { enabled: true },
        // With a resource indicator, the resource server's settings choose the token format:
        // opaque here, so only introspection can tell what the token is.
        resourceIndicators: {
          enabled: true,
          defaultResource: () => API,
          getResourceServerInfo: () => ({
            scope: 'api:read api:write',
            audience: API,
            accessTokenFormat: 'opaque',
            accessTokenTTL: 600,
          }),
        },
      },
    }),
  });
  issuer = op.issuer;
  const { discovery } = op;
  endpoints = {
    token: discovery.token_endpoint as string,
    introspection: discovery.introspection_endpoint as string,
    revocation: discovery.revocation_endpoint as string,
    jwks: discovery.jwks_uri as string,
  };
});
afterAll(() => op?.close());
afterEach(async () => {
  await Promise.all(verifiers.splice(0).map((verifier) => verifier.close()));
});

/** A fresh opaque access token for the API, from the client credentials grant. */
function workerToken(scopes: string[] = ['api:read']): Promise<string> {
  return createClientCredentialsSource({
    tokenEndpoint: endpoints.token,
    clientId: 'worker',
    clientSecret: WORKER_SECRET,
    scopes,
    resource: API,
  }).getToken();
}

function verifierAs(clientId: string, clientAuth: IntrospectionClientAuth, extra = {}): Verifier {
  const verifier = createVerifier({
    issuers: [
      introspectionIssuer({
        issuer,
        introspectionEndpoint: endpoints.introspection,
        clientId,
        clientAuth,
        audience: API,
        ...extra,
      }),
    ],
  });
  verifiers.push(verifier);
  return verifier;
}

async function rejectionOf(promise: Promise<unknown>): Promise<TokengateError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(isTokengateError(error), String(error)).toBe(true);
  return error as TokengateError;
}

const basic = (): Verifier =>
  verifierAs('rs-basic', { method: 'client_secret_basic', clientSecret: SECRET });

describe('opaque tokens from oidc-provider', () => {
  it('are opaque: not a JWS', async () => {
    expect(await workerToken()).toMatch(/^[\w-]{40,}$/);
  });

  const clients: [string, () => Verifier][] = [
    ['client_secret_basic', basic],
    [
      'client_secret_post',
      () => verifierAs('rs-post', { method: 'client_secret_post', clientSecret: SECRET }),
    ],
    [
      'private_key_jwt',
      () =>
        verifierAs('rs-jwt', {
          method: 'private_key_jwt',
          privateKey: { ...rsKey.privateKey.export({ format: 'jwk' }), kid: 'rs-jwt-1' } as never,
        }),
    ],
    [
      'a signed JWT answer (RFC 9701)',
      () =>
        verifierAs(
          'rs-signed',
          { method: 'client_secret_basic', clientSecret: SECRET },
          { jwtResponse: true },
        ),
    ],
  ];
  it.each(clients)('verify with %s', async (_name, build) => {
    const token = await workerToken(['api:read', 'api:write']);
    const result = await build().verify(token);
    expect(result).toMatchObject({
      token,
      issuer,
      clientId: 'worker',
      tokenUse: 'access',
      scopes: ['api:read', 'api:write'],
      binding: { type: 'bearer' },
    });
    expect(result.claims).toMatchObject({ active: true, aud: API, token_type: 'Bearer' });
  });

  it('reads the keys of JWT answers through discovery', async () => {
    const verifier = verifierAs(
      'rs-signed',
      { method: 'client_secret_basic', clientSecret: SECRET },
      { jwtResponse: true },
    );
    const result = await verifier.verify(await workerToken());
    expect(result.header).toMatchObject({ typ: 'token-introspection+jwt', kid: 'op-1' });
  });

  it('answers 503 when the server refuses our credentials, never 401', async () => {
    const wrong = verifierAs('rs-basic', { method: 'client_secret_basic', clientSecret: 'nope' });
    const error = await rejectionOf(wrong.verify(await workerToken()));
    expect(error).toMatchObject({ code: 'INTROSPECTION_UNAVAILABLE', status: 503 });
    expect(error.detail).toMatchObject({ status: 401, error: 'invalid_client' });
  });

  it('refuses a token the server does not know, and one revoked there once the cache lets go', async () => {
    const verifier = verifierAs(
      'rs-basic',
      { method: 'client_secret_basic', clientSecret: SECRET },
      { cache: { maxTtlMs: 100 } },
    );
    expect(await rejectionOf(verifier.verify('x'.repeat(43)))).toMatchObject({
      code: 'TOKEN_INACTIVE',
      status: 401,
    });
    const token = await workerToken();
    await verifier.verify(token);
    // RFC 7009: the worker revokes its own token.
    const revoked = await fetch(endpoints.revocation, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`worker:${WORKER_SECRET}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(revoked.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await rejectionOf(verifier.verify(token))).toMatchObject({ code: 'TOKEN_INACTIVE' });
  });

  it('refuses a token issued for another resource', async () => {
    const verifier = verifierAs(
      'rs-basic',
      { method: 'client_secret_basic', clientSecret: SECRET },
      { audience: 'https://other-api.tokengate.test/' },
    );
    expect(await rejectionOf(verifier.verify(await workerToken()))).toMatchObject({
      code: 'AUDIENCE_MISMATCH',
    });
  });

  it('introspects each token once while the answer is cached, concurrent requests included', async () => {
    const verifier = basic();
    const token = await workerToken();
    const before = introspections;
    await Promise.all(Array.from({ length: 10 }, () => verifier.verify(token)));
    await verifier.verify(token);
    expect(introspections - before).toBe(1);
  });

  it('reads a DPoP-bound token’s binding (RFC 9449 §6.2): cnf.jkt, token_type DPoP', async () => {
    const key = await createDpopKey();
    const answer = await fetch(endpoints.token, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`worker:${WORKER_SECRET}`).toString('base64')}`,
        dpop: await key.proof({ method: 'POST', url: endpoints.token }),
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: API }).toString(),
    });
    const { access_token: token, token_type: type } = (await answer.json()) as Record<
      string,
      string
    >;
    expect(type).toBe('DPoP');
    const verifier = basic();
    // Fail closed for direct callers: a bound token needs its proof checked by the caller.
    expect(await rejectionOf(verifier.verify(token!))).toMatchObject({
      code: 'TOKEN_BINDING_UNCHECKED',
    });
    const result = await verifier.verify(token!, undefined, { allowBoundTokens: true });
    expect(result.binding).toStrictEqual({ type: 'dpop', jkt: key.thumbprint });
    expect(result.claims).toMatchObject({ token_type: 'DPoP', cnf: { jkt: key.thumbprint } });
  });
});

describe('through createGate', () => {
  it('authenticates a Bearer opaque token and authorizes its scopes', async () => {
    const gate = createGate({
      issuers: [
        introspectionIssuer({
          issuer,
          introspectionEndpoint: endpoints.introspection,
          clientId: 'rs-basic',
          clientAuth: { method: 'client_secret_basic', clientSecret: SECRET },
          audience: API,
        }),
      ],
    });
    try {
      const token = await workerToken(['api:read']);
      const auth = await gate.authenticate({ rawHeaders: ['Authorization', `Bearer ${token}`] });
      expect(auth).toMatchObject({ clientId: 'worker', scopes: ['api:read'] });
      expect(() => gate.authorize(auth, allScopes('api:read'))).not.toThrow();
      const denied = (() => {
        try {
          gate.authorize(auth, allScopes('api:write'));
        } catch (error) {
          return error as TokengateError;
        }
        return undefined;
      })();
      expect(denied).toMatchObject({ code: 'SCOPE_INSUFFICIENT', status: 403 });
      const inactive = await rejectionOf(
        gate.authenticate({ rawHeaders: ['Authorization', `Bearer ${'y'.repeat(43)}`] }),
      );
      expect(inactive).toMatchObject({ code: 'TOKEN_INACTIVE', status: 401 });
      expect(inactive.headers['WWW-Authenticate']).toContain('error="invalid_token"');
    } finally {
      await gate.close();
    }
  });
});
