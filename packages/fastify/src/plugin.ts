import { createGate, toRule, type GateOptions, type Rule } from '@tokengate/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { answerTokengateErrors } from './error-handler.js';
import { gateRequest, primeReply, refuseRequest } from './gate-bridge.js';
import { guardConfiguredRoutes } from './route-config-guard.js';

/**
 * Options of the {@link tokengate} plugin: the core's {@link GateOptions} (issuers, verifier,
 * realm, optional mode, token sources…) and how errors are answered. Checked once, at
 * registration, with `TypeError`.
 *
 * @example
 * ```ts
 * const options: TokengatePluginOptions = {
 *   issuers: [cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789' })],
 *   errorHandler: false, // my own error handler answers, with `statusCode` and `headers`
 * };
 * await app.register(tokengate, options);
 * ```
 */
export type TokengatePluginOptions = GateOptions & {
  /**
   * Answer tokengate errors with their status, challenge and JSON body `{ error,
   * error_description }` by wrapping the error handler in place at registration. Default
   * `true`; with `false` your own error handler receives them (with `statusCode` and `headers`).
   */
  readonly errorHandler?: boolean;
};

const ADAPTER = '@tokengate/fastify';

type AuthHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

async function tokengatePlugin(
  fastify: FastifyInstance,
  options: TokengatePluginOptions,
): Promise<void> {
  // Checked before the gate is built, so a mistake leaves nothing running. A truthy stand-in
  // (`'false'`, `0` from an env variable) must not silently mean `true`.
  const errorHandler = (options as { errorHandler?: unknown } | null | undefined)?.errorHandler;
  if (errorHandler !== undefined && typeof errorHandler !== 'boolean') {
    throw new TypeError(
      `${ADAPTER}: errorHandler must be a boolean, got ${typeof errorHandler === 'string' ? JSON.stringify(errorHandler) : String(errorHandler)}`,
    );
  }
  const gate = createGate(options, {
    name: ADAPTER,
    // Fastify hands `register()`'s own options to the plugin along with ours.
    keys: ['errorHandler', 'prefix', 'logLevel', 'logSerializers'],
  });
  // Shutdown (`app.close()`) stops the verifier the plugin built from options: its JWKS
  // refresh timers and fetches in flight. A `verifier` passed in is the caller's: left open.
  fastify.addHook('onClose', () => gate.close());
  // Body tokens (RFC 6750 §2.2) exist only after parsing; otherwise reject before reading the body.
  const hookName = options.allowBodyToken === true ? 'preValidation' : 'onRequest';

  fastify.decorateRequest('auth', null);

  const authenticate: AuthHook = async function authenticate(request, reply) {
    try {
      const auth = await gate.authenticate(gateRequest(request));
      if (auth !== undefined) request.auth = auth;
      // RFC 9449 §8.2: with server nonces on, every answer carries the nonce to use next.
      const nonce = await gate.dpopNonce();
      if (nonce !== undefined) reply.header('DPoP-Nonce', nonce);
    } catch (error) {
      primeReply(gate, reply, error);
      throw error;
    }
  };

  function authorize(rule?: Rule): AuthHook {
    rule = toRule(rule, 'authorize()');
    return async function authorizeRequest(request, reply) {
      try {
        gate.authorize(request.auth, rule);
      } catch (error) {
        throw refuseRequest(gate, request, reply, error);
      }
    };
  }

  fastify.decorate('authenticate', authenticate);
  fastify.decorate('authorize', authorize);

  guardConfiguredRoutes(fastify, gate, hookName);

  // RFC 9728 §3: the protected-resource metadata at the well-known path and below it (the
  // path-suffixed forms of §3.1). Public: no `config.auth`, as a client reads it to learn where
  // to get a token. Fastify answers HEAD from the GET route; the gate matches the raw target
  // itself, and what it does not serve (`//`, dot segments, `%`) is a 404.
  const metadataPath = gate.resourceMetadataPath;
  if (metadataPath !== undefined) {
    const serveResourceMetadata = (request: FastifyRequest, reply: FastifyReply): void => {
      const answer = gate.resourceMetadata(gateRequest(request));
      if (answer === undefined) reply.callNotFound();
      else reply.code(answer.status).headers(answer.headers).send(answer.body);
    };
    fastify.get(metadataPath, serveResourceMetadata);
    fastify.get(`${metadataPath}/*`, serveResourceMetadata);
  }

  if (errorHandler !== false) answerTokengateErrors(fastify, gate);
}

/**
 * Fastify plugin: decorates `request.auth`, adds `fastify.authenticate` and
 * `fastify.authorize(rule)` hooks, and protects routes declared with `config: { auth }`.
 *
 * `config.auth` is enforced on every route in the scope the plugin is registered on, whatever
 * the order of registration. Register it first, on the root instance: rules are then checked
 * when each route is declared, and every route answers with the plugin's error handler. A
 * route outside that scope (e.g. on the root, when the plugin sits in an encapsulated plugin)
 * is not protected by it.
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
