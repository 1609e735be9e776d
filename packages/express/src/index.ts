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
