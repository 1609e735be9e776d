import {
  AccessDeniedError,
  toRule,
  type Gate,
  type Rule,
  type VerifiedToken,
} from '@tokengate/core';
import type {
  FastifyContextConfig,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  RouteOptions,
} from 'fastify';
import { gateRequest, primeReply, refuseRequest } from './gate-bridge.js';

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

type Done = (error?: unknown) => void;

function checkAuth(auth: unknown): Checked {
  // `auth: true` requires a token even when the plugin is registered with `optional`.
  if (auth === true) return { auth, refused: false, rule: null };
  return { auth, refused: false, rule: toRule(auth, 'config.auth') ?? null };
}

/**
 * Protection from route options, `config: { auth: true | rule }`, by one hook on this instance
 * rather than one per route from `onRoute`. `onRoute` only sees routes declared after the
 * plugin loaded, so a route declared first (`app.get(…)` then `await app.register(…)`, or
 * `app.register(…)` without `await` and then `app.get(…)`, or in a plugin registered earlier)
 * was served to anyone. Fastify adds a lifecycle hook to the instance and to every child it
 * already has, and builds each route's hook list at `ready()`, so this hook reaches every route
 * in the instance's scope whatever the order. An unprotected route pays one synchronous call; a
 * protected one still runs one tokengate hook.
 */
export function guardConfiguredRoutes(
  fastify: FastifyInstance,
  gate: Gate,
  hookName: 'onRequest' | 'preValidation',
): void {
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

  function refuseInvalidRule(request: FastifyRequest, cause: unknown): AccessDeniedError {
    request.log.error({ err: cause }, 'tokengate: config.auth of this route is not a valid rule');
    return new AccessDeniedError({
      description: 'Token does not grant access to this resource',
      realm: gate.realm,
      cause,
    });
  }

  /**
   * `config.auth`'s check, calling `done` once: in the same tick when the token is a cache hit
   * (`gate.authenticateFast` answers without a promise), otherwise when the verdict is in.
   */
  function authenticateAndAuthorize(
    request: FastifyRequest,
    reply: FastifyReply,
    rule: Rule | null,
    done: Done,
  ): void {
    let outcome;
    try {
      outcome = gate.authenticateFast(gateRequest(request));
    } catch (error) {
      done(refuseRequest(gate, request, reply, error));
      return;
    }
    if (outcome instanceof Promise) {
      outcome.then(
        (auth) => authorizeVerified(request, reply, rule, auth, done),
        (error: unknown) => done(refuseRequest(gate, request, reply, error)),
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
    done: Done,
  ): void {
    if (auth !== undefined) request.auth = auth;
    try {
      gate.authorize(request.auth, rule ?? undefined);
    } catch (error) {
      done(refuseRequest(gate, request, reply, error));
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

  // Callback style, so an unprotected route costs no promise, and a protected one with a cached
  // token none either: `done` gets `undefined` on success and the error otherwise.
  function tokengateRouteGuard(request: FastifyRequest, reply: FastifyReply, done: Done): void {
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
      const error = refuseInvalidRule(request, checked.cause);
      primeReply(gate, reply, error);
      done(error);
      return;
    }
    authenticateAndAuthorize(request, reply, checked.rule, done);
  }
  fastify.addHook(hookName, tokengateRouteGuard as onRequestHookHandler);
}
