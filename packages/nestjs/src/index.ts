/**
 * The NestJS module for tokengate (Nest 11 and 12, Express and Fastify platforms): a global
 * guard that fails closed, `@Auth(rule)` and `@Public()` route decorators and the
 * `@CurrentAuth()` parameter decorator. Re-exports all of `@tokengate/core`.
 *
 * @example
 * ```ts
 * import { Controller, Get, Module } from '@nestjs/common';
 * import { Auth, CurrentAuth, TokengateModule, anyGroup, cognitoIssuer, type VerifiedToken } from '@tokengate/nestjs';
 *
 * @Controller()
 * class ApiController {
 *   @Get('admin')
 *   @Auth(anyGroup('admin'))
 *   admin(@CurrentAuth() auth: VerifiedToken) {
 *     return { sub: auth.subject };
 *   }
 * }
 *
 * @Module({
 *   imports: [TokengateModule.forRoot({ issuers: [cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789' })] })],
 *   controllers: [ApiController],
 * })
 * export class AppModule {}
 * ```
 *
 * @module \@tokengate/nestjs
 */
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
