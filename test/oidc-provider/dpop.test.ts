// DPoP end to end (RFC 9449) with a real authorization server: oidc-provider 8.8.1 validates
// the client's proof at its token endpoint, demands a server nonce (§8) and issues RFC 9068 JWT
// access tokens carrying `cnf.jkt` (§6.1) for an RFC 8707 resource; an Express app with
// tokengate checks the proof of every request against that binding. Opaque DPoP-bound tokens,
// read through introspection (§6.2), are in dpop-introspection.test.ts.
import { randomBytes } from 'node:crypto';
import { oidcIssuer } from '@tokengate/express';
import { createDpopKey, type DpopKey } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenOnLoopback, type LoopbackServer } from '../support/loopback-server.js';
import { startOidcProvider, type RunningOidcProvider } from '../support/oidc-provider.js';
import { call, jwtPart, protectedApi, type ProtectedApi, type Verified } from './protected-api.js';
import { requestToken, type Issued } from './token-request.js';

const API = 'https://orders.tokengate.test/';
const WORKER = { id: 'worker', secret: 'worker-secret-0123456789' };

let op: RunningOidcProvider;
let api: ProtectedApi;
let server: LoopbackServer;

beforeAll(async () => {
  op = await startOidcProvider({
    configuration: () => ({
      clients: [
        {
          client_id: WORKER.id,
          client_secret: WORKER.secret,
          grant_types: ['client_credentials'],
          redirect_uris: [],
          response_types: [],
          scope: 'orders:read',
        },
      ],
      scopes: ['orders:read'],
      ttl: { ClientCredentials: 600 },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        // Every proof at the token endpoint must carry the provider's nonce (RFC 9449 §8).
        dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => API,
          getResourceServerInfo: () => ({
            scope: 'orders:read',
            audience: API,
            accessTokenFormat: 'jwt',
            accessTokenTTL: 600,
            jwt: { sign: { alg: 'RS256' } },
          }),
        },
      },
    }),
  });
  const issuers = [oidcIssuer({ issuer: op.issuer, audience: API })];
  api = protectedApi({
    '/allowed': { issuers },
    '/required': { issuers, dpop: 'required' },
    // The resource server's own nonces, independent of the provider's (RFC 9449 §9).
    '/nonce': { issuers, dpop: { mode: 'required', nonce: {} } },
  });
  server = await listenOnLoopback(api.app);
});

afterAll(async () => {
  await server?.close();
  await api?.close();
  await op?.close();
});

/** A client_credentials token for the API, DPoP-bound when a key is given. */
const issue = (dpop?: DpopKey): Promise<Issued> =>
  requestToken({
    tokenEndpoint: op.tokenEndpoint,
    client: WORKER,
    resource: API,
    scope: 'orders:read',
    ...(dpop && { dpop }),
  });

const url = (path: string) => `${server.url}${path}`;

async function dpopCall(path: string, token: string, key: DpopKey, nonce?: string) {
  const proof = await key.proof({
    method: 'GET',
    url: url(path),
    accessToken: token,
    ...(nonce && { nonce }),
  });
  return call(url(path), { authorization: `DPoP ${token}`, dpop: proof });
}

describe('oidc-provider issues DPoP-bound JWT access tokens', () => {
  it('after a use_dpop_nonce round trip, with cnf.jkt the proof key’s thumbprint', async () => {
    const key = await createDpopKey();
    const { token, type, nonceRetries } = await issue(key);
    expect(nonceRetries).toBe(1);
    expect(type).toBe('DPoP');
    expect(jwtPart(token, 0)).toMatchObject({ typ: 'at+jwt', alg: 'RS256' });
    expect(jwtPart(token, 1)).toMatchObject({
      iss: op.issuer,
      aud: API,
      client_id: WORKER.id,
      cnf: { jkt: key.thumbprint },
    });
  });

  it('refuses a token request whose proof is signed by another key than its jwk', async () => {
    const key = await createDpopKey();
    const answer = await fetch(op.tokenEndpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${WORKER.id}:${WORKER.secret}`).toString('base64')}`,
        dpop: await key.proof({
          method: 'POST',
          url: op.tokenEndpoint,
          signWith: await createDpopKey(),
        }),
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: API }).toString(),
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: 'invalid_dpop_proof' });
  });
});

describe('tokengate accepts them with their proof only', () => {
  let key: DpopKey;
  let token: string;
  beforeAll(async () => {
    key = await createDpopKey();
    ({ token } = await issue(key));
  });

  it.each(['/allowed', '/required'])('%s: DPoP with a proof → 200, bound by dpop', async (path) => {
    const answer = await dpopCall(path, token, key);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toStrictEqual({
      clientId: WORKER.id,
      scopes: ['orders:read'],
      binding: { type: 'dpop', jkt: key.thumbprint },
    } satisfies Verified);
  });

  it('refuses the same token sent as Bearer: no downgrade (RFC 9449 §7.1)', async () => {
    const answer = await call(url('/allowed'), { authorization: `Bearer ${token}` });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('DPOP_SCHEME_REQUIRED');
    expect(answer.challenge).toMatch(/DPoP algs="[^"]+"/);
  });

  it('refuses a proof from another key (RFC 9449 §6.1: cnf.jkt)', async () => {
    const answer = await dpopCall('/allowed', token, await createDpopKey());
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({
      error: 'invalid_dpop_proof',
      code: 'DPOP_BINDING_MISMATCH',
    });
    expect(answer.challenge).toContain('DPoP error="invalid_dpop_proof"');
  });

  // Functions: `token` is only known once beforeAll has run.
  it.each([
    ['the ath of another token', () => ({ accessToken: `${token}x` }), 'DPOP_ATH_MISMATCH'],
    ['another method', () => ({ method: 'POST' }), 'DPOP_METHOD_MISMATCH'],
    ['another origin', () => ({ url: 'http://127.0.0.1:1/allowed' }), 'DPOP_URL_MISMATCH'],
  ] as const)('refuses a proof with %s', async (_name, override, code) => {
    const proof = await key.proof({
      method: 'GET',
      url: url('/allowed'),
      accessToken: token,
      ...override(),
    });
    const answer = await call(url('/allowed'), { authorization: `DPoP ${token}`, dpop: proof });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: 'invalid_dpop_proof', code });
  });

  it('accepts a proof once (RFC 9449 §11.1)', async () => {
    const proof = await key.proof({ method: 'GET', url: url('/allowed'), accessToken: token });
    const headers = { authorization: `DPoP ${token}`, dpop: proof };
    expect((await call(url('/allowed'), headers)).status).toBe(200);
    const replayed = await call(url('/allowed'), headers);
    expect(replayed.status).toBe(401);
    expect(replayed.body).toMatchObject({
      error: 'invalid_dpop_proof',
      code: 'DPOP_PROOF_REPLAYED',
    });
  });

  it('asks for its own nonce, then accepts the proof carrying it (RFC 9449 §9)', async () => {
    const first = await dpopCall('/nonce', token, key);
    expect(first.status).toBe(401);
    expect(first.body).toMatchObject({ error: 'use_dpop_nonce', code: 'DPOP_NONCE_REQUIRED' });
    const nonce = first.headers.get('dpop-nonce');
    expect(nonce).toMatch(/^[\w-]+$/);
    const second = await dpopCall('/nonce', token, key, nonce!);
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.headers.get('dpop-nonce')).toBe(nonce);
  });
});

describe('a plain bearer token from the same provider', () => {
  let token: string;
  beforeAll(async () => {
    const issued = await issue();
    expect(issued.type).toBe('Bearer');
    expect(jwtPart(issued.token, 1).cnf).toBeUndefined();
    token = issued.token;
  });

  it('is a bearer token where DPoP is allowed', async () => {
    const answer = await call(url('/allowed'), { authorization: `Bearer ${token}` });
    expect(answer.status).toBe(200);
    expect(answer.body.binding).toStrictEqual({ type: 'bearer' });
  });

  it('is refused where DPoP is required (RFC 9449 §7.2), with a DPoP challenge only', async () => {
    const answer = await call(url('/required'), { authorization: `Bearer ${token}` });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('DPOP_SCHEME_REQUIRED');
    expect(answer.challenge).toMatch(/^DPoP /);
    expect(answer.challenge).not.toContain('Bearer');
  });

  it('is refused with the DPoP scheme, even with a valid proof: it names no key', async () => {
    const answer = await dpopCall('/required', token, await createDpopKey());
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('DPOP_SCHEME_UNBOUND');
  });
});
