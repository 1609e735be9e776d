// Certificate-bound *opaque* tokens from oidc-provider 8.8.1: the token says nothing by itself,
// introspection (RFC 7662) answers `cnf["x5t#S256"]` (RFC 8705 §3.2), and tokengate checks it
// against the client certificate of the resource server's own TLS connection, on every request,
// cached answers included. The provider reads the client's certificate from its TLS listener.
import { introspectionIssuer } from '@tokengate/express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectionCertificate,
  startOidcProvider,
  type RunningOidcProvider,
} from '../support/oidc-provider.js';
import { certificateThumbprintOf } from '../support/x509.js';
import { protectedApi, type ProtectedApi } from './protected-api.js';
import { identity, listenOnTls, tlsRequest, type TlsServer } from './tls-identity.js';

const API = 'https://payouts.tokengate.test/';
const BATCH = { id: 'batch', secret: 'batch-secret-0123456789' };
const RS = { id: 'payouts-rs', secret: 'payouts-rs-secret-0123456789' };

const ca = identity('test CA', { ca: true });
const tls = identity('127.0.0.1', { issuer: ca, hosts: ['127.0.0.1'] });
const alice = identity('batch client');
const mallory = identity('someone else');

let op: RunningOidcProvider;
let api: ProtectedApi;
let rs: TlsServer;
let introspections = 0;

beforeAll(async () => {
  op = await startOidcProvider({
    tls: { key: tls.key, cert: tls.cert },
    onRequest: (req) => {
      if (req.url?.startsWith('/token/introspection') === true) introspections += 1;
    },
    configuration: () => ({
      clients: [
        {
          client_id: BATCH.id,
          client_secret: BATCH.secret,
          tls_client_certificate_bound_access_tokens: true,
          grant_types: ['client_credentials'],
          redirect_uris: [],
          response_types: [],
          scope: 'payouts:write',
        },
        {
          client_id: RS.id,
          client_secret: RS.secret,
          grant_types: [],
          redirect_uris: [],
          response_types: [],
        },
      ],
      scopes: ['payouts:write'],
      ttl: { ClientCredentials: 600 },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        introspection: {
          enabled: true,
          allowedPolicy: async (_ctx, client) => client.clientId === RS.id,
        },
        mTLS: {
          enabled: true,
          certificateBoundAccessTokens: true,
          getCertificate: connectionCertificate,
        },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => API,
          getResourceServerInfo: () => ({
            scope: 'payouts:write',
            audience: API,
            accessTokenFormat: 'opaque',
            accessTokenTTL: 600,
          }),
        },
      },
    }),
  });
  api = protectedApi({
    '/payouts': {
      issuers: [
        introspectionIssuer({
          issuer: op.issuer,
          introspectionEndpoint: op.discovery.introspection_endpoint as string,
          clientId: RS.id,
          clientAuth: { method: 'client_secret_basic', clientSecret: RS.secret },
          audience: API,
        }),
      ],
    },
  });
  rs = await listenOnTls(api.app, tls);
});

afterAll(async () => {
  await rs?.close();
  await api?.close();
  await op?.close();
});

describe('an opaque certificate-bound token, read through introspection', () => {
  let token: string;
  beforeAll(async () => {
    const answer = await tlsRequest(`${op.tlsOrigin!}${new URL(op.tokenEndpoint).pathname}`, {
      ca: ca.cert,
      identity: alice,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${BATCH.id}:${BATCH.secret}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'payouts:write',
      }).toString(),
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    token = answer.body.access_token as string;
    // Not a JWS: only the provider knows what it is bound to.
    expect(token).toMatch(/^[\w-]{40,}$/);
  });

  const call = (who?: typeof alice) =>
    tlsRequest(`${rs.origin}/payouts`, {
      ca: ca.cert,
      headers: { authorization: `Bearer ${token}` },
      ...(who && { identity: who }),
    });

  it('is accepted over a connection with the certificate introspection names', async () => {
    const answer = await call(alice);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toStrictEqual({
      clientId: BATCH.id,
      scopes: ['payouts:write'],
      binding: { type: 'mtls', x5tS256: certificateThumbprintOf(alice.der) },
    });
  });

  it('is refused with another certificate and without one, from the cached answer too', async () => {
    await call(alice); // the introspection answer is cached now
    const before = introspections;
    const stolen = await call(mallory);
    expect(stolen.status).toBe(401);
    expect(stolen.body.code).toBe('CERTIFICATE_BINDING_MISMATCH');
    const none = await call();
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('CERTIFICATE_MISSING');
    expect((await call(alice)).status).toBe(200);
    expect(introspections - before).toBe(0);
  });
});
