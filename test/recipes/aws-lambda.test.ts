// Runs the code of docs/recipes/aws-lambda.md verbatim: its `// file:` blocks are written to a
// scratch directory, the build step fetches the JWKS from the local issuer (standing in for
// Cognito, with a real Cognito `iss`), and the handlers answer fake API Gateway and function
// URL events. The first request must verify without any JWKS request: the keys come from the
// bundle.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRecipeFiles, type RecipeDir } from '../support/recipe-files.js';

const USER_POOL_ID = 'eu-west-1_Lambda123';
const CLIENT_ID = 'lambda-client';

interface Handlers {
  restAuthorizer(event: object): Promise<Record<string, unknown>>;
  httpAuthorizer(event: object): Promise<Record<string, unknown>>;
  functionUrl(event: object): Promise<{ statusCode: number; headers?: object; body: string }>;
}

let pool: TestIssuer;
let recipe: RecipeDir;
let handlers: Handlers;

beforeAll(async () => {
  pool = await createTestIssuer({
    kind: 'cognito',
    userPoolId: USER_POOL_ID,
    clientId: CLIENT_ID,
    issuer: `https://cognito-idp.eu-west-1.amazonaws.com/${USER_POOL_ID}`,
  });
  recipe = writeRecipeFiles('aws-lambda');
  expect(recipe.names).toEqual(['fetch-jwks.mjs', 'handler.mjs']);
  // The build step, as CI would run it; the local pool serves `<issuer>/.well-known/jwks.json`.
  await promisify(execFile)(process.execPath, [join(recipe.dir, 'fetch-jwks.mjs')], {
    env: { PATH: process.env.PATH ?? '', COGNITO_ISSUER: `${pool.origin}/${USER_POOL_ID}` },
  });
  expect(pool.stats.jwksRequests).toBe(1);
  pool.resetStats();
  process.env.USER_POOL_ID = USER_POOL_ID;
  process.env.APP_CLIENT_ID = CLIENT_ID;
  handlers = (await import(pathToFileURL(join(recipe.dir, 'handler.mjs')).href)) as Handlers;
});

afterAll(async () => {
  await pool.close();
  recipe.remove();
});

describe('docs/recipes/aws-lambda.md', () => {
  it('REST API TOKEN authorizer: the first request verifies from the bundled keys', async () => {
    const methodArn = 'arn:aws:execute-api:eu-west-1:123456789012:abcdef123/prod/GET/orders';
    const token = await pool.accessToken({ scopes: ['orders/read'] });
    const allowed = await handlers.restAuthorizer({
      type: 'TOKEN',
      authorizationToken: `Bearer ${token}`,
      methodArn,
    });
    expect(pool.stats.jwksRequests).toBe(0); // no fetch: hydrated at module init
    expect(allowed).toMatchObject({
      principalId: expect.any(String),
      policyDocument: { Statement: [{ Effect: 'Allow', Resource: methodArn }] },
      context: { scope: 'orders/read', clientId: CLIENT_ID },
    });
    for (const authorizationToken of [`Bearer ${token}x`, 'Basic abc', '']) {
      await expect(
        handlers.restAuthorizer({ type: 'TOKEN', authorizationToken, methodArn }),
      ).rejects.toThrow(/^Unauthorized$/);
    }
  });

  it('HTTP API authorizer (payload 2.0, simple responses)', async () => {
    const token = await pool.accessToken();
    await expect(
      handlers.httpAuthorizer({ version: '2.0', headers: { authorization: `Bearer ${token}` } }),
    ).resolves.toMatchObject({ isAuthorized: true });
    await expect(
      handlers.httpAuthorizer({ version: '2.0', headers: { authorization: `Bearer ${token}x` } }),
    ).resolves.toEqual({ isAuthorized: false });
    await expect(handlers.httpAuthorizer({ version: '2.0', headers: {} })).resolves.toEqual({
      isAuthorized: false,
    });
  });

  it('function URL: 200 for a good token, the RFC 6750 answer otherwise', async () => {
    const ok = await handlers.functionUrl({
      rawPath: '/me',
      headers: { authorization: `Bearer ${await pool.accessToken()}` },
    });
    expect(ok.statusCode).toBe(200);
    const expired = await handlers.functionUrl({
      rawPath: '/me',
      headers: { authorization: `Bearer ${await pool.accessToken({ expiresIn: -60 })}` },
    });
    expect(expired.statusCode).toBe(401);
    expect(expired.headers).toMatchObject({
      'WWW-Authenticate': expect.stringContaining('error="invalid_token"'),
    });
    const missing = await handlers.functionUrl({ rawPath: '/me', headers: {} });
    expect(missing.statusCode).toBe(401);
    expect(pool.stats.jwksRequests).toBe(0);
  });
});
