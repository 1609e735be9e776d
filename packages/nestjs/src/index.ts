export { TokengateModule } from './tokengate-module.js';
export type { TokengateModuleAsyncOptions, TokengateModuleOptions } from './tokengate-module.js';
export { TokengateGuard } from './tokengate-guard.js';
export { TOKENGATE_GATE } from './tokengate-gate.js';
export { Auth, Public } from './auth-decorators.js';
export type { ClassOrMethodDecorator, RoutePolicy } from './auth-decorators.js';
export { CurrentAuth } from './current-auth.js';
export type { CurrentAuthOptions } from './current-auth.js';
export { TokengateHttpException } from './tokengate-exception.js';
// The core's issuers, rules and errors, so an app needs one import.
export * from '@tokengate/core';
