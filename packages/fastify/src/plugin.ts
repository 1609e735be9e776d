import {
  assertRule,
  createGate,
  TokengateError,
  type GateOptions,
  type Rule,
} from '@tokengate/core';
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  preValidationHookHandler,
  RouteOptions,
} from 'fastify';
import fp from 'fastify-plugin';

export type TokengatePluginOptions = GateOptions & {
  /**
   * Answer tokengate errors with their status, challenge and JSON body `{ error,
   * error_description }` by wrapping the error handler in place at registration. Default
   * `true`; with `false` your own error handler receives them (with `statusCode` and `headers`).
   */
  readonly errorHandler?: boolean;
};

type AuthHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

async function tokengatePlugin(
  fastify: FastifyInstance,
  options: TokengatePluginOptions,
): Promise<void> {
  const gate = createGate(options);
  // Body tokens (RFC 6750 §2.2) exist only after parsing; otherwise reject before reading the body.
  const hookName = options.allowBodyToken === true ? 'preValidation' : 'onRequest';

  fastify.decorateRequest('auth', null);

  const authenticate: AuthHook = async function authenticate(request) {
    const auth = await gate.authenticate({
      rawHeaders: request.raw.rawHeaders,
      url: request.raw.url,
      method: request.method,
      body: request.body,
    });
    if (auth !== undefined) request.auth = auth;
  };

  function authorize(rule?: Rule): AuthHook {
    assertRule(rule, 'authorize()');
    return async function authorizeRequest(request) {
      gate.authorize(request.auth, rule);
    };
  }

  fastify.decorate('authenticate', authenticate);
  fastify.decorate('authorize', authorize);

  // Per-route protection from route options: `config: { auth: true | rule }`.
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const rule = (route.config as { auth?: unknown } | undefined)?.auth;
    if (rule === undefined || rule === false) return;
    // `auth: true` requires a token even when the plugin is registered with `optional`. One
    // hook, built once per route, does both steps: a hook fewer per request.
    const required = rule === true ? undefined : rule;
    assertRule(required, 'config.auth');
    const hooks: AuthHook[] = [
      async function authenticateAndAuthorize(request, reply) {
        await authenticate(request, reply);
        gate.authorize(request.auth, required);
      },
    ];
    const existing = route[hookName] as onRequestHookHandler | onRequestHookHandler[] | undefined;
    const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
    route[hookName] = [...hooks, ...list] as onRequestHookHandler[] & preValidationHookHandler[];
  });

  if (options.errorHandler !== false) {
    const previous = fastify.errorHandler;
    fastify.setErrorHandler(function tokengateErrorHandler(error: FastifyError, request, reply) {
      if (!(error instanceof TokengateError)) return previous.call(this, error, request, reply);
      error.realm ??= gate.realm;
      if (error.status >= 500) request.log.error({ err: error }, error.message);
      return reply.code(error.status).headers(error.headers).send(error.toJSON());
    });
  }
}

/**
 * Fastify plugin: decorates `request.auth`, adds `fastify.authenticate` and
 * `fastify.authorize(rule)` hooks, and protects routes declared with `config: { auth }`.
 *
 * @example
 * ```ts
 * await app.register(tokengate, { issuers: [cognitoIssuer({ userPoolId, clientId })] });
 * app.get('/me', { config: { auth: true } }, (request) => ({ sub: request.auth?.subject }));
 * app.get('/admin', { config: { auth: anyGroup('admin') } }, handler);
 * app.get('/orders', { onRequest: [app.authenticate, app.authorize(allScopes('orders:read'))] }, handler);
 * ```
 */
export const tokengate = fp(tokengatePlugin, { fastify: '5.x', name: '@tokengate/fastify' });
