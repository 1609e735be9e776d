/**
 * Koa middleware for tokengate (Koa 2 and 3): `authenticate()` verifies the bearer token and
 * sets `ctx.state.auth`, `authorize(rule)` guards a route. Re-exports all of `@tokengate/core`.
 *
 * @example
 * ```ts
 * import Koa from 'koa';
 * import Router from '@koa/router';
 * import { anyGroup, authenticate, authorize, cognitoIssuer, withAuth } from '@tokengate/koa';
 *
 * const app = new Koa();
 * const router = new Router();
 * const requireAuth = authenticate({
 *   issuers: [cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789' })],
 * });
 * router.get('/me', requireAuth, withAuth((ctx) => { ctx.body = { sub: ctx.state.auth.subject }; }));
 * router.get('/admin', requireAuth, authorize(anyGroup('admin')), (ctx) => { ctx.body = { ok: true }; });
 * app.use(router.routes());
 * ```
 *
 * @module \@tokengate/koa
 */
export { authenticate } from './authenticate.js';
export type { KoaAuthenticateOptions } from './authenticate.js';
export { authorize } from './authorize.js';
export { resourceMetadata } from './resource-metadata.js';
export type { AuthenticatedContext } from './state-augmentation.js';
export { withAuth } from './with-auth.js';
// The core's issuers, rules and errors, so an app needs one import. Local names win over
// these: `authorize` here is the Koa middleware.
export * from '@tokengate/core';
