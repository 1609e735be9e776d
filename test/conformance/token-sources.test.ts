// Tokens from a cookie (`tokenCookie`) and from the application's own extraction (`getToken`),
// identical in every adapter: one credential per request (RFC 6750 §2), malformed values are a
// 401 and never a 500, the application's errors never leak, and a cookie-carried token needs
// the anti-CSRF header on unsafe methods.
import { oidcIssuer, type BearerRequest, type GateOptions } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw, type RawResponse } from '../support/raw-http-client.js';
import { startApp, type AdapterName, type RunningApp } from './apps.js';

const ADAPTERS: readonly AdapterName[] = [
  'express',
  'koa',
  'fastify',
  'hono',
  'nestjs',
  'nestjs-fastify',
];

let idp: TestIssuer;
const apps = new Map<string, RunningApp>();

/** The application's own extraction: an `x-api-token` header; `x-boom` makes it throw. */
function getToken(request: BearerRequest): string | undefined {
  let token: string | undefined;
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i]!.toLowerCase();
    if (name === 'x-boom') throw new Error('secret internal detail');
    if (name === 'x-api-token') token = request.rawHeaders[i + 1];
  }
  return token;
}

beforeAll(async () => {
  idp = await createTestIssuer();
  const base: GateOptions = {
    issuers: [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience })],
  };
  const variants: Record<string, GateOptions> = {
    cookie: { ...base, tokenCookie: 'at' },
    cookieNoCsrf: { ...base, tokenCookie: { name: 'at', csrfHeader: false } },
    cookieCustomCsrf: { ...base, tokenCookie: { name: 'at', csrfHeader: 'X-CSRF' } },
    custom: { ...base, getToken },
  };
  await Promise.all(
    ADAPTERS.flatMap((adapter) =>
      Object.entries(variants).map(async ([name, options]) => {
        apps.set(`${adapter}:${name}`, await startApp(adapter, options));
      }),
    ),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all([...apps.values()].map((app) => app.close()));
  await idp.close();
});

function json(response: RawResponse): Record<string, unknown> {
  return JSON.parse(response.body) as Record<string, unknown>;
}

describe.each(ADAPTERS)('%s', (adapter) => {
  const port = (variant: string): number => {
    const app = apps.get(`${adapter}:${variant}`);
    if (app === undefined) throw new Error(`${adapter}:${variant} did not start`);
    return app.port;
  };
  const get = (variant: string, headers: [string, string][], path = '/me') =>
    sendRaw(port(variant), { path, headers });

  it('tokenCookie: the cookie is the token; other cookies are no credentials', async () => {
    const token = await idp.accessToken({ sub: 'cookie-user' });
    const ok = await get('cookie', [['Cookie', `theme=dark; at=${token}; lang=en`]]);
    expect([ok.status, json(ok).sub]).toEqual([200, 'cookie-user']);
    const none = await get('cookie', [['Cookie', 'theme=dark; att=x']]);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).not.toContain('error=');
    // HTTP/2 splits `Cookie` into several fields: one list.
    const split = await get('cookie', [
      ['Cookie', 'theme=dark'],
      ['Cookie', `at=${token}`],
    ]);
    expect(split.status).toBe(200);
  });

  it('tokenCookie: a second credential, a repeated cookie or a malformed value is refused', async () => {
    const token = await idp.accessToken();
    const both = await get('cookie', [
      ['Cookie', `at=${token}`],
      ['Authorization', `Bearer ${token}`],
    ]);
    expect([both.status, json(both).error]).toEqual([400, 'invalid_request']);
    const twice = await get('cookie', [['Cookie', `at=${token}; at=${token}`]]);
    expect([twice.status, json(twice).error]).toEqual([400, 'invalid_request']);
    for (const bad of ['%%%', 'a b', '"quoted"', 'tok%0Aen']) {
      const answer = await get('cookie', [['Cookie', `at=${bad}`]]);
      expect([answer.status, json(answer).error], bad).toEqual([401, 'invalid_token']);
    }
    const expired = await idp.accessToken({ expiresIn: -60 });
    const late = await get('cookie', [['Cookie', `at=${expired}`]]);
    expect([late.status, json(late).error]).toEqual([401, 'invalid_token']);
  });

  it('tokenCookie: unsafe methods need the anti-CSRF header; safe ones do not', async () => {
    const token = await idp.accessToken({ scopes: ['orders:write', 'orders:read'] });
    const cookie: [string, string] = ['Cookie', `at=${token}`];
    const post = (variant: string, headers: [string, string][]) =>
      sendRaw(port(variant), { method: 'POST', path: '/orders', headers });
    const forged = await post('cookie', [cookie]);
    expect([forged.status, json(forged).error]).toEqual([400, 'invalid_request']);
    expect((await post('cookie', [cookie, ['X-Requested-With', 'fetch']])).status).toBe(200);
    expect((await get('cookie', [cookie], '/orders')).status).toBe(200);
    expect((await post('cookieCustomCsrf', [cookie, ['X-Requested-With', 'fetch']])).status).toBe(
      400,
    );
    expect((await post('cookieCustomCsrf', [cookie, ['x-csrf', '1']])).status).toBe(200);
    expect((await post('cookieNoCsrf', [cookie])).status).toBe(200);
    // A header token is no cookie: no CSRF header needed.
    const header = await post('cookie', [['Authorization', `Bearer ${token}`]]);
    expect(header.status).toBe(200);
  });

  it('getToken: the application extracts; its errors are a 400 that does not leak them', async () => {
    const token = await idp.accessToken({ sub: 'custom-user' });
    const ok = await get('custom', [['X-Api-Token', token]]);
    expect([ok.status, json(ok).sub]).toEqual([200, 'custom-user']);
    const boom = await get('custom', [['X-Boom', '1']]);
    expect([boom.status, json(boom).error]).toEqual([400, 'invalid_request']);
    expect(boom.body).not.toContain('secret internal detail');
    const both = await get('custom', [
      ['X-Api-Token', token],
      ['Authorization', `Bearer ${token}`],
    ]);
    expect([both.status, json(both).error]).toEqual([400, 'invalid_request']);
    const bad = await get('custom', [['X-Api-Token', 'not a token']]);
    expect([bad.status, json(bad).error]).toEqual([401, 'invalid_token']);
    expect((await get('custom', [])).status).toBe(401);
  });
});

describe('options', () => {
  it('refuses malformed tokenCookie and getToken at build time', async () => {
    const { createGate } = await import('@tokengate/core');
    const issuers = [
      oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience }),
    ];
    for (const tokenCookie of [
      '',
      'a b',
      'a;b',
      { name: 'at', csrfHeader: 'a b' },
      { name: 'at', other: 1 },
      42,
    ]) {
      expect(
        () => createGate({ issuers, tokenCookie: tokenCookie as never }),
        JSON.stringify(tokenCookie),
      ).toThrow(TypeError);
    }
    expect(() => createGate({ issuers, getToken: 'x' as never })).toThrow(TypeError);
  });
});
