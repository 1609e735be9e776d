import {
  AccessDeniedError,
  clearHeadersForError,
  createGate,
  isTokengateError,
  toRule,
  type GateOptions,
  type Rule,
  type VerifiedToken,
} from '@tokengate/core';
import type {
  FastifyContextConfig,
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  RouteOptions,
} from 'fastify';
import fp from 'fastify-plugin';

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

type AuthHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** Module-private, so a route's config cannot claim to have been checked. */
const CHECKED = Symbol('tokengate.checkedAuth');

/**
 * The outcome of checking one `config.auth` value: its frozen rule (`null` for `auth: true`,
 * any token), or why it was refused. `auth` is the value checked: another plugin's `onRoute`
 * hook, run after ours, may still replace it, and a stale check must not outlive it.
 */
type Checked =
  | { readonly auth: unknown; readonly refused: false; readonly rule: Rule | null }
  | { readonly auth: unknown; readonly refused: true; readonly cause: unknown };

/** A route's config; `[CHECKED]` is set by our `onRoute` hook. */
type GuardedConfig = { auth?: unknown; [CHECKED]?: Checked };

function checkAuth(auth: unknown): Checked {
  // `auth: true` requires a token even when the plugin is registered with `optional`.
  if (auth === true) return { auth, refused: false, rule: null };
  return { auth, refused: false, rule: toRule(auth, 'config.auth') ?? null };
}

async function tokengatePlugin(
  fastify: FastifyInstance,
  options: TokengatePluginOptions,
): Promise<void> {
  const gate = createGate(options, {
    name: '@tokengate/fastify',
    // Fastify hands `register()`'s own options to the plugin along with ours.
    keys: ['errorHandler', 'prefix', 'logLevel', 'logSerializers'],
  });
  // Shutdown (`app.close()`) stops the verifier the plugin built from options: its JWKS
  // refresh timers and fetches in flight. A `verifier` passed in is the caller's: left open.
  fastify.addHook('onClose', () => gate.close());
  // Body tokens (RFC 6750 §2.2) exist only after parsing; otherwise reject before reading the body.
  const hookName = options.allowBodyToken === true ? 'preValidation' : 'onRequest';

  fastify.decorateRequest('auth', null);

  // The status and challenge go on the reply before a tokengate error leaves a hook, so they
  // survive whatever error handler answers it: `app.setErrorHandler()` called after this plugin
  // replaces ours, and Fastify calls a custom handler with the reply as the hook left it (no
  // status, no `err.headers` applied; only its default handler reads them). A handler that
  // sends its own body (`reply.send({ msg })`) thus still answers 401 with `WWW-Authenticate`.
  function primeReply(reply: FastifyReply, error: unknown): void {
    if (!isTokengateError(error) || reply.raw.headersSent) return;
    error.realm ??= gate.realm;
    // As in our handler: what the app set for the answer it meant to give must not ride on it.
    clearHeadersForError(Object.keys(reply.getHeaders()), reply);
    reply.code(error.status).headers(error.headers);
  }

  const authenticate: AuthHook = async function authenticate(request, reply) {
    try {
      await authenticateRequest(request, reply);
    } catch (error) {
      primeReply(reply, error);
      throw error;
    }
  };

  /** What the core reads of a Fastify request; `raw.url` is the target as received. */
  function gateRequest(request: FastifyRequest) {
    return {
      rawHeaders: request.raw.rawHeaders,
      url: request.raw.url,
      method: request.method,
      body: request.body,
      socket: request.raw.socket,
      // For the verifier's `rejected` event only.
      route: request.routeOptions.url,
      id: request.id,
    };
  }

  async function authenticateRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const auth = await gate.authenticate(gateRequest(request));
    if (auth !== undefined) request.auth = auth;
    // RFC 9449 §8.2: with server nonces on, every answer carries the nonce to use next.
    const nonce = gate.dpopNonce();
    const value = typeof nonce === 'string' || nonce === undefined ? nonce : await nonce;
    if (value !== undefined) reply.header('DPoP-Nonce', value);
  }

  /** An error of a guard after `authenticate`: answered with the gate's challenges. */
  function challenged(error: unknown, request: FastifyRequest): unknown {
    if (isTokengateError(error)) gate.challenge(error, gateRequest(request), request.auth);
    return error;
  }

  function authorize(rule?: Rule): AuthHook {
    rule = toRule(rule, 'authorize()');
    return async function authorizeRequest(request, reply) {
      try {
        gate.authorize(request.auth, rule);
      } catch (error) {
        challenged(error, request);
        primeReply(reply, error);
        throw error;
      }
    };
  }

  fastify.decorate('authenticate', authenticate);
  fastify.decorate('authorize', authorize);

  // Protection from route options, `config: { auth: true | rule }`, by one hook on this
  // instance rather than one per route from `onRoute`. `onRoute` only sees routes declared after
  // this plugin loaded, so a route declared first (`app.get(…)` then `await app.register(…)`, or
  // `app.register(…)` without `await` and then `app.get(…)`, or in a plugin registered earlier)
  // was served to anyone. Fastify adds a lifecycle hook to the instance and to every child it
  // already has, and builds each route's hook list at `ready()`, so this hook reaches every
  // route in this instance's scope whatever the order. An unprotected route pays one
  // synchronous call; a protected one still runs one tokengate hook.
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const config = route.config as GuardedConfig | undefined;
    const rule = config?.auth;
    if (rule === undefined || rule === false) return;
    // Declared after the plugin: a malformed rule fails here, at start-up. The checked rule
    // rides on this route's own copy of its config (a config object may be shared by routes).
    route.config = { ...config, [CHECKED]: checkAuth(rule) } as FastifyContextConfig;
  });

  // Routes declared before the plugin: checked on their first request, once per route. A
  // malformed rule there can no longer fail start-up; it denies every request with a 403 whose
  // `cause` is the TypeError (only TokengateErrors leave the request path), logged each time.
  const lateChecked = new WeakMap<object, Checked>();

  function checkLate(config: GuardedConfig, auth: unknown): Checked {
    let checked = lateChecked.get(config);
    if (checked === undefined || checked.auth !== auth) {
      try {
        checked = checkAuth(auth);
      } catch (cause) {
        checked = { auth, refused: true, cause };
      }
      lateChecked.set(config, checked);
    }
    return checked;
  }

  /**
   * `config.auth`'s check, calling `done` once: in the same tick when the token is a cache hit
   * (`gate.authenticateFast` answers without a promise), otherwise when the verdict is in.
   */
  function authenticateAndAuthorize(
    request: FastifyRequest,
    reply: FastifyReply,
    rule: Rule | null,
    done: (error?: unknown) => void,
  ): void {
    let outcome;
    try {
      outcome = gate.authenticateFast(gateRequest(request));
    } catch (error) {
      guardFailed(request, reply, error, done);
      return;
    }
    if (outcome instanceof Promise) {
      outcome.then(
        (auth) => authorizeVerified(request, reply, rule, auth, done),
        (error: unknown) => guardFailed(request, reply, error, done),
      );
      return;
    }
    authorizeVerified(request, reply, rule, outcome, done);
  }

  function authorizeVerified(
    request: FastifyRequest,
    reply: FastifyReply,
    rule: Rule | null,
    auth: VerifiedToken | undefined,
    done: (error?: unknown) => void,
  ): void {
    if (auth !== undefined) request.auth = auth;
    try {
      gate.authorize(request.auth, rule ?? undefined);
    } catch (error) {
      guardFailed(request, reply, error, done);
      return;
    }
    // RFC 9449 §8.2: with server nonces on, every answer carries the nonce to use next.
    const nonce = gate.dpopNonce();
    if (nonce === undefined) {
      done();
    } else if (typeof nonce === 'string') {
      reply.header('DPoP-Nonce', nonce);
      done();
    } else {
      nonce.then((value) => {
        if (value !== undefined) reply.header('DPoP-Nonce', value);
        done();
      }, done);
    }
  }

  function guardFailed(
    request: FastifyRequest,
    reply: FastifyReply,
    error: unknown,
    done: (error?: unknown) => void,
  ): void {
    challenged(error, request);
    primeReply(reply, error);
    done(error);
  }

  function refuse(request: FastifyRequest, cause: unknown): AccessDeniedError {
    request.log.error({ err: cause }, 'tokengate: config.auth of this route is not a valid rule');
    return new AccessDeniedError({
      description: 'Token does not grant access to this resource',
      realm: gate.realm,
      cause,
    });
  }

  // Callback style, so an unprotected route costs no promise, and a protected one with a cached
  // token none either: `done` gets `undefined` on success and the error otherwise.
  function tokengateRouteGuard(
    request: FastifyRequest,
    reply: FastifyReply,
    done: (error?: unknown) => void,
  ): void {
    const config = request.routeOptions.config as GuardedConfig | undefined;
    const auth = config?.auth;
    let checked = config?.[CHECKED];
    // The check holds only for the value it checked: the route's final `auth` is what counts.
    if (checked === undefined || checked.auth !== auth) {
      if (config === undefined || auth === undefined || auth === false) {
        done();
        return;
      }
      checked = checkLate(config, auth);
    }
    if (checked.refused) {
      const error = refuse(request, checked.cause);
      primeReply(reply, error);
      done(error);
      return;
    }
    authenticateAndAuthorize(request, reply, checked.rule, done);
  }
  fastify.addHook(hookName, tokengateRouteGuard as onRequestHookHandler);

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

  if (options.errorHandler !== false) {
    const previous = fastify.errorHandler;
    fastify.setErrorHandler(function tokengateErrorHandler(error: FastifyError, request, reply) {
      // The brand, not `instanceof`: the verifier may come from the other build of the core.
      if (!isTokengateError(error)) return previous.call(this, error, request, reply);
      error.realm ??= gate.realm;
      if (error.status >= 500) request.log.error({ err: error }, error.message);
      // Fastify's own error path keeps the reply's headers; the answer the app meant to give
      // (`Set-Cookie`, `Cache-Control`, …) must not ride on the 401/403. An answer already
      // started cannot be replaced: Fastify's handler aborts it.
      if (reply.raw.headersSent) return previous.call(this, error, request, reply);
      clearHeadersForError(Object.keys(reply.getHeaders()), reply);
      return reply.code(error.status).headers(error.headers).send(error.toJSON());
    });
  }
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
