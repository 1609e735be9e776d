// DPoP-bound *opaque* tokens from oidc-provider 8.8.1 (RFC 9449 §6.2): the token says nothing
// by itself, introspection (RFC 7662) answers `token_type: "DPoP"` and `cnf.jkt`, and tokengate
// then checks the request's proof against that key, on every request, cached answers included.
// The same provider issues JWT access tokens for a second resource, which shows how far one
// gate can go with both formats from one authorization server (the last describe).
import { oidcIssuer, introspectionIssuer } from '@tokengate/express';
import { createDpopKey, type DpopKey } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenOnLoopback, type LoopbackServer } from '../support/loopback-server.js';
import { startOidcProvider, type RunningOidcProvider } from '../support/oidc-provider.js';
import { call, jwtPart, protectedApi, type ProtectedApi } from './protected-api.js';
import { requestToken, type Issued } from './token-request.js';

const OPAQUE_API = 'https://ledger.tokengate.test/';
const JWT_API = 'https://orders.tokengate.test/';
const WORKER = { id: 'worker', secret: 'worker-secret-0123456789' };
const RS = { id: 'ledger-rs', secret: 'ledger-rs-secret-0123456789' };

let op: RunningOidcProvider;
let api: ProtectedApi;
let server: LoopbackServer;
let introspections = 0;
let ledgerOptions: () => Parameters<typeof introspectionIssuer>[0];

beforeAll(async () => {
  op = await startOidcProvider({
    onRequest: (req) => {
      if (req.url?.startsWith('/token/introspection') === true) introspections += 1;
    },
    configuration: () => ({
      clients: [
        {
          client_id: WORKER.id,
          client_secret: WORKER.secret,
          grant_types: ['client_credentials'],
          redirect_uris: [],
          response_types: [],
          scope: 'ledger:read orders:read',
        },
        // The resource server: it only introspects.
        {
          client_id: RS.id,
          client_secret: RS.secret,
          grant_types: [],
          redirect_uris: [],
          response_types: [],
        },
      ],
      scopes: ['ledger:read', 'orders:read'],
      ttl: { ClientCredentials: 600 },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        introspection: {
          enabled: true,
          allowedPolicy: async (_ctx, client) => client.clientId === RS.id,
        },
        dPoP: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => OPAQUE_API,
          // The resource server's entry chooses the format: opaque for the ledger, JWT for orders.
          getResourceServerInfo: (_ctx, indicator) => ({
            scope: indicator === OPAQUE_API ? 'ledger:read' : 'orders:read',
            audience: indicator,
            accessTokenFormat: indicator === OPAQUE_API ? 'opaque' : 'jwt',
            accessTokenTTL: 600,
            ...(indicator === JWT_API && { jwt: { sign: { alg: 'RS256' } } }),
          }),
        },
      },
    }),
  });
  ledgerOptions = () => ({
    issuer: op.issuer,
    introspectionEndpoint: op.discovery.introspection_endpoint as string,
    clientId: RS.id,
    clientAuth: { method: 'client_secret_basic' as const, clientSecret: RS.secret },
  });
  const ledger = introspectionIssuer({ ...ledgerOptions(), audience: OPAQUE_API });
  api = protectedApi({
    '/ledger': { issuers: [ledger] },
    '/orders': { issuers: [oidcIssuer({ issuer: op.issuer, audience: JWT_API })] },
    '/both': {
      issuers: [introspectionIssuer({ ...ledgerOptions(), audience: [OPAQUE_API, JWT_API] })],
    },
  });
  server = await listenOnLoopback(api.app);
});

afterAll(async () => {
  await server?.close();
  await api?.close();
  await op?.close();
});

const url = (path: string) => `${server.url}${path}`;

const issue = (resource: string, dpop: DpopKey): Promise<Issued> =>
  requestToken({
    tokenEndpoint: op.tokenEndpoint,
    client: WORKER,
    resource,
    scope: resource === OPAQUE_API ? 'ledger:read' : 'orders:read',
    dpop,
  });

async function dpopCall(path: string, token: string, key: DpopKey) {
  const proof = await key.proof({ method: 'GET', url: url(path), accessToken: token });
  return call(url(path), { authorization: `DPoP ${token}`, dpop: proof });
}

describe('an opaque DPoP-bound token, read through introspection', () => {
  let key: DpopKey;
  let token: string;
  beforeAll(async () => {
    key = await createDpopKey({ alg: 'EdDSA' });
    const issued = await issue(OPAQUE_API, key);
    expect(issued.type).toBe('DPoP');
    // Not a JWS: nothing but the provider can say what it is bound to.
    expect(issued.token).toMatch(/^[\w-]{40,}$/);
    token = issued.token;
  });

  it('is accepted with its proof, bound to the key introspection names', async () => {
    const answer = await dpopCall('/ledger', token, key);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toStrictEqual({
      clientId: WORKER.id,
      scopes: ['ledger:read'],
      binding: { type: 'dpop', jkt: key.thumbprint },
    });
  });

  it('is refused as Bearer, and with a proof from another key', async () => {
    const bearer = await call(url('/ledger'), { authorization: `Bearer ${token}` });
    expect(bearer.status).toBe(401);
    expect(bearer.body.code).toBe('DPOP_SCHEME_REQUIRED');
    const stolen = await dpopCall('/ledger', token, await createDpopKey());
    expect(stolen.status).toBe(401);
    expect(stolen.body).toMatchObject({
      error: 'invalid_dpop_proof',
      code: 'DPOP_BINDING_MISMATCH',
    });
  });

  it('has every proof checked while the introspection answer is cached', async () => {
    await dpopCall('/ledger', token, key); // the answer is cached now
    const before = introspections;
    const proof = await key.proof({ method: 'GET', url: url('/ledger'), accessToken: token });
    const headers = { authorization: `DPoP ${token}`, dpop: proof };
    expect((await call(url('/ledger'), headers)).status).toBe(200);
    const replayed = await call(url('/ledger'), headers);
    expect(replayed.status).toBe(401);
    expect(replayed.body.code).toBe('DPOP_PROOF_REPLAYED');
    const withoutProof = await call(url('/ledger'), { authorization: `DPoP ${token}` });
    expect(withoutProof.status).toBe(401);
    expect(withoutProof.body.code).toBe('DPOP_PROOF_MISSING');
    expect(introspections - before).toBe(0);
  });
});

// oidc-provider stores opaque tokens only: its introspection endpoint answers `active: false`
// for the JWT access tokens it issued itself. tokengate sends a JWS whose `iss` is an
// introspection issuer to that endpoint (docs/introspection.md, "Routing"), and an issuer may
// not be both introspected and key-verified: with this provider, each resource's route trusts
// the provider the way that resource's tokens are issued.
describe('a provider issuing JWTs for one resource and opaque tokens for another', () => {
  let key: DpopKey;
  let jwt: string;
  let opaque: string;
  beforeAll(async () => {
    key = await createDpopKey();
    ({ token: jwt } = await issue(JWT_API, key));
    ({ token: opaque } = await issue(OPAQUE_API, key));
    expect(jwtPart(jwt, 1)).toMatchObject({ aud: JWT_API, cnf: { jkt: key.thumbprint } });
  });

  it('has each verified the way it was issued: by keys, and by introspection', async () => {
    const before = introspections;
    const byKeys = await dpopCall('/orders', jwt, key);
    expect(byKeys.status, JSON.stringify(byKeys.body)).toBe(200);
    expect(byKeys.body).toMatchObject({ scopes: ['orders:read'], binding: { type: 'dpop' } });
    expect(introspections - before).toBe(0);
    const byIntrospection = await dpopCall('/both', opaque, key);
    expect(byIntrospection.status, JSON.stringify(byIntrospection.body)).toBe(200);
    expect(byIntrospection.body).toMatchObject({
      scopes: ['ledger:read'],
      binding: { type: 'dpop', jkt: key.thumbprint },
    });
  });

  it('fails closed on a JWT sent to the introspection issuer: the provider calls it inactive', async () => {
    const answer = await dpopCall('/both', jwt, key);
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('TOKEN_INACTIVE');
  });

  it('refuses, at build time, a gate that would verify the issuer both ways', () => {
    const both = {
      issuers: [
        introspectionIssuer({ ...ledgerOptions(), audience: OPAQUE_API }),
        oidcIssuer({ issuer: op.issuer, audience: JWT_API }),
      ],
    };
    expect(() => protectedApi({ '/x': both })).toThrow(TypeError);
  });
});
