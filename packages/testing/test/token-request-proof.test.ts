import { request } from 'node:http';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDpopKey, createTestIssuer } from '../src/index.js';
import type { DpopKey, DpopProofOptions, TestIssuer } from '../src/index.js';

const WORKER = {
  clientId: 'orders-worker',
  clientSecret: 'w0rker-s3cret',
  scopes: ['orders/read'],
};
const FORM = new URLSearchParams({
  grant_type: 'client_credentials',
  client_id: WORKER.clientId,
  client_secret: WORKER.clientSecret,
}).toString();

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** POSTs a client_credentials request with these `DPoP` header lines (node sends each one). */
function tokenRequest(issuer: TestIssuer, dpop: string[], form = FORM): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = {
      'content-type': 'application/x-www-form-urlencoded',
    };
    if (dpop.length > 0) headers['dpop'] = dpop;
    const req = request(issuer.tokenEndpoint, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.on('error', reject);
    });
    req.setTimeout(5_000, () => req.destroy(new Error('token request timed out')));
    req.on('error', reject);
    req.end(form);
  });
}

describe('token endpoint, DPoP (RFC 9449 §5)', () => {
  let issuer: TestIssuer;
  let key: DpopKey;
  beforeAll(async () => {
    [issuer, key] = await Promise.all([
      createTestIssuer({ clients: [WORKER] }),
      createDpopKey({ alg: 'ES256' }),
    ]);
  });
  afterAll(() => issuer.close());

  function proof(options: Partial<DpopProofOptions> = {}): Promise<string> {
    return key.proof({ method: 'POST', url: issuer.tokenEndpoint, ...options });
  }

  it('issues a DPoP token bound to the proof key', async () => {
    const answer = await tokenRequest(issuer, [await proof()]);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ token_type: 'DPoP', scope: 'orders/read' });
    const jwks = createRemoteJWKSet(new URL(issuer.jwksUri));
    const { payload } = await jwtVerify(answer.body['access_token'] as string, jwks, {
      issuer: issuer.issuer,
    });
    expect(payload).toMatchObject({ client_id: WORKER.clientId, cnf: { jkt: key.thumbprint } });
  });

  it.each(['RS256', 'PS256', 'EdDSA', 'ES512'] as const)('accepts a %s proof', async (alg) => {
    const other = await createDpopKey({ alg });
    const answer = await tokenRequest(issuer, [
      await other.proof({ method: 'POST', url: issuer.tokenEndpoint }),
    ]);
    expect(answer.status).toBe(200);
    const jwks = createRemoteJWKSet(new URL(issuer.jwksUri));
    const { payload } = await jwtVerify(answer.body['access_token'] as string, jwks);
    expect(payload['cnf']).toStrictEqual({ jkt: other.thumbprint });
  });

  it('without a DPoP header, still issues a bearer token without cnf', async () => {
    const answer = await tokenRequest(issuer, []);
    expect(answer.status).toBe(200);
    expect(answer.body['token_type']).toBe('Bearer');
    const jwks = createRemoteJWKSet(new URL(issuer.jwksUri));
    const { payload } = await jwtVerify(answer.body['access_token'] as string, jwks);
    expect(payload).not.toHaveProperty('cnf');
  });

  it('accepts each proof once (RFC 9449 §11.1)', async () => {
    const once = await proof();
    expect((await tokenRequest(issuer, [once])).status).toBe(200);
    const replay = await tokenRequest(issuer, [once]);
    expect(replay).toMatchObject({ status: 400, body: { error: 'invalid_dpop_proof' } });
  });

  it('refuses broken proofs with 400 invalid_dpop_proof', async () => {
    const now = Math.floor(Date.now() / 1000);
    const other = await createDpopKey();
    const broken: Record<string, string[]> = {
      'two DPoP headers': [await proof(), await proof()],
      'not a JWS': ['not.a.jws!'],
      'wrong typ': [await proof({ header: { typ: 'JWT' } })],
      'no typ': [await proof({ header: { typ: undefined } })],
      // RFC 9449 §4.3 point 7: the real private key, so only its privacy is wrong.
      'private jwk': [await proof({ header: { jwk: key.privateKey.export({ format: 'jwk' }) } })],
      'no jwk': [await proof({ header: { jwk: undefined } })],
      'alg none': [await proof({ signWith: { alg: 'none' } })],
      HS256: [await proof({ signWith: { alg: 'HS256', secret: 'secret' } })],
      'signed by another key': [await proof({ signWith: other })],
      'htm GET': [await proof({ method: 'GET' })],
      'htu elsewhere': [await proof({ url: `${issuer.origin}/oauth2/other` })],
      'no htu': [await proof({ claims: { htu: undefined } })],
      'no jti': [await proof({ claims: { jti: undefined } })],
      'long jti': [await proof({ jti: 'x'.repeat(257) })],
      'stale iat': [await proof({ iat: now - 120 })],
      'future iat': [await proof({ iat: now + 60 })],
      'string iat': [await proof({ claims: { iat: String(now) } })],
    };
    for (const [name, dpop] of Object.entries(broken)) {
      const answer = await tokenRequest(issuer, dpop);
      expect(answer, name).toMatchObject({ status: 400, body: { error: 'invalid_dpop_proof' } });
    }
  });

  it('authenticates the client before looking at the proof', async () => {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: WORKER.clientId,
      client_secret: 'wrong',
    }).toString();
    const answer = await tokenRequest(issuer, [await proof()], form);
    expect(answer).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('advertises its proof algorithms in discovery (RFC 9449 §5.1)', async () => {
    const discovery = (await (await fetch(issuer.discoveryUri)).json()) as Record<string, unknown>;
    expect(discovery['dpop_signing_alg_values_supported']).toContain('ES256');
    expect(discovery['dpop_signing_alg_values_supported']).not.toContain('HS256');
  });
});
