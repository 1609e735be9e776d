// Type tests: `expectTypeOf` does nothing at run time; `pnpm typecheck` (which includes `test/`)
// is what checks them. Each test also makes one real assertion, so none is empty at run time.
import {
  allGroups,
  allScopes,
  and,
  anyGroup,
  anyScope,
  claimEquals,
  claimIncludes,
  claimSatisfies,
  clientIdIn,
  noGroup,
  not,
  or,
  type ClaimValue,
  type JwtClaims,
  type Rule,
  type VerifiedToken,
} from '@tokengate/core';
import * as tokengateExpress from '@tokengate/express';
import type { AuthenticatedRequest as ExpressAuthenticatedRequest } from '@tokengate/express';
import * as tokengateFastify from '@tokengate/fastify';
import type { AuthenticatedRequest as FastifyAuthenticatedRequest } from '@tokengate/fastify';
import * as tokengateKoa from '@tokengate/koa';
import type { AuthenticatedContext } from '@tokengate/koa';
import type { Request } from 'express';
import type { FastifyContextConfig, FastifyInstance, FastifyRequest } from 'fastify';
import type { DefaultState } from 'koa';
import { describe, expect, expectTypeOf, it } from 'vitest';

type Tenant = { 'custom:tenant': string };

describe('Express request augmentation', () => {
  it('adds an optional auth to every Request', () => {
    expectTypeOf<Request['auth']>().toEqualTypeOf<VerifiedToken | undefined>();
    expect(typeof tokengateExpress.authenticate).toBe('function');
  });

  it('types your own claims on AuthenticatedRequest', () => {
    type Auth = ExpressAuthenticatedRequest<Tenant>['auth'];
    expectTypeOf<Auth>().toExtend<VerifiedToken<JwtClaims & Tenant>>();
    expectTypeOf<Auth>().not.toBeNullable();
    expectTypeOf<Auth['claims']['custom:tenant']>().toEqualTypeOf<string>();
    // Standard claims keep their types next to yours.
    expectTypeOf<Auth['claims']['sub']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ExpressAuthenticatedRequest['auth']['claims']['custom:tenant']>().toBeUnknown();
    expect(typeof tokengateExpress.authorize).toBe('function');
  });
});

describe('Koa state augmentation', () => {
  it('adds an optional auth to DefaultState', () => {
    expectTypeOf<DefaultState['auth']>().toEqualTypeOf<VerifiedToken | undefined>();
    expect(typeof tokengateKoa.authenticate).toBe('function');
  });

  it('types your own claims on AuthenticatedContext', () => {
    type Auth = AuthenticatedContext<Tenant>['state']['auth'];
    expectTypeOf<Auth['claims']['custom:tenant']>().toEqualTypeOf<string>();
    expectTypeOf<Auth>().not.toBeNullable();
    expect(typeof tokengateKoa.authorize).toBe('function');
  });
});

describe('Fastify augmentation', () => {
  it('declares request.auth as VerifiedToken | null', () => {
    expectTypeOf<FastifyRequest['auth']>().toEqualTypeOf<VerifiedToken | null>();
    expect(typeof tokengateFastify.tokengate).toBe('function');
  });

  it('takes a route-level auth config of true or a Rule', () => {
    expectTypeOf<FastifyContextConfig['auth']>().toEqualTypeOf<boolean | Rule | undefined>();
    expectTypeOf<{ auth: Rule }>().toExtend<FastifyContextConfig>();
    expectTypeOf<{ auth: 'admin' }>().not.toExtend<FastifyContextConfig>();
    expect(anyGroup('admin')).toMatchObject({ type: 'groups' });
  });

  it('decorates the instance with authenticate and authorize hooks', () => {
    expectTypeOf<FastifyInstance['authorize']>().parameter(0).toEqualTypeOf<Rule | undefined>();
    expectTypeOf<FastifyInstance['authenticate']>().returns.toEqualTypeOf<Promise<void>>();
    type Auth = FastifyAuthenticatedRequest<Tenant>['auth'];
    expectTypeOf<Auth['claims']['custom:tenant']>().toEqualTypeOf<string>();
    expect(tokengateFastify.anyGroup).toBe(anyGroup);
  });
});

describe('rule typing', () => {
  it('every constructor returns a Rule', () => {
    for (const build of [allScopes, anyScope, allGroups, anyGroup, noGroup, clientIdIn]) {
      expectTypeOf(build).parameters.toEqualTypeOf<string[]>();
      expectTypeOf(build).returns.toEqualTypeOf<Rule>();
      expect(Object.isFrozen(build('x'))).toBe(true);
    }
    expectTypeOf(claimEquals).returns.toEqualTypeOf<Rule>();
    expectTypeOf(claimIncludes).returns.toEqualTypeOf<Rule>();
    expectTypeOf(claimSatisfies).returns.toEqualTypeOf<Rule>();
    expectTypeOf(and).returns.toEqualTypeOf<Rule>();
    expectTypeOf(or).returns.toEqualTypeOf<Rule>();
    expectTypeOf(not).returns.toEqualTypeOf<Rule>();
    expect(not(and(anyGroup('a'), or(anyScope('b'))))).toMatchObject({ type: 'not' });
  });

  it('claim rules take names or paths and JSON primitives only', () => {
    expectTypeOf(claimEquals).parameter(0).toEqualTypeOf<string | readonly string[]>();
    expectTypeOf(claimEquals).parameter(1).toEqualTypeOf<ClaimValue>();
    expectTypeOf<ClaimValue>().toEqualTypeOf<string | number | boolean | null>();
    expectTypeOf(claimSatisfies)
      .parameter(1)
      .toEqualTypeOf<(value: unknown, auth: VerifiedToken) => boolean>();
    const path = ['realm_access', 'roles'] as const;
    expect(claimIncludes(path, 'admin')).toMatchObject({ path: ['realm_access', 'roles'] });
    // @ts-expect-error objects are not claim values
    expect(() => claimEquals('tenant', { id: 'acme' })).toThrow(TypeError);
    // @ts-expect-error undefined is not a claim value
    expect(() => claimIncludes('amr', undefined)).toThrow(TypeError);
    // @ts-expect-error scopes are strings
    expect(() => anyScope(1)).toThrow(TypeError);
    // @ts-expect-error not takes a rule
    expect(() => not('admin')).toThrow(TypeError);
  });
});
