/**
 * The Fastify 5 plugin for tokengate: decorates `request.auth`, protects every route declared
 * with `config: { auth }` and answers errors with the RFC 6750 challenge. Re-exports all of
 * `@tokengate/core`.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { anyGroup, cognitoIssuer, tokengate, withAuth } from '@tokengate/fastify';
 *
 * const app = Fastify();
 * await app.register(tokengate, {
 *   issuers: [cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789' })],
 * });
 * app.get('/me', { config: { auth: true } }, withAuth(async (request) => ({ sub: request.auth.subject })));
 * app.get('/admin', { config: { auth: anyGroup('admin') } }, async () => ({ ok: true }));
 * ```
 *
 * @module \@tokengate/fastify
 */
export { tokengate } from './plugin.js';
export type { TokengatePluginOptions } from './plugin.js';
export type { AuthenticatedRequest } from './fastify-augmentation.js';
export { withAuth } from './with-auth.js';
// The core's issuers, rules and errors, so an app needs one import.
export * from '@tokengate/core';
