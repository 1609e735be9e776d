// The examples' contract of issue 15, end to end over real HTTP for every framework: `DPOP`
// (allowed by default, required, disabled) on every protected route, RFC 9728 metadata at
// `GET /.well-known/oauth-protected-resource` named in every 401 challenge, and step-up on
// `GET /account`.
import { createDpopKey, createTestIssuer, type DpopKey, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  runExampleToExit,
  startExample,
  stopAllExamples,
  type Framework,
  type RunningExample,
} from './example-process.js';

const FRAMEWORKS: readonly Framework[] = ['express', 'koa', 'fastify', 'hono', 'nestjs'];
type Mode = 'default' | 'required' | 'disabled';

let idp: TestIssuer;
let key: DpopKey;
const servers = new Map<string, RunningExample>();

beforeAll(async () => {
  idp = await createTestIssuer({ kind: 'oidc' });
  key = await createDpopKey();
  const env = { ISSUER: idp.issuer, AUDIENCE: idp.audience };
  await Promise.all(
    FRAMEWORKS.flatMap((framework) =>
      (['default', 'required', 'disabled'] as const).map(async (mode) => {
        const dpop = mode === 'default' ? {} : { DPOP: mode };
        servers.set(`${framework}:${mode}`, await startExample(framework, { ...env, ...dpop }));
      }),
    ),
  );
}, 120_000);

afterAll(async () => {
  await stopAllExamples();
  await idp.close();
});

interface Answer {
  readonly status: number;
  readonly challenge: string | null;
  readonly nonce: string | null;
  readonly body: Record<string, unknown>;
}

async function call(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(8000) });
  const text = await response.text();
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    nonce: response.headers.get('dpop-nonce'),
    body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>,
  };
}

async function dpopCall(server: RunningExample, path: string, token: string, proofKey = key) {
  const proof = await proofKey.proof({ method: 'GET', url: server.url + path, accessToken: token });
  return call(server.url + path, { authorization: `DPoP ${token}`, dpop: proof });
}

describe.each(FRAMEWORKS)('examples/%s/server.mjs', (framework) => {
  const server = (mode: Mode): RunningExample => {
    const running = servers.get(`${framework}:${mode}`);
    if (running === undefined) throw new Error(`${framework}:${mode} did not start`);
    return running;
  };

  it('serves RFC 9728 metadata: resource = its origin, authorization_servers = [ISSUER]', async () => {
    const base = server('default');
    const answer = await call(`${base.url}/.well-known/oauth-protected-resource`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      resource: base.url,
      authorization_servers: [idp.issuer],
      bearer_methods_supported: ['header'],
      dpop_signing_alg_values_supported: expect.arrayContaining(['ES256']),
    });
    expect(answer.body).not.toHaveProperty('dpop_bound_access_tokens_required');
    const required = await call(`${server('required').url}/.well-known/oauth-protected-resource`);
    expect(required.body.dpop_bound_access_tokens_required).toBe(true);
    const disabled = await call(`${server('disabled').url}/.well-known/oauth-protected-resource`);
    expect(disabled.body).not.toHaveProperty('dpop_signing_alg_values_supported');
  });

  it('names the metadata in its 401 challenges and offers DPoP next to Bearer', async () => {
    const base = server('default');
    const metadata = `resource_metadata="${base.url}/.well-known/oauth-protected-resource"`;
    const missing = await call(`${base.url}/me`);
    expect(missing.status).toBe(401);
    expect(missing.challenge).toMatch(/^Bearer /);
    expect(missing.challenge).toContain(metadata);
    expect(missing.challenge).toMatch(/, DPoP [^,]*algs="[^"]*ES256/);
    const bad = await call(`${base.url}/me`, { authorization: 'Bearer not-a-token' });
    expect(bad.challenge).toContain('error="invalid_token"');
    expect(bad.challenge).toContain(metadata);
    const disabled = await call(`${server('disabled').url}/me`);
    expect(disabled.challenge).not.toContain('DPoP');
    expect(disabled.challenge).toContain('resource_metadata=');
  });

  it('DPOP=allowed (default): bearer tokens and DPoP-bound tokens with proofs', async () => {
    const base = server('default');
    const bearer = await call(`${base.url}/me`, {
      authorization: `Bearer ${await idp.accessToken({ sub: 'plain' })}`,
    });
    expect(bearer.status).toBe(200);
    const bound = await idp.accessToken({ sub: 'bound', dpop: key });
    expect((await dpopCall(base, '/me', bound)).body.sub).toBe('bound');
    // Again: the token is cached, its proof is not.
    expect((await dpopCall(base, '/me', bound)).status).toBe(200);
    const asBearer = await call(`${base.url}/me`, { authorization: `Bearer ${bound}` });
    expect(asBearer.status).toBe(401);
    expect(asBearer.body.error).toBe('invalid_token');
    const noProof = await call(`${base.url}/me`, { authorization: `DPoP ${bound}` });
    expect(noProof.status).toBe(401);
    expect(noProof.body.error).toBe('invalid_dpop_proof');
    expect(noProof.challenge).toContain('DPoP ');
    expect(noProof.challenge).toContain('error="invalid_dpop_proof"');
    const thief = await createDpopKey();
    expect((await dpopCall(base, '/me', bound, thief)).body.error).toBe('invalid_dpop_proof');
    const proof = await key.proof({ method: 'GET', url: `${base.url}/me`, accessToken: bound });
    const first = await call(`${base.url}/me`, { authorization: `DPoP ${bound}`, dpop: proof });
    const replay = await call(`${base.url}/me`, { authorization: `DPoP ${bound}`, dpop: proof });
    expect([first.status, replay.status]).toEqual([200, 401]);
    const elsewhere = await key.proof({
      method: 'GET',
      url: `${base.url}/admin`,
      accessToken: bound,
    });
    const wrongUrl = await call(`${base.url}/me`, {
      authorization: `DPoP ${bound}`,
      dpop: elsewhere,
    });
    expect(wrongUrl.body.error).toBe('invalid_dpop_proof');
  });

  it('DPOP=required refuses bearer tokens with a DPoP challenge; DPOP=disabled refuses bound ones', async () => {
    const required = server('required');
    const bearer = await call(`${required.url}/me`, {
      authorization: `Bearer ${await idp.accessToken()}`,
    });
    expect(bearer.status).toBe(401);
    expect(bearer.challenge).toMatch(/^DPoP /);
    expect(bearer.challenge).not.toMatch(/Bearer/);
    const bound = await idp.accessToken({ dpop: key });
    expect((await dpopCall(required, '/me', bound)).status).toBe(200);
    const disabled = server('disabled');
    expect((await dpopCall(disabled, '/me', bound)).status).toBe(401);
    expect((await call(`${disabled.url}/me`, { authorization: `Bearer ${bound}` })).status).toBe(
      401,
    );
    const plain = await call(`${disabled.url}/me`, {
      authorization: `Bearer ${await idp.accessToken()}`,
    });
    expect(plain.status).toBe(200);
  });

  it('GET /account: 401 insufficient_user_authentication with max_age="300" and resource_metadata', async () => {
    const base = server('default');
    const now = Math.floor(Date.now() / 1000);
    const stale = await call(`${base.url}/account`, {
      authorization: `Bearer ${await idp.accessToken({ claims: { auth_time: now - 3600 } })}`,
    });
    expect(stale.status).toBe(401);
    expect(stale.body.error).toBe('insufficient_user_authentication');
    expect(stale.challenge).toContain('error="insufficient_user_authentication"');
    expect(stale.challenge).toContain('max_age="300"');
    expect(stale.challenge).toContain('resource_metadata=');
    const fresh = await call(`${base.url}/account`, {
      authorization: `Bearer ${await idp.accessToken({ claims: { auth_time: now - 10 } })}`,
    });
    expect(fresh.status).toBe(200);
    const boundFresh = await idp.accessToken({ dpop: key, claims: { auth_time: now - 3600 } });
    const boundStale = await dpopCall(base, '/account', boundFresh);
    expect(boundStale.status).toBe(401);
    // The client used DPoP: the step-up error is in its DPoP challenge.
    expect(boundStale.challenge).toMatch(/DPoP [^]*error="insufficient_user_authentication"/);
  });
});

describe('DPOP environment variable', () => {
  it('refuses a value other than allowed, required or disabled', async () => {
    const exited = await runExampleToExit('express', {
      ISSUER: 'http://127.0.0.1:1',
      DPOP: 'maybe',
    });
    expect(exited.code).not.toBe(0);
    expect(exited.stderr).toContain('DPOP');
  });
});
