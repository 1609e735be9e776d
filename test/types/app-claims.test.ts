// Type tests of the app-wide claims (`TokengateClaims`, by module augmentation) and of the
// Cognito claim types. The augmentation would change `VerifiedToken` for every file of the
// repository's `tsc` program, so each snippet is compiled as its own program: a test fails
// when the snippet has a diagnostic it does not expect.
import type {
  CognitoAccessTokenClaims,
  CognitoIdTokenClaims,
  CognitoIdentity,
  CognitoM2MTokenClaims,
  JwtClaims,
  VerifiedToken,
} from '@tokengate/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { compileSnippet } from './compile-snippet.js';

const AUGMENTATION = `
declare module '@tokengate/core' {
  interface TokengateClaims {
    readonly 'custom:tenant': string;
  }
}
`;

describe('app-wide claims through TokengateClaims', () => {
  it('reach every adapter, verify() and withAuth()', () => {
    const diagnostics = compileSnippet(`
import { createVerifier, type VerifiedToken } from '@tokengate/core';
import * as tgExpress from '@tokengate/express';
import * as tgFastify from '@tokengate/fastify';
import * as tgKoa from '@tokengate/koa';
import Router from '@koa/router';
import express from 'express';
import Fastify from 'fastify';
import { expectTypeOf } from 'vitest';
${AUGMENTATION}
type Plan = { readonly 'custom:plan': 'free' | 'pro' };

const verified = await createVerifier({ issuers: [] }).verify('token');
expectTypeOf(verified.claims['custom:tenant']).toEqualTypeOf<string>();
expectTypeOf<VerifiedToken['claims']['custom:tenant']>().toEqualTypeOf<string>();

express().get('/', (req, res) => {
  expectTypeOf(req.auth?.claims['custom:tenant']).toEqualTypeOf<string | undefined>();
  res.end();
});
express().get('/me', tgExpress.withAuth<Plan>((req, res) => {
  expectTypeOf(req.auth.claims['custom:tenant']).toEqualTypeOf<string>();
  expectTypeOf(req.auth.claims['custom:plan']).toEqualTypeOf<'free' | 'pro'>();
  res.end();
}));

new Router().get('/', (ctx) => {
  expectTypeOf(ctx.state.auth?.claims['custom:tenant']).toEqualTypeOf<string | undefined>();
});
new Router().get('/me', tgKoa.withAuth((ctx: tgKoa.AuthenticatedContext<Plan>) => {
  expectTypeOf(ctx.state.auth.claims['custom:tenant']).toEqualTypeOf<string>();
  expectTypeOf(ctx.state.auth.claims['custom:plan']).toEqualTypeOf<'free' | 'pro'>();
}));

Fastify().get('/', async (request) => {
  expectTypeOf(request.auth?.claims['custom:tenant']).toEqualTypeOf<string | undefined>();
});
Fastify().get('/me', { config: { auth: true } }, tgFastify.withAuth(async (request) => {
  expectTypeOf(request.auth.claims['custom:tenant']).toEqualTypeOf<string>();
  return request.auth.claims['custom:tenant'];
}));
`);
    expect(diagnostics).toEqual([]);
  });

  it('are enforced where a VerifiedToken is built or read', () => {
    const diagnostics = compileSnippet(`
import type { VerifiedToken } from '@tokengate/core';
${AUGMENTATION}
declare const auth: VerifiedToken;
export const tenant: number = auth.claims['custom:tenant'];
export const forged: VerifiedToken['claims'] = { sub: 'x' };
`);
    // A string is not a number; claims without 'custom:tenant' are not the app's.
    expect(diagnostics.map((line) => line.split(' ')[0])).toEqual(['TS2322', 'TS2322']);
    expect(diagnostics[1]).toContain("'custom:tenant'");
  });

  it('leave VerifiedToken unchanged without an augmentation', () => {
    expectTypeOf<VerifiedToken['claims']['custom:tenant']>().toBeUnknown();
    expectTypeOf<VerifiedToken['claims']>().toExtend<JwtClaims>();
    expect(compileSnippet(`export const ok: number = 1;`)).toEqual([]);
    expect(compileSnippet(`export const ok: number = 'one';`)[0]).toMatch(/^TS2322 /);
  });
});

describe('Cognito claim types', () => {
  it('type a user access token', () => {
    type Access = CognitoAccessTokenClaims;
    expectTypeOf<Access['token_use']>().toEqualTypeOf<'access'>();
    expectTypeOf<Access['username']>().toEqualTypeOf<string>();
    expectTypeOf<Access['client_id']>().toEqualTypeOf<string>();
    expectTypeOf<Access['sub']>().toEqualTypeOf<string>();
    expectTypeOf<Access['jti']>().toEqualTypeOf<string>();
    expectTypeOf<Access['auth_time']>().toEqualTypeOf<number>();
    expectTypeOf<Access['cognito:groups']>().toEqualTypeOf<readonly string[] | undefined>();
    expectTypeOf<Access['scope']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Access['origin_jti']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Access['event_id']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<VerifiedToken<Access>['claims']['username']>().toEqualTypeOf<string>();
    expect(compileSnippet).toBeTypeOf('function');
  });

  it('type an ID token, its custom attributes and federated identities', () => {
    const diagnostics = compileSnippet(`
import type { CognitoIdTokenClaims, VerifiedToken } from '@tokengate/core';
import { expectTypeOf } from 'vitest';
declare const auth: VerifiedToken<CognitoIdTokenClaims>;
// Custom attributes may be absent: noUncheckedIndexedAccess adds undefined.
expectTypeOf(auth.claims['custom:tenant']).toEqualTypeOf<string | undefined>();
expectTypeOf(auth.claims['cognito:username']).toEqualTypeOf<string>();
expectTypeOf(auth.claims.aud).toEqualTypeOf<string>();
expectTypeOf(auth.claims.email_verified).toEqualTypeOf<boolean | undefined>();
expectTypeOf(auth.claims.identities?.[0]?.providerName).toEqualTypeOf<string | undefined>();
// @ts-expect-error custom attributes are strings
export const plan: number | undefined = auth.claims['custom:plan'];
// @ts-expect-error an ID token is not an access token
export const use: 'access' = auth.claims.token_use;
`);
    expect(diagnostics).toEqual([]);
    expectTypeOf<CognitoIdTokenClaims['token_use']>().toEqualTypeOf<'id'>();
    expectTypeOf<CognitoIdentity>().toHaveProperty('dateCreated').toEqualTypeOf<string>();
    expectTypeOf<CognitoIdentity['issuer']>().toEqualTypeOf<string | null>();
    expectTypeOf<CognitoIdTokenClaims['identities']>().toEqualTypeOf<
      readonly CognitoIdentity[] | undefined
    >();
  });

  it('type an M2M token: no user, no groups', () => {
    type M2M = CognitoM2MTokenClaims;
    expectTypeOf<M2M['token_use']>().toEqualTypeOf<'access'>();
    expectTypeOf<M2M['client_id']>().toEqualTypeOf<string>();
    expectTypeOf<M2M['username']>().toEqualTypeOf<undefined>();
    expectTypeOf<M2M['cognito:groups']>().toEqualTypeOf<undefined>();
    // A user access token is not an M2M token, and the other way round.
    expectTypeOf<CognitoAccessTokenClaims>().not.toExtend<M2M>();
    expectTypeOf<M2M>().not.toExtend<CognitoAccessTokenClaims>();
    expect(compileSnippet).toBeTypeOf('function');
  });
});
