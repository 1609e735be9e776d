import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { assertKnownKeys, isVerifiedToken, MissingTokenError } from '@tokengate/core';
import { primeResponse, type PlatformRequest } from './platform.js';
import { REALM } from './tokens.js';
import { TokengateHttpException } from './tokengate-exception.js';

/**
 * Options of {@link CurrentAuth}. Checked when the decorator is applied, with `TypeError`.
 *
 * @example
 * ```ts
 * @Get('greeting')
 * @Public()
 * greeting(@CurrentAuth({ optional: true }) auth: VerifiedToken | undefined) {
 *   return auth === undefined ? 'hello, stranger' : `hello, ${auth.subject}`;
 * }
 * ```
 */
export interface CurrentAuthOptions {
  /**
   * Resolve to `undefined` when the request carries no verified token (an `optional` module,
   * a `@Public()` route) instead of refusing it. Type the parameter `VerifiedToken | undefined`.
   */
  readonly optional?: boolean;
}

const KEYS = new Set(['optional']);

const currentAuth = createParamDecorator((optional: boolean, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<PlatformRequest>();
  const auth = request.auth;
  // Only the guard's result counts, not a `req.auth` another middleware set (express-jwt does).
  if (isVerifiedToken(auth)) return auth;
  if (optional) return undefined;
  // No guard ran on this route, or it let an anonymous request through: fail closed.
  const error = new MissingTokenError({ realm: request[REALM] });
  primeResponse(context.switchToHttp().getResponse(), error);
  throw new TokengateHttpException(error);
});

/**
 * The verified token of the request, as a handler parameter. Type it with your claims:
 * `@CurrentAuth() auth: VerifiedToken<MyClaims>` (the claims type is your promise about your
 * tokens, as a typed body is). Without a verified token (no `TokengateGuard` on the route, an
 * anonymous request on an `optional` module) the handler does not run: 401, unless
 * `{ optional: true }`.
 *
 * @example
 * ```ts
 * @Get('me') me(@CurrentAuth() auth: VerifiedToken<JwtClaims & { 'custom:tenant': string }>) {
 *   return { sub: auth.subject, tenant: auth.claims['custom:tenant'] };
 * }
 * ```
 */
export function CurrentAuth(options?: CurrentAuthOptions): ParameterDecorator {
  if (options !== undefined) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('@CurrentAuth(): options must be an object');
    }
    assertKnownKeys(options, KEYS, '@CurrentAuth()');
    if (options.optional !== undefined && typeof options.optional !== 'boolean') {
      throw new TypeError('@CurrentAuth(): optional must be a boolean');
    }
  }
  return currentAuth(options?.optional === true);
}
