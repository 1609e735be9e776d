import type { JwtClaims, Rule, VerifiedToken } from '@tokengate/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified token; `null` until authenticated, and for anonymous requests in optional mode. */
    auth: VerifiedToken | null;
  }
  interface FastifyInstance {
    /** A hook that verifies the bearer token and sets `request.auth`. */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** A hook that needs `request.auth` (401) and, if given, a rule (403). */
    authorize: (rule?: Rule) => (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
  interface FastifyContextConfig {
    /**
     * Protect this route: `true` for any valid token, or a rule such as `anyGroup('admin')`.
     * Enforced when the tokengate plugin is registered on this route's instance or an ancestor.
     */
    auth?: boolean | Rule;
  }
}

/**
 * A request that passed authentication, with your own claims type.
 *
 * @example
 * ```ts
 * app.get('/tenant', { config: { auth: true } }, (request) => {
 *   const { claims } = (request as AuthenticatedRequest<{ 'custom:tenant': string }>).auth;
 *   return { tenant: claims['custom:tenant'] };
 * });
 * ```
 */
export type AuthenticatedRequest<C extends object = JwtClaims> = FastifyRequest & {
  auth: VerifiedToken<JwtClaims & C>;
};
