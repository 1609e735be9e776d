/**
 * Hono 4 middleware for tokengate, on Node, Bun, Deno and Cloudflare Workers: `authenticate()`
 * verifies the bearer token and sets `c.get('auth')`, `authorize(rule)` guards a route.
 * Re-exports all of `@tokengate/core`.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { anyGroup, authenticate, authorize, cognitoIssuer } from '@tokengate/hono';
 *
 * const requireAuth = authenticate({
 *   issuers: [cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789' })],
 * });
 * const app = new Hono()
 *   .get('/me', requireAuth, (c) => c.json({ sub: c.get('auth').subject }))
 *   .get('/admin', requireAuth, authorize(anyGroup('admin')), (c) => c.json({ ok: true }));
 * ```
 *
 * @module \@tokengate/hono
 */
export { authenticate } from './authenticate.js';
export type { AuthenticateMiddleware, HonoAuthenticateOptions } from './authenticate.js';
export { authorize } from './authorize.js';
export type { AuthEnv, OptionalAuthEnv } from './env.js';
export { resourceMetadata } from './resource-metadata.js';
// The core's issuers, rules and errors, so an app needs one import. Local names win over
// these: `authorize` here is the Hono middleware.
export * from '@tokengate/core';
