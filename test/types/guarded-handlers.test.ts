// Type tests: a handler behind `withAuth()` gets `auth` non-optional, with the app's and the
// route's claims, in all three adapters; an unwrapped handler keeps it optional. `pnpm
// typecheck` checks the `expectTypeOf` calls and the `@ts-expect-error` lines (an unused one is
// an error too); the handlers are registered on apps that never listen, and each test makes a
// real assertion at run time. test/conformance/with-auth.test.ts proves the run-time check.
import { cognitoIssuer, type JwtClaims, type VerifiedToken } from '@tokengate/core';
import * as tgExpress from '@tokengate/express';
import * as tgFastify from '@tokengate/fastify';
import * as tgKoa from '@tokengate/koa';
import Router, { type RouterContext } from '@koa/router';
import express from 'express';
import Fastify, { type FastifyRequest } from 'fastify';
import { describe, expect, expectTypeOf, it } from 'vitest';

type Tenant = { readonly 'custom:tenant': string };
type Claims = JwtClaims & Tenant;
// Built, never called: no request is made, so no key is ever fetched.
const issuers = [
  cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789' }),
];

describe('Express: withAuth()', () => {
  const app = express();
  const requireAuth = tgExpress.authenticate({ issuers });

  it('types req.auth as set in a wrapped handler, optional elsewhere', () => {
    const handler = tgExpress.withAuth((req, res) => {
      expectTypeOf(req.auth).not.toBeNullable();
      expectTypeOf(req.auth).toExtend<VerifiedToken>();
      res.json({ sub: req.auth.subject });
    });
    app.get('/me', requireAuth, handler);
    app.get('/optional', requireAuth, (req, res) => {
      expectTypeOf(req.auth).toEqualTypeOf<VerifiedToken | undefined>();
      // @ts-expect-error unguarded: `auth` may be absent
      res.json({ sub: req.auth.subject });
    });
    expect(typeof handler).toBe('function');
  });

  it('takes the claims type from an AuthenticatedRequest annotation or a type argument', () => {
    const annotated = tgExpress.withAuth((req: tgExpress.AuthenticatedRequest<Tenant>, res) => {
      expectTypeOf(req.auth.claims['custom:tenant']).toEqualTypeOf<string>();
      expectTypeOf(req.auth).toExtend<VerifiedToken<Claims>>();
      res.json({ tenant: req.auth.claims['custom:tenant'] });
    });
    const explicit = tgExpress.withAuth<Tenant>((req, res) => {
      expectTypeOf(req.auth.claims['custom:tenant']).toEqualTypeOf<string>();
      expectTypeOf(req.auth.claims.sub).toEqualTypeOf<string | undefined>();
      res.end();
    });
    app.get('/tenant', requireAuth, annotated);
    app.get('/tenant2', requireAuth, tgExpress.authorize(), explicit);
    app.get(
      '/users/:id',
      requireAuth,
      tgExpress.withAuth(
        async (req: tgExpress.AuthenticatedRequest<object, { id: string }>, res) => {
          expectTypeOf(req.params.id).toEqualTypeOf<string>();
          res.end();
        },
      ),
    );
    expect(annotated).not.toBe(explicit);
  });

  it('still refuses an annotated bare handler (TS2769): nothing proves auth is set', () => {
    // @ts-expect-error TS2769: a bare handler cannot claim `auth`; wrap it in withAuth()
    app.get('/bare', requireAuth, (req: tgExpress.AuthenticatedRequest<Tenant>, res) => {
      res.json(req.auth.subject);
    });
    expect(app).toBeTypeOf('function');
  });

  it('rejects misuse', () => {
    // @ts-expect-error claims are an object type
    tgExpress.withAuth<'admin'>((_req, res) => res.end());
    tgExpress.withAuth((req, res) => {
      // @ts-expect-error claims are read-only
      req.auth.claims.sub = 'someone-else';
      res.end();
    });
    // @ts-expect-error a handler is required
    expect(() => tgExpress.withAuth()).toThrow(TypeError);
  });
});

describe('Koa: withAuth()', () => {
  const router = new Router();
  const requireAuth = tgKoa.authenticate({ issuers });

  it('types ctx.state.auth as set in a wrapped handler, optional elsewhere', () => {
    router.get(
      '/me',
      requireAuth,
      tgKoa.withAuth((ctx) => {
        expectTypeOf(ctx.state.auth).not.toBeNullable();
        expectTypeOf(ctx.state.auth).toExtend<VerifiedToken>();
        ctx.body = { sub: ctx.state.auth.subject };
      }),
    );
    router.get('/optional', requireAuth, (ctx) => {
      expectTypeOf(ctx.state.auth).toEqualTypeOf<VerifiedToken | undefined>();
      // @ts-expect-error unguarded: `auth` may be absent
      ctx.body = { sub: ctx.state.auth.subject };
    });
    expect(router.stack.length).toBe(2);
  });

  it('takes the claims type from an AuthenticatedContext annotation or a type argument', () => {
    router.get(
      '/tenant',
      requireAuth,
      tgKoa.withAuth((ctx: tgKoa.AuthenticatedContext<Tenant>) => {
        expectTypeOf(ctx.state.auth.claims['custom:tenant']).toEqualTypeOf<string>();
        expectTypeOf(ctx.state.auth).toExtend<VerifiedToken<Claims>>();
      }),
    );
    router.get(
      '/tenant2',
      requireAuth,
      tgKoa.withAuth<Tenant>((ctx) => {
        expectTypeOf(ctx.state.auth.claims['custom:tenant']).toEqualTypeOf<string>();
      }),
    );
    // A router's context, for `ctx.params`.
    router.get(
      '/users/:id',
      requireAuth,
      tgKoa.withAuth((ctx: tgKoa.AuthenticatedContext<Tenant, RouterContext>) => {
        expectTypeOf(ctx.params).toEqualTypeOf<Record<string, string>>();
        expectTypeOf(ctx.state.auth.claims['custom:tenant']).toEqualTypeOf<string>();
      }),
    );
    expect(router.stack.length).toBe(5);
  });

  it('rejects misuse', () => {
    // @ts-expect-error claims are an object type
    tgKoa.withAuth<'admin'>(() => undefined);
    tgKoa.withAuth((ctx) => {
      // @ts-expect-error claims are read-only
      ctx.state.auth.claims.sub = 'someone-else';
    });
    // @ts-expect-error a handler is required
    expect(() => tgKoa.withAuth()).toThrow(TypeError);
  });
});

describe('Fastify: withAuth()', () => {
  const app = Fastify();

  it('types request.auth as set in a wrapped handler, VerifiedToken | null elsewhere', () => {
    app.get(
      '/me',
      { config: { auth: true } },
      tgFastify.withAuth(async (request) => {
        expectTypeOf(request.auth).not.toBeNullable();
        expectTypeOf(request.auth).toExtend<VerifiedToken>();
        return { sub: request.auth.subject };
      }),
    );
    app.get('/optional', async (request) => {
      expectTypeOf(request.auth).toEqualTypeOf<VerifiedToken | null>();
      // @ts-expect-error unguarded: `auth` may be null
      return { sub: request.auth.subject };
    });
    app.route({
      method: 'GET',
      url: '/route',
      config: { auth: true },
      handler: tgFastify.withAuth((request, reply) => {
        reply.send({ sub: request.auth.subject });
      }),
    });
    expect(app.hasRoute({ method: 'GET', url: '/route' })).toBe(true);
  });

  it('takes the claims type from an AuthenticatedRequest annotation or a type argument', () => {
    app.get(
      '/tenant',
      { config: { auth: true } },
      tgFastify.withAuth(async (request: tgFastify.AuthenticatedRequest<Tenant>) => {
        expectTypeOf(request.auth.claims['custom:tenant']).toEqualTypeOf<string>();
        expectTypeOf(request.auth).toExtend<VerifiedToken<Claims>>();
        return { tenant: request.auth.claims['custom:tenant'] };
      }),
    );
    app.get(
      '/tenant2',
      { config: { auth: true } },
      tgFastify.withAuth<Tenant>(async (request) => request.auth.claims['custom:tenant']),
    );
    // The route generic flows through the wrapper…
    app.get<{ Params: { id: string } }>(
      '/users/:id',
      { config: { auth: true } },
      tgFastify.withAuth(async (request) => {
        expectTypeOf(request.params.id).toEqualTypeOf<string>();
        return request.params.id;
      }),
    );
    // …or comes with the request type as the second argument.
    type ById = FastifyRequest<{ Params: { id: string } }>;
    app.get(
      '/tenants/:id',
      { config: { auth: true } },
      tgFastify.withAuth(async (request: tgFastify.AuthenticatedRequest<Tenant, ById>) => {
        expectTypeOf(request.params.id).toEqualTypeOf<string>();
        return request.auth.claims['custom:tenant'];
      }),
    );
    expect(app.hasRoute({ method: 'GET', url: '/tenants/:id' })).toBe(true);
  });

  it('still refuses an annotated bare handler: nothing proves auth is set', () => {
    app.get(
      '/bare',
      { config: { auth: true } },
      // @ts-expect-error a bare handler cannot claim `auth`; wrap it in withAuth()
      async (request: tgFastify.AuthenticatedRequest<Tenant>) => request.auth.subject,
    );
    expect(app.hasRoute({ method: 'GET', url: '/bare' })).toBe(true);
  });

  it('rejects misuse', () => {
    // @ts-expect-error claims are an object type
    tgFastify.withAuth<'admin'>(async () => null);
    tgFastify.withAuth(async (request) => {
      // @ts-expect-error claims are read-only
      request.auth.claims.sub = 'someone-else';
    });
    // @ts-expect-error a handler is required
    expect(() => tgFastify.withAuth()).toThrow(TypeError);
  });
});
