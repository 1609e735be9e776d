export { authenticate } from './authenticate.js';
export type { KoaAuthenticateOptions } from './authenticate.js';
export { authorize } from './authorize.js';
export { resourceMetadata } from './resource-metadata.js';
export type { AuthenticatedContext } from './state-augmentation.js';
export { withAuth } from './with-auth.js';
// The core's issuers, rules and errors, so an app needs one import. Local names win over
// these: `authorize` here is the Koa middleware.
export * from '@tokengate/core';
