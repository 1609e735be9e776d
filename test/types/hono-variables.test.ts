// Type tests: Hono routes behind `authenticate()` see `c.get('auth')` set (through the
// middleware's `Env`, no global augmentation), with the app's and the route's claims; optional
// mode types it possibly undefined until an `authorize()` guard. `pnpm typecheck` checks the
// `expectTypeOf` calls and the `@ts-expect-error` lines; each test also asserts at run time.
import { cognitoIssuer, type JwtClaims, type VerifiedToken } from '@tokengate/core';
import { authenticate, authorize, anyGroup, type AuthEnv } from '@tokengate/hono';
import { Hono } from 'hono';
import { describe, expect, expectTypeOf, it } from 'vitest';

type Tenant = { readonly 'custom:tenant': string };
// Built, never called: no request is made, so no key is ever fetched.
const issuers = [
  cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789' }),
];

describe('Hono: c.get("auth")', () => {
  it('is set behind authenticate(), per route and app-wide', () => {
    const requireAuth = authenticate({ issuers });
    const app = new Hono().get('/me', requireAuth, (c) => {
      expectTypeOf(c.get('auth')).not.toBeNullable();
      expectTypeOf(c.get('auth')).toExtend<VerifiedToken>();
      return c.json({ sub: c.var.auth.subject });
    });
    const guarded = new Hono().use(requireAuth).get('/me', (c) => {
      expectTypeOf(c.get('auth')).not.toBeNullable();
      return c.json({ sub: c.get('auth').subject });
    });
    expect([typeof app.fetch, typeof guarded.fetch, typeof requireAuth.close]).toEqual([
      'function',
      'function',
      'function',
    ]);
  });

  it('is possibly undefined in optional mode, set again after authorize()', () => {
    const maybeAuth = authenticate({ issuers, optional: true });
    const app = new Hono()
      .get('/feed', maybeAuth, (c) => {
        expectTypeOf(c.get('auth')).toBeNullable();
        expectTypeOf(c.get('auth')).toExtend<VerifiedToken | undefined>();
        // @ts-expect-error optional: `auth` may be absent
        return c.json({ sub: c.get('auth').subject });
      })
      .get('/admin', maybeAuth, authorize(anyGroup('admin')), (c) => {
        expectTypeOf(c.get('auth')).not.toBeNullable();
        return c.json({ sub: c.get('auth').subject });
      });
    expect(typeof app.fetch).toBe('function');
  });

  it('carries route claims from authenticate<C>() or an AuthEnv<C> app', () => {
    const tenantAuth = authenticate<Tenant>({ issuers });
    const app = new Hono().get('/tenant', tenantAuth, (c) => {
      expectTypeOf(c.get('auth').claims['custom:tenant']).toEqualTypeOf<string>();
      expectTypeOf(c.get('auth')).toExtend<VerifiedToken<JwtClaims & Tenant>>();
      return c.json({ tenant: c.get('auth').claims['custom:tenant'] });
    });
    const typed = new Hono<AuthEnv<Tenant>>().get('/tenant', (c) =>
      c.json({ tenant: c.get('auth').claims['custom:tenant'] }),
    );
    expect([typeof app.fetch, typeof typed.fetch]).toEqual(['function', 'function']);
  });

  it('refuses a misspelt option and a non-boolean optional at compile time', () => {
    // @ts-expect-error not an option
    const thrown = (): unknown => authenticate({ issuers, optinal: true });
    // @ts-expect-error optional is a boolean
    const wrong = (): unknown => authenticate({ issuers, optional: 'yes' });
    expect(thrown).toThrow(TypeError);
    expect(wrong).toThrow(TypeError);
  });
});
