export { tokengate } from './plugin.js';
export type { TokengatePluginOptions } from './plugin.js';
export type { AuthenticatedRequest } from './fastify-augmentation.js';
export { withAuth } from './with-auth.js';
// The core's issuers, rules and errors, so an app needs one import.
export * from '@tokengate/core';
