import type { JwtClaims, Rule, TokengateClaims, VerifiedToken } from '@tokengate/core';
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
 * A request that passed authentication: `auth` is set, with the app's claims
 * (`TokengateClaims`) and this route's own `C`. `Req` is the request it extends: Fastify's
 * `FastifyRequest` by default, or one with your route generic (`FastifyRequest<{ Params: … }>`).
 * Annotate a handler wrapped in `withAuth()` with it; Fastify cannot prove `auth` for a bare
 * handler, so there it does not compile.
 *
 * @example
 * ```ts
 * app.get('/tenant', { config: { auth: true } }, withAuth((request: AuthenticatedRequest<{ 'custom:tenant': string }>) => {
 *   return { tenant: request.auth.claims['custom:tenant'] };
 * }));
 * ```
 */
export type AuthenticatedRequest<
  C extends object = object,
  Req extends {
    /** As the plugin declares it on `FastifyRequest`. */
    auth: VerifiedToken | null;
  } = FastifyRequest,
> = Req & {
  /** The verified token, with the app's claims and the route's `C`. */
  auth: VerifiedToken<JwtClaims & TokengateClaims & C>;
};
