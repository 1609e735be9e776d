export { authenticate } from './authenticate.js';
export type { AuthenticateMiddleware, HonoAuthenticateOptions } from './authenticate.js';
export { authorize } from './authorize.js';
export type { AuthEnv, OptionalAuthEnv } from './env.js';
export { resourceMetadata } from './resource-metadata.js';
// The core's issuers, rules and errors, so an app needs one import. Local names win over
// these: `authorize` here is the Hono middleware.
export * from '@tokengate/core';
