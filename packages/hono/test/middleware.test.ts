// @tokengate/hono through `app.request()` (Hono's own Fetch entry point, no Node server: the
// path Workers, Bun and Deno take). test/conformance runs the full tables over real HTTP.
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allScopes,
  anyGroup,
  authenticate,
  authorize,
  cognitoIssuer,
  type HonoAuthenticateOptions,
} from '../src/index.js';
import { withDpop } from '../../../test/support/challenges.js';

let pool: TestIssuer;
let user: string;
let admin: string;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  pool = await createTestIssuer({ kind: 'cognito' });
  user = await pool.accessToken({ sub: 'user-1', groups: ['users'], scopes: ['orders:read'] });
  admin = await pool.accessToken({ sub: 'admin-1', groups: ['admin'] });
});
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await pool.close();
});

function options(extra: Partial<HonoAuthenticateOptions> = {}): HonoAuthenticateOptions {
  return {
    realm: 'api',
    issuers: [
      cognitoIssuer({
        userPoolId: pool.userPoolId ?? '',
        clientId: pool.clientId,
        issuerOverride: pool.issuer,
      }),
    ],
    ...extra,
  } as HonoAuthenticateOptions;
}

function requireAuth() {
  const middleware = authenticate({ ...options(), optional: false });
  closers.push(middleware.close);
  return middleware;
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

async function answer(response: Response) {
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    body: (await response.json()) as unknown,
  };
}

describe('authenticate()', () => {
  it('sets c.get("auth") for the handlers after it', async () => {
    const app = new Hono().get('/me', requireAuth(), (c) => c.json({ sub: c.get('auth').subject }));
    expect(await answer(await app.request('/me', bearer(user)))).toEqual({
      status: 200,
      challenge: null,
      body: { sub: 'user-1' },
    });
  });

  it('answers errors itself, whatever app.onError does', async () => {
    const app = new Hono();
    app.onError((_error, c) => c.text('swallowed', 500));
    app.get('/me', requireAuth(), authorize(anyGroup('admin')), (c) => c.json({ ok: true }));
    const missing = await app.request('/me');
    const denied = await app.request('/me', bearer(user));
    expect(await answer(missing)).toEqual({
      status: 401,
      challenge: withDpop('Bearer realm="api"', 'api'),
      body: { error: 'unauthorized', error_description: 'Authentication required' },
    });
    expect([denied.status, denied.headers.get('www-authenticate')]).toEqual([
      403,
      withDpop(
        'Bearer realm="api", error="access_denied", error_description="Token does not grant access to this resource"',
        'api',
      ),
    ]);
    expect(missing.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses two Authorization lines joined by Headers as invalid_request', async () => {
    const app = new Hono().get('/me', requireAuth(), (c) => c.json({ ok: true }));
    const headers = new Headers();
    headers.append('authorization', 'Basic dXNlcjpwYXNz');
    headers.append('authorization', `Bearer ${user}`);
    const response = await app.request('/me', { headers });
    expect((await answer(response)).body).toMatchObject({ error: 'invalid_request' });
    expect(response.status).toBe(400);
  });

  it('in optional mode lets anonymous requests through without auth, still checks tokens', async () => {
    const optional = authenticate({ ...options(), optional: true });
    closers.push(optional.close);
    const app = new Hono().get('/feed', optional, (c) =>
      c.json({ sub: c.get('auth')?.subject ?? null }),
    );
    const anonymous = await app.request('/feed');
    const bad = await app.request('/feed', bearer(`${user}x`));
    expect(await anonymous.json()).toEqual({ sub: null });
    expect([bad.status, (await answer(bad)).body]).toEqual([
      401,
      expect.objectContaining({ error: 'invalid_token' }),
    ]);
  });

  it('reads a form-body token when allowBodyToken, leaving the body to the handler', async () => {
    const withBody = authenticate({ ...options(), optional: false, allowBodyToken: true });
    closers.push(withBody.close);
    const app = new Hono().post('/orders', withBody, async (c) =>
      c.json({ sub: c.get('auth').subject, form: await c.req.parseBody() }),
    );
    const response = await app.request('/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `access_token=${user}&item=book`,
    });
    expect(await response.json()).toEqual({
      sub: 'user-1',
      form: { access_token: user, item: 'book' },
    });
  });

  it('refuses unknown options and bad flags at build time with a TypeError', () => {
    expect(() => authenticate({ ...options(), respond: false } as never)).toThrow(TypeError);
    expect(() => authenticate({ ...options(), optional: 'yes' } as never)).toThrow(TypeError);
  });

  it('close() stops the verifier it built and is idempotent', async () => {
    const middleware = authenticate(options());
    await middleware.close();
    await expect(middleware.close()).resolves.toBeUndefined();
  });

  it('lets a non-tokengate error from a handler reach app.onError', async () => {
    const app = new Hono();
    app.onError((error, c) =>
      error instanceof HTTPException ? error.getResponse() : c.text('app error', 500),
    );
    app.get('/boom', requireAuth(), () => {
      throw new HTTPException(418, { message: 'teapot' });
    });
    const response = await app.request('/boom', bearer(user));
    expect([response.status, await response.text()]).toEqual([418, 'teapot']);
  });
});

describe('authorize()', () => {
  it('admits a token the rule accepts and refuses one it does not, with the realm', async () => {
    const app = new Hono().get('/admin', requireAuth(), authorize(anyGroup('admin')), (c) =>
      c.json({ sub: c.get('auth').subject }),
    );
    const allowed = await app.request('/admin', bearer(admin));
    const refused = await app.request('/admin', bearer(user));
    expect(await allowed.json()).toEqual({ sub: 'admin-1' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('realm="api"');
  });

  it('answers insufficient_scope with the scopes in the challenge', async () => {
    const app = new Hono().post(
      '/orders',
      requireAuth(),
      authorize(allScopes('orders:write')),
      (c) => c.json({ ok: true }),
    );
    const response = await app.request('/orders', { method: 'POST', ...bearer(user) });
    expect(response.headers.get('www-authenticate')).toContain('scope="orders:write"');
    expect((await answer(response)).body).toMatchObject({ error: 'insufficient_scope' });
  });

  it('refuses with a 401 when no authenticate() ran or another middleware set auth', async () => {
    const app = new Hono<{ Variables: { auth: unknown } }>();
    app.get('/bare', authorize(), (c) => c.json({ ok: true }));
    app.get(
      '/forged',
      async (c, next) => {
        c.set('auth', { subject: 'root', groups: ['admin'] });
        await next();
      },
      authorize(anyGroup('admin')),
      (c) => c.json({ ok: true }),
    );
    const bare = await app.request('/bare');
    const forged = await app.request('/forged');
    expect([bare.status, forged.status]).toEqual([401, 401]);
  });

  it('validates its rule at build time with a TypeError', () => {
    expect(() => authorize({ kind: 'nonsense' } as never)).toThrow(TypeError);
  });
});
