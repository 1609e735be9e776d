/**
 * @tokengate/hono on workerd: a Hono app (hono-app.ts) bundled with the built packages as
 * Wrangler would, served by the real workerd binary on loopback, its JWKS served by a test
 * issuer in this Node process. Real HTTP requests from here must get the answers the Node
 * adapters give (packages/hono/test runs the same middleware through `app.request` on Node).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDpop } from '../support/challenges.js';
import { createChildGroup } from '../support/child-processes.js';
import type { HonoAppFixture } from './hono-app.js';
import {
  bundleForWorkers,
  codeLines,
  ensureDists,
  NODE_ONLY,
  startWorkerd,
  type WorkerdServer,
} from './runtime-harness.js';

const START_TIMEOUT_MS = 30_000;

const children = createChildGroup();
let dir: string;
let pool: TestIssuer;
let server: WorkerdServer;

beforeAll(async () => {
  await ensureDists(['@tokengate/core', '@tokengate/hono']);
  dir = mkdtempSync(join(tmpdir(), 'tokengate-hono-workerd-'));
  await bundleForWorkers(
    fileURLToPath(new URL('hono-app.ts', import.meta.url)),
    join(dir, 'app.mjs'),
  );
  pool = await createTestIssuer({ kind: 'cognito' });
  const fixture: HonoAppFixture = {
    userPoolId: pool.userPoolId ?? '',
    clientId: pool.clientId,
    issuer: pool.issuer,
  };
  writeFileSync(
    join(dir, 'worker.mjs'),
    `import { createHonoApp } from './app.mjs';\n` +
      `export default createHonoApp(${JSON.stringify(fixture)});\n`,
  );
  server = await startWorkerd(children, dir, ['worker.mjs', 'app.mjs'], START_TIMEOUT_MS);
}, 180_000);

afterAll(async () => {
  await children.stopAll(2000);
  await pool?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** One real request to the worker: status, challenge and JSON body. */
async function call(path: string, token?: string) {
  const response = await fetch(`${server.origin}${path}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  const text = await response.text();
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    body: (text === '' ? null : JSON.parse(text)) as unknown,
    // workerd's own log, to tell a worker exception (its 500 page) from an adapter answer.
    log: response.status >= 500 ? server.output.all() : '',
  };
}

describe('@tokengate/hono on workerd', () => {
  it('bundles without any node: module', () => {
    const code = readFileSync(join(dir, 'app.mjs'), 'utf8');
    for (const pattern of NODE_ONLY) expect(codeLines(code)).not.toMatch(pattern);
    expect(code).toContain('crypto.subtle');
  });

  it('answers the public route', async () => {
    expect(await call('/health')).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('challenges a request without a token (RFC 6750 §3, RFC 9449 §7.1)', async () => {
    expect(await call('/me')).toMatchObject({
      status: 401,
      challenge: withDpop('Bearer realm="api"', 'api'),
      body: { error: 'unauthorized' },
    });
  });

  it('verifies a valid token against the JWKS fetched over loopback', async () => {
    const token = await pool.accessToken({ sub: 'user-1', groups: ['users'] });
    expect(await call('/me', token)).toMatchObject({ status: 200, body: { sub: 'user-1' } });
  });

  it('refuses a verified token outside the group with 403 access_denied', async () => {
    const token = await pool.accessToken({ sub: 'user-1', groups: ['users'] });
    expect(await call('/admin', token)).toMatchObject({
      status: 403,
      body: { error: 'access_denied' },
    });
  });

  it('lets the admin group through', async () => {
    const token = await pool.accessToken({ sub: 'admin-1', groups: ['admin'] });
    expect(await call('/admin', token)).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('refuses an expired token with 401 invalid_token', async () => {
    const token = await pool.accessToken({ expiresIn: -600 });
    const answer = await call('/me', token);
    expect(answer).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
    expect(answer.challenge).toMatch(/^Bearer realm="api", error="invalid_token"/);
  });

  it('refuses a forged signature with 401 invalid_token', async () => {
    const [head, body, signature = ''] = (await pool.accessToken()).split('.');
    const forged = `${head}.${body}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    const answer = await call('/me', forged);
    expect(answer).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
    expect(answer.challenge).toMatch(/^Bearer realm="api", error="invalid_token"/);
  });
});
