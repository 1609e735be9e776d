/**
 * Express middleware for tokengate (Express 4 and 5): `authenticate()` verifies the bearer
 * token and sets `req.auth`, `authorize(rule)` guards a route, `errorHandler()` answers with
 * the RFC 6750 challenge and a JSON body. Re-exports all of `@tokengate/core`.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { anyGroup, authenticate, authorize, cognitoIssuer, errorHandler, withAuth } from '@tokengate/express';
 *
 * const app = express();
 * const requireAuth = authenticate({
 *   issuers: [cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789' })],
 * });
 * app.get('/me', requireAuth, withAuth((req, res) => res.json({ sub: req.auth.subject })));
 * app.get('/admin', requireAuth, authorize(anyGroup('admin')), (req, res) => res.json({ ok: true }));
 * app.use(errorHandler());
 * ```
 *
 * @module \@tokengate/express
 */
export { authenticate } from './authenticate.js';
export { authorize } from './authorize.js';
export { errorHandler } from './error-handler.js';
export { resourceMetadata } from './resource-metadata.js';
export type { AuthenticatedRequest } from './request-augmentation.js';
export { withAuth } from './with-auth.js';
export type { AuthenticatedHandler } from './with-auth.js';
// The core's issuers, rules and errors, so an app needs one import. Local names win over
// these: `authorize` here is the Express middleware.
export * from '@tokengate/core';
