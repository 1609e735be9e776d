import {
  Inject,
  Injectable,
  Logger,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { isTokengateError, type Gate } from '@tokengate/core';
import type { RoutePolicy } from './auth-decorators.js';
import { gateRequest, primeResponse, setHeader, type PlatformRequest } from './platform.js';
import { POLICY, REALM } from './tokens.js';
import { TOKENGATE_GATE } from './tokengate-gate.js';
import { TokengateHttpException } from './tokengate-exception.js';

/**
 * The Nest guard: per request it maps the platform's request (Express or Fastify) to the core's
 * gate, built once by `TokengateModule`, verifies the bearer token, stores it on the request
 * (`request.auth`, read with `@CurrentAuth()`) and checks the route's `@Auth()` rules.
 *
 * Which routes it guards:
 * - `@Public()` (on the handler, or on the class without an `@Auth()` handler): let through,
 *   the request is not read;
 * - `@Auth(rule?)` on the class and/or the handler: a valid token the rules accept;
 * - neither: a valid token (fail closed), or none at all when the module is `optional`;
 * - a non-HTTP context (RPC, WebSocket, GraphQL) that is not `@Public()`: refused, as this
 *   guard only reads HTTP requests.
 *
 * Failures are thrown as `TokengateHttpException` (status, `{ error, error_description }`);
 * the challenge headers are set on the response first, so they reach the client whatever
 * exception filter answers.
 *
 * @example
 * ```ts
 * @Controller()
 * @UseGuards(TokengateGuard)
 * class MeController {
 *   @Get('me') me(@CurrentAuth() auth: VerifiedToken) { return { sub: auth.subject }; }
 * }
 * ```
 */
export class TokengateGuard implements CanActivate {
  static readonly #logger = new Logger('TokengateGuard');
  readonly #reflector: Reflector;
  readonly #gate: Gate;

  constructor(reflector: Reflector, gate: Gate) {
    this.#reflector = reflector;
    this.#gate = gate;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const handler = this.#reflector.get<RoutePolicy | undefined>(POLICY, context.getHandler());
    const owner = this.#reflector.get<RoutePolicy | undefined>(POLICY, context.getClass());
    if (handler?.public === true || (handler === undefined && owner?.public === true)) return true;
    if (context.getType() !== 'http') return false;
    const http = context.switchToHttp();
    const request = http.getRequest<PlatformRequest>();
    const gate = this.#gate;
    const mapped = gateRequest(request);
    try {
      const auth = await gate.authenticate(mapped);
      if (auth !== undefined) request.auth = auth;
      // RFC 9449 §8.2: with server nonces on, every answer carries the nonce to use next.
      const nonce = gate.dpopNonce();
      const value = typeof nonce === 'string' || nonce === undefined ? nonce : await nonce;
      if (value !== undefined) setHeader(http.getResponse(), 'DPoP-Nonce', value);
      if (gate.realm !== undefined) request[REALM] = gate.realm;
      // `@Auth()` requires a token even in optional mode; each level's rule must accept it.
      if (owner?.public === false) gate.authorize(auth, owner.rule);
      if (handler?.public === false) gate.authorize(auth, handler.rule);
      return true;
    } catch (error) {
      // Only tokengate errors leave the gate; anything else goes to Nest's handler as is (500).
      if (!isTokengateError(error)) throw error;
      error.realm ??= gate.realm;
      // A rule's refusal gets the gate's challenges (DPoP's, `resource_metadata`) too.
      gate.challenge(error, mapped, request.auth);
      // An IdP outage is a server-side failure: log it as Nest logs unknown errors.
      if (error.status >= 500) TokengateGuard.#logger.error(error.message, error.stack);
      primeResponse(http.getResponse(), error);
      throw new TokengateHttpException(error);
    }
  }
}

// Decorators applied as functions: this package compiles without `experimentalDecorators`, and
// the dependencies are named (no `emitDecoratorMetadata` needed by the build or the app).
Injectable()(TokengateGuard);
Inject(Reflector)(TokengateGuard, undefined, 0);
Inject(TOKENGATE_GATE)(TokengateGuard, undefined, 1);
