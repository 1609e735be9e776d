// Certificate-bound access tokens end to end (RFC 8705) with a real authorization server.
// oidc-provider 8.8.1 listens on a second, TLS port that asks for client certificates, and reads
// the certificate of each connection there through `features.mTLS.getCertificate` (the socket,
// not a header: the test client really presents it in the handshake). Clients authenticate with
// a self-signed certificate (§2.2) or a secret, and get JWT access tokens carrying
// `cnf["x5t#S256"]` (§3.1). A `node:https` resource server checks the binding against its own
// TLS connection; a plain-HTTP one behind a (simulated) Envoy reads it from XFCC.
import { oidcIssuer } from '@tokengate/express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenOnLoopback, type LoopbackServer } from '../support/loopback-server.js';
import {
  connectionCertificate,
  startOidcProvider,
  type RunningOidcProvider,
} from '../support/oidc-provider.js';
import { certificateThumbprintOf } from '../support/x509.js';
import { jwtPart, protectedApi, type ProtectedApi, type Verified } from './protected-api.js';
import {
  identity,
  listenOnTls,
  tlsRequest,
  type Identity,
  type TlsServer,
} from './tls-identity.js';

const API = 'https://payments.tokengate.test/';
const BATCH = { id: 'batch', secret: 'batch-secret-0123456789' };

// The servers' certificate comes from a test CA the clients trust; the clients' are self-signed.
const ca = identity('test CA', { ca: true });
const tls = identity('127.0.0.1', { issuer: ca, hosts: ['127.0.0.1'] });
const alice = identity('payments client');
const mallory = identity('someone else');

let op: RunningOidcProvider;
let tokenPath: string;
let api: ProtectedApi;
let rs: TlsServer;
let proxied: LoopbackServer;

beforeAll(async () => {
  op = await startOidcProvider({
    tls: { key: tls.key, cert: tls.cert },
    configuration: () => ({
      clientAuthMethods: ['client_secret_basic', 'self_signed_tls_client_auth'],
      clients: [
        {
          // RFC 8705 §2.2: the client is its certificate, registered in its JWKS's x5c.
          client_id: 'payments',
          token_endpoint_auth_method: 'self_signed_tls_client_auth',
          jwks: {
            keys: [
              { ...alice.publicKey.export({ format: 'jwk' }), x5c: [alice.der.toString('base64')] },
            ],
          },
          tls_client_certificate_bound_access_tokens: true,
          grant_types: ['client_credentials'],
          redirect_uris: [],
          response_types: [],
          scope: 'payments:write',
        },
        {
          // A secret authenticates, the connection's certificate binds (§3).
          client_id: BATCH.id,
          client_secret: BATCH.secret,
          tls_client_certificate_bound_access_tokens: true,
          grant_types: ['client_credentials'],
          redirect_uris: [],
          response_types: [],
          scope: 'payments:write',
        },
      ],
      scopes: ['payments:write'],
      ttl: { ClientCredentials: 600 },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        mTLS: {
          enabled: true,
          certificateBoundAccessTokens: true,
          selfSignedTlsClientAuth: true,
          getCertificate: connectionCertificate,
        },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => API,
          getResourceServerInfo: () => ({
            scope: 'payments:write',
            audience: API,
            accessTokenFormat: 'jwt',
            accessTokenTTL: 600,
            jwt: { sign: { alg: 'RS256' } },
          }),
        },
      },
    }),
  });
  tokenPath = new URL(op.tokenEndpoint).pathname;
  const issuers = [oidcIssuer({ issuer: op.issuer, audience: API })];
  api = protectedApi({
    // The default source: the TLS socket, on the https server.
    '/payments': { issuers },
    // Behind Envoy: its XFCC header, named explicitly.
    '/envoy': {
      issuers,
      clientCertificate: { header: 'x-forwarded-client-cert', format: 'envoy-xfcc' },
    },
  });
  rs = await listenOnTls(api.app, tls);
  proxied = await listenOnLoopback(api.app);
});

afterAll(async () => {
  await proxied?.close();
  await rs?.close();
  await api?.close();
  await op?.close();
});

/** client_credentials at the provider's TLS listener, presenting `identity`'s certificate. */
function tokenRequest(identity: Identity | undefined, clientId: string, secret?: string) {
  return tlsRequest(`${op.tlsOrigin!}${tokenPath}`, {
    ca: ca.cert,
    ...(identity && { identity }),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(secret && {
        authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      }),
    },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      resource: API,
      scope: 'payments:write',
      ...(secret === undefined && { client_id: clientId }),
    }).toString(),
  });
}

async function aliceToken(clientId: 'payments' | 'batch'): Promise<string> {
  const answer = await tokenRequest(
    alice,
    clientId,
    clientId === 'batch' ? BATCH.secret : undefined,
  );
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  expect(answer.body.token_type).toBe('Bearer');
  return answer.body.access_token as string;
}

const bound = (): Verified['binding'] => ({
  type: 'mtls',
  x5tS256: certificateThumbprintOf(alice.der),
});

describe('oidc-provider issues certificate-bound JWT access tokens', () => {
  it.each(['payments', 'batch'] as const)(
    'to %s, with cnf["x5t#S256"] of its certificate',
    async (client) => {
      const claims = jwtPart(await aliceToken(client), 1);
      expect(claims).toMatchObject({ iss: op.issuer, aud: API, client_id: client });
      expect(claims.cnf).toStrictEqual({ 'x5t#S256': certificateThumbprintOf(alice.der) });
    },
  );

  it('refuses a token request without the certificate', async () => {
    expect((await tokenRequest(undefined, 'payments')).body.error).toBe('invalid_client');
    expect((await tokenRequest(mallory, 'payments')).body.error).toBe('invalid_client');
    expect((await tokenRequest(undefined, BATCH.id, BATCH.secret)).body.error).toBe(
      'invalid_grant',
    );
  });
});

describe('tokengate on a node:https server checks the connection’s certificate', () => {
  let token: string;
  beforeAll(async () => {
    token = await aliceToken('payments');
  });
  const call = (identity?: Identity) =>
    tlsRequest(`${rs.origin}/payments`, {
      ca: ca.cert,
      headers: { authorization: `Bearer ${token}` },
      ...(identity && { identity }),
    });

  it('accepts the token over a connection with the same certificate', async () => {
    const answer = await call(alice);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toStrictEqual({
      clientId: 'payments',
      scopes: ['payments:write'],
      binding: bound(),
    } satisfies Verified);
  });

  it('refuses it with another certificate, and without one (RFC 8705 §3)', async () => {
    expect((await call(mallory)).body).toMatchObject({
      error: 'invalid_token',
      code: 'CERTIFICATE_BINDING_MISMATCH',
    });
    expect((await call(mallory)).status).toBe(401);
    const none = await call();
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ error: 'invalid_token', code: 'CERTIFICATE_MISSING' });
  });
});

describe('tokengate behind Envoy reads the certificate from the XFCC header it was told of', () => {
  let token: string;
  beforeAll(async () => {
    token = await aliceToken('batch');
  });
  // What Envoy's `set_current_client_cert_details: { cert: true }` writes: Cert is URL-encoded PEM.
  const xfcc = (who: Identity) =>
    `By=spiffe://cluster.local/ns/payments/sa/api;Cert="${encodeURIComponent(who.cert)}";Subject="CN=client"`;
  const call = async (path: string, who: Identity) => {
    const response = await fetch(`${proxied.url}${path}`, {
      headers: { authorization: `Bearer ${token}`, 'x-forwarded-client-cert': xfcc(who) },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('accepts the token with the certificate the proxy forwards', async () => {
    const answer = await call('/envoy', alice);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ clientId: BATCH.id, binding: bound() });
  });

  it('refuses it with another forwarded certificate', async () => {
    const answer = await call('/envoy', mallory);
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('CERTIFICATE_BINDING_MISMATCH');
  });

  it('ignores the header where it was not named: anyone can send it', async () => {
    const answer = await call('/payments', alice);
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('CERTIFICATE_MISSING');
  });
});
