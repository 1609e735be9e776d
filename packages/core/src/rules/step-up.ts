import { describe, stringList } from '../lib/options.js';
import { allScopes, and, claimEquals, claimSatisfies, clientIdIn } from './rules.js';
import { leaf } from './rule-check.js';
import { acrValues } from './step-up-check.js';
import type { Rule } from './rule.js';

/**
 * Options of {@link authenticatedWithin}.
 *
 * @example
 * ```ts
 * const recentSignIn = authenticatedWithin(300, { clockToleranceSeconds: 30 });
 * ```
 */
export interface AuthenticatedWithinOptions {
  /** Leeway for clock skew between the IdP and this server, in seconds. Default 5, as the verifier's. */
  readonly clockToleranceSeconds?: number;
}

/**
 * The user signed in at most `seconds` ago: the token's `auth_time` (OpenID Connect Core 1.0
 * §2, seconds since the epoch) is compared with the current time on every request. A token
 * without a numeric `auth_time`, or one in the future beyond the clock tolerance, does not match.
 * A failure answers 401 `insufficient_user_authentication` with `max_age="<seconds>"` (RFC 9470
 * §3), so the client can send the user to sign in again and retry.
 *
 * @example
 * ```ts
 * const recentSignIn = authenticatedWithin(5 * 60);
 * app.post('/account/email', requireAuth, authorize(recentSignIn), changeEmail);
 * ```
 */
export function authenticatedWithin(
  seconds: number,
  options: AuthenticatedWithinOptions = {},
): Rule {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new TypeError(
      `authenticatedWithin needs a positive number of seconds, got ${describe(seconds)}`,
    );
  }
  const tolerance = options.clockToleranceSeconds ?? 5;
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0) {
    throw new TypeError(
      `clockToleranceSeconds must be a non-negative number, got ${describe(tolerance)}`,
    );
  }
  return leaf({ type: 'authTime', maxAge: seconds, clockTolerance: tolerance });
}

/**
 * The token's `acr` (OpenID Connect Core 1.0 §2, the authentication context class) is one of
 * `values`, compared exactly. A failure answers 401 `insufficient_user_authentication` with
 * `acr_values="<values, space-separated>"` (RFC 9470 §3), in the order given: list the
 * preferred class first. Values must be printable ASCII without spaces, `"` or `\`.
 *
 * @example
 * ```ts
 * const phishingResistant = acrIn('phr', 'phrh');
 * ```
 */
export function acrIn(...values: string[]): Rule {
  return leaf({ type: 'acr', values: acrValues(values, 'acrIn(): values') });
}

/**
 * Options of {@link amrIncludes}.
 *
 * @example
 * ```ts
 * const withMfa = amrIncludes('mfa', { acrValues: ['urn:example:acr:mfa'] });
 * ```
 */
export interface AmrIncludesOptions {
  /**
   * `acr_values` to send in the challenge when the rule fails. RFC 9470 has no challenge
   * parameter for `amr`, so without this the 401 carries no hint; with it, a client asks the
   * authorization server for a class that the IdP maps to `method` (e.g. `mfa` ↔ an MFA acr).
   */
  readonly acrValues?: string | readonly string[];
}

/**
 * The token's `amr` array (OpenID Connect Core 1.0 §2; values such as `mfa`, `otp`, `hwk`
 * from RFC 8176 §2) contains `method`. An `amr` that is not an array does not match. A failure
 * answers 401 `insufficient_user_authentication` (RFC 9470 §3), with `acr_values` only when
 * `options.acrValues` names them.
 *
 * @example
 * ```ts
 * const signedInWithMfa = amrIncludes('mfa', { acrValues: 'http://schemas.openid.net/pape/policies/2007/06/multi-factor' });
 * ```
 */
export function amrIncludes(method: string, options: AmrIncludesOptions = {}): Rule {
  if (typeof method !== 'string' || method.length === 0) {
    throw new TypeError(`amrIncludes needs a non-empty method name, got ${describe(method)}`);
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('amrIncludes options must be an object');
  }
  if (options.acrValues === undefined) return leaf({ type: 'amr', method });
  const list = typeof options.acrValues === 'string' ? [options.acrValues] : options.acrValues;
  return leaf({ type: 'amr', method, acrValues: acrValues(list, 'amrIncludes(): acrValues') });
}

/**
 * Options of {@link cognitoM2M}: which app clients may call, with which scopes.
 *
 * @example
 * ```ts
 * const options: CognitoM2MOptions = { clientIds: ['4u2v3example'], scopes: 'orders-api/orders.read' };
 * app.get('/orders/export', requireAuth, authorize(cognitoM2M(options)), exportOrders);
 * ```
 */
export interface CognitoM2MOptions {
  /** The app clients allowed to call. */
  readonly clientIds: string | readonly string[];
  /** Scopes the call must carry, all of them, e.g. `orders-api/orders.write`. */
  readonly scopes?: string | readonly string[];
}

/**
 * A machine-to-machine call from one of `clientIds` carrying every one of `scopes`: a Cognito
 * client-credentials access token (`token_use` `access`, `sub` equal to `client_id`, no
 * `username`). User tokens of the same client are denied with 403 `access_denied`; missing
 * scopes answer 403 `insufficient_scope`.
 *
 * @example
 * ```ts
 * const billingJob = cognitoM2M({ clientIds: '4u2v3example', scopes: 'orders-api/orders.read' });
 * ```
 */
export function cognitoM2M(options: CognitoM2MOptions): Rule {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('cognitoM2M options must be an object');
  }
  const clientIds = stringList(options.clientIds, 'cognitoM2M clientIds');
  const rules = [
    claimEquals('token_use', 'access'),
    // Cognito client-credentials tokens name the client as their subject and carry no user.
    claimSatisfies('sub', (sub, auth) => typeof sub === 'string' && sub === auth.claims.client_id),
    claimSatisfies('username', (username) => username === undefined),
    clientIdIn(...clientIds),
  ];
  // Scopes last, so a token that is not an M2M call is never told which scopes would do.
  if (options.scopes !== undefined) {
    rules.push(allScopes(...stringList(options.scopes, 'cognitoM2M scopes')));
  }
  return and(...rules);
}
