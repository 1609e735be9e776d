// The examples' contract, end to end: each `examples/<fw>/server.mjs` runs as a real process
// (importing the built packages) against the loopback issuer, configured only through its
// environment, and is exercised over real HTTP. The same cases run for Express, Koa and Fastify.
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDpop } from '../support/challenges.js';
import {
  runExampleToExit,
  startExample,
  stopAllExamples,
  type Framework,
  type RunningExample,
} from './example-process.js';

const FRAMEWORKS: readonly Framework[] = ['express', 'koa', 'fastify', 'hono', 'nestjs'];
const SUB = 'example-user-sub';
const SLOW_JWKS_MS = 10_000;
/** The examples promise an answer within ~3 s while the IdP is slow or down. */
const SLOW_BUDGET_MS = 4_000;
/** `USER_TOKEN (…):` or `ADMIN_TOKEN (…):`, then the token alone on the next line. */
const BANNER_TOKEN = (name: string): RegExp => new RegExp(`^${name}\\b.*\\n(\\S+)\\n`, 'm');

interface Servers {
  /** `TOKEN_USE=access`, explicit `JWKS_URI`, `AUDIENCE=<clientId>,other`. */
  cognito: RunningExample;
  /** OIDC discovery (no `JWKS_URI`), `AUDIENCE=<audience>`. */
  oidc: RunningExample;
  /** OIDC discovery, neither `TOKEN_USE` nor `AUDIENCE`. */
  oidcAnyAudience: RunningExample;
  /** No `ISSUER`: the embedded local issuer and its banner tokens. */
  embedded: RunningExample;
  /** Its issuer's JWKS was already slow before the first request: the key cache is cold. */
  slowCold: RunningExample;
  slowColdIssuer: TestIssuer;
  /** Its issuer turns slow after a first request has cached the keys. */
  slowWarm: RunningExample;
  slowWarmIssuer: TestIssuer;
}

const issuers: TestIssuer[] = [];
let cognito: TestIssuer;
let oidc: TestIssuer;
const servers = new Map<Framework, Servers>();

async function newIssuer(kind: 'cognito' | 'oidc'): Promise<TestIssuer> {
  const issuer = await createTestIssuer({ kind });
  issuers.push(issuer);
  return issuer;
}

function cognitoEnv(issuer: TestIssuer): Record<string, string> {
  return {
    ISSUER: issuer.issuer,
    JWKS_URI: issuer.jwksUri,
    TOKEN_USE: 'access',
    AUDIENCE: `${issuer.clientId},other`,
  };
}

async function startServers(framework: Framework): Promise<Servers> {
  const [slowColdIssuer, slowWarmIssuer] = await Promise.all([
    newIssuer('cognito'),
    newIssuer('cognito'),
  ]);
  await slowColdIssuer.outage('slow', { delayMs: SLOW_JWKS_MS });
  const [cognitoServer, oidcServer, oidcAnyAudience, embedded, slowCold, slowWarm] =
    await Promise.all([
      startExample(framework, cognitoEnv(cognito)),
      startExample(framework, { ISSUER: oidc.issuer, AUDIENCE: oidc.audience }),
      startExample(framework, { ISSUER: oidc.issuer }),
      startExample(framework, {}, BANNER_TOKEN('ADMIN_TOKEN')),
      startExample(framework, cognitoEnv(slowColdIssuer)),
      startExample(framework, cognitoEnv(slowWarmIssuer)),
    ]);
  return {
    cognito: cognitoServer,
    oidc: oidcServer,
    oidcAnyAudience,
    embedded,
    slowCold,
    slowColdIssuer,
    slowWarm,
    slowWarmIssuer,
  };
}

beforeAll(async () => {
  [cognito, oidc] = await Promise.all([newIssuer('cognito'), newIssuer('oidc')]);
  // Every adapter's servers at once: start-up, not the requests, dominates this file's runtime.
  const started = await Promise.all(FRAMEWORKS.map(startServers));
  FRAMEWORKS.forEach((framework, index) => servers.set(framework, started[index]!));
}, 45_000);

afterAll(async () => {
  await stopAllExamples();
  await Promise.all(issuers.map((issuer) => issuer.close()));
});

interface Answer {
  status: number;
  challenge: string | null;
  body: Record<string, unknown>;
  elapsedMs: number;
}

async function call(
  base: RunningExample,
  path: string,
  token?: string,
  method: 'GET' | 'POST' = 'GET',
): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(`${base.url}${path}`, {
    method,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    // Longer than any promised answer time, so a hang fails the test instead of stalling it.
    signal: AbortSignal.timeout(SLOW_JWKS_MS - 2_000),
  });
  const text = await response.text();
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>,
    elapsedMs: performance.now() - started,
  };
}

/**
 * Every error answer carries a `{ error, error_description }` JSON body. `error` is pinned only
 * where the contract names it (RFC 6750 §3.1 codes); a missing group just has to be a 403.
 */
function expectError(answer: Answer, status: number, error?: string): void {
  expect({ status: answer.status, error: answer.body.error }).toEqual({
    status,
    error: error ?? expect.any(String),
  });
  expect(answer.body.error_description).toEqual(expect.any(String));
}

/** RFC 6750 §3: 401 and 403 answers carry a `Bearer` challenge; §3.1 names the error in it. */
function expectChallenge(answer: Answer, error?: string): void {
  expect(answer.challenge).toMatch(/^Bearer\b/);
  if (error !== undefined) expect(answer.challenge).toContain(`error="${error}"`);
}

function bannerToken(server: RunningExample, name: string): string {
  const token = BANNER_TOKEN(name).exec(server.stdout)?.[1];
  if (token === undefined) throw new Error(`no ${name} in the banner:\n${server.stdout}`);
  return token;
}

describe.each(FRAMEWORKS)('examples/%s/server.mjs', (framework) => {
  const get = (): Servers => {
    const running = servers.get(framework);
    if (running === undefined) throw new Error(`${framework} servers did not start`);
    return running;
  };

  describe('Cognito access tokens (TOKEN_USE=access, JWKS_URI, AUDIENCE=<clientId>,other)', () => {
    it('GET /health answers 200 without a token', async () => {
      expect((await call(get().cognito, '/health')).status).toBe(200);
    });

    it('GET /me without a token is 401 with a Bearer challenge and a JSON error', async () => {
      const answer = await call(get().cognito, '/me');
      expect(answer.status).toBe(401);
      expectChallenge(answer);
      expect(answer.body).toEqual({
        error: expect.any(String),
        error_description: expect.any(String),
      });
    });

    it('GET /me with a valid token is 200 with its sub', async () => {
      const answer = await call(get().cognito, '/me', await cognito.accessToken({ sub: SUB }));
      expect(answer.status).toBe(200);
      expect(answer.body.sub).toBe(SUB);
    });

    it('GET /admin needs the admin group', async () => {
      const user = await call(
        get().cognito,
        '/admin',
        await cognito.accessToken({ groups: ['users'] }),
      );
      expectError(user, 403);
      const admin = await call(
        get().cognito,
        '/admin',
        await cognito.accessToken({ groups: ['admin'] }),
      );
      expect(admin.status).toBe(200);
    });

    it('GET /admin reads a Cognito token’s `groups` when `cognito:groups` is absent', async () => {
      // A pre-token-generation trigger may write the groups to `groups` instead.
      const viaTrigger = await call(
        get().cognito,
        '/admin',
        await cognito.accessToken({ claims: { groups: ['admin'] } }),
      );
      expect(viaTrigger.status).toBe(200);
      // `cognito:groups` comes first when both are present.
      const both = await call(
        get().cognito,
        '/admin',
        await cognito.accessToken({ groups: ['users'], claims: { groups: ['admin'] } }),
      );
      expectError(both, 403);
    });

    it('GET /account needs a sign-in within 300 s, else 401 with max_age (RFC 9470)', async () => {
      const now = Math.floor(Date.now() / 1000);
      const fresh = await call(
        get().cognito,
        '/account',
        await cognito.accessToken({ sub: SUB, claims: { auth_time: now - 10 } }),
      );
      expect(fresh.status).toBe(200);
      expect(fresh.body.sub).toBe(SUB);
      for (const auth_time of [now - 3600, undefined]) {
        const stale = await call(
          get().cognito,
          '/account',
          await cognito.accessToken({ claims: { auth_time } }),
        );
        expectError(stale, 401, 'insufficient_user_authentication');
        expectChallenge(stale, 'insufficient_user_authentication');
        // The examples serve RFC 9728 metadata and accept DPoP: both challenges name it.
        const metadata = `${get().cognito.url}/.well-known/oauth-protected-resource`;
        expect(stale.challenge).toBe(
          withDpop(
            `Bearer error="insufficient_user_authentication", error_description="A more recent or stronger user authentication is required", max_age="300", resource_metadata="${metadata}"`,
            undefined,
            { resourceMetadata: metadata },
          ),
        );
      }
    });

    it('GET /orders needs orders:read', async () => {
      const without = await call(
        get().cognito,
        '/orders',
        await cognito.accessToken({ scopes: ['profile'] }),
      );
      expectError(without, 403, 'insufficient_scope');
      expectChallenge(without, 'insufficient_scope');
      const granted = await call(
        get().cognito,
        '/orders',
        await cognito.accessToken({ scopes: ['orders:read'] }),
      );
      expect(granted.status).toBe(200);
    });

    it('POST /orders needs orders:write and answers 201', async () => {
      const readOnly = await call(
        get().cognito,
        '/orders',
        await cognito.accessToken({ scopes: ['orders:read'] }),
        'POST',
      );
      expectError(readOnly, 403, 'insufficient_scope');
      expectChallenge(readOnly, 'insufficient_scope');
      const writer = await call(
        get().cognito,
        '/orders',
        await cognito.accessToken({ sub: SUB, scopes: ['orders:write'] }),
        'POST',
      );
      expect(writer.status).toBe(201);
    });

    it('a token of another app client is 401 invalid_token', async () => {
      const answer = await call(
        get().cognito,
        '/me',
        await cognito.accessToken({ clientId: 'someone-else' }),
      );
      expectError(answer, 401, 'invalid_token');
      expectChallenge(answer, 'invalid_token');
    });

    it('the second AUDIENCE entry is an accepted client id too', async () => {
      const answer = await call(
        get().cognito,
        '/me',
        await cognito.accessToken({ clientId: 'other' }),
      );
      expect(answer.status).toBe(200);
    });

    it('an ID token is 401 where access tokens are expected', async () => {
      const answer = await call(get().cognito, '/me', await cognito.idToken());
      expectError(answer, 401, 'invalid_token');
      expectChallenge(answer, 'invalid_token');
    });
  });

  describe('OIDC through discovery (no JWKS_URI, no TOKEN_USE)', () => {
    it('GET /admin reads groups from the `groups` claim', async () => {
      const admin = await call(
        get().oidc,
        '/admin',
        await oidc.accessToken({ sub: SUB, groups: ['admin'] }),
      );
      expect(admin.status).toBe(200);
      expect(admin.body.sub).toBe(SUB);
      const user = await call(get().oidc, '/admin', await oidc.accessToken({ groups: ['users'] }));
      expectError(user, 403);
    });

    it('a token for another audience is 401 invalid_token', async () => {
      const token = await oidc.accessToken({ claims: { aud: 'https://elsewhere.test' } });
      const answer = await call(get().oidc, '/me', token);
      expectError(answer, 401, 'invalid_token');
      expectChallenge(answer, 'invalid_token');
    });

    it('without AUDIENCE the audience is not checked', async () => {
      const token = await oidc.accessToken({ sub: SUB, claims: { aud: 'https://elsewhere.test' } });
      const answer = await call(get().oidcAnyAudience, '/me', token);
      expect(answer.status).toBe(200);
      expect(answer.body.sub).toBe(SUB);
    });
  });

  describe('embedded local issuer (no ISSUER)', () => {
    it('USER_TOKEN may read its profile but is not an admin', async () => {
      const token = bannerToken(get().embedded, 'USER_TOKEN');
      expect((await call(get().embedded, '/me', token)).status).toBe(200);
      expectError(await call(get().embedded, '/admin', token), 403);
    });

    it('ADMIN_TOKEN is an admin and may create orders', async () => {
      const token = bannerToken(get().embedded, 'ADMIN_TOKEN');
      expect((await call(get().embedded, '/admin', token)).status).toBe(200);
      expect((await call(get().embedded, '/orders', token, 'POST')).status).toBe(201);
    });
  });

  describe('slow JWKS endpoint', () => {
    it('with a cold key cache, answers 503 within the budget instead of hanging', async () => {
      const { slowCold, slowColdIssuer } = get();
      const answer = await call(slowCold, '/me', await slowColdIssuer.accessToken());
      // An IdP outage is never the client's fault: not 401 invalid_token.
      expectError(answer, 503);
      expect(answer.elapsedMs).toBeLessThan(SLOW_BUDGET_MS);
    });

    it('with a warm key cache, keeps answering 200 quickly', async () => {
      const { slowWarm, slowWarmIssuer } = get();
      const token = await slowWarmIssuer.accessToken();
      expect((await call(slowWarm, '/me', token)).status).toBe(200);
      await slowWarmIssuer.outage('slow', { delayMs: SLOW_JWKS_MS });
      const answer = await call(slowWarm, '/me', await slowWarmIssuer.accessToken());
      expect(answer.status).toBe(200);
      expect(answer.elapsedMs).toBeLessThan(1_000);
    });
  });

  describe('configuration', () => {
    it('TOKEN_USE=refresh stops the process with a configuration error', async () => {
      const exited = await runExampleToExit(framework, {
        ...cognitoEnv(cognito),
        TOKEN_USE: 'refresh',
      });
      expect(exited.code).not.toBe(0);
      expect(exited.code).not.toBeNull();
      expect(exited.stderr).toMatch(/configuration error/);
      expect(exited.stdout).not.toMatch(/listening on/);
    });
  });
});
