import { TokengateError, type TokengateErrorOptions } from './tokengate-error.js';

export type { DetailValue, ErrorDetail } from './error-detail.js';
export type { BearerErrorCode, TokengateErrorCode } from './error-codes.js';
export { TokengateError, isTokengateError } from './tokengate-error.js';
export type { TokengateErrorOptions } from './tokengate-error.js';

/**
 * 400 `invalid_request`: the request itself is malformed (RFC 6750 §3.1).
 *
 * @example
 * ```ts
 * // e.g. two `Authorization` headers, or a token in the header and in the query string
 * if (err instanceof InvalidRequestError) console.log(err.code); // 'MULTIPLE_TOKENS'
 * throw new InvalidRequestError('AUTHORIZATION_MALFORMED', { description: 'Malformed Authorization header' });
 * ```
 */
export class InvalidRequestError extends TokengateError {
  readonly status = 400;
  readonly error = 'invalid_request';
}

/**
 * 401 with a bare challenge: no credentials were sent (RFC 6750 §3.1, last paragraph).
 *
 * @example
 * ```ts
 * const token = extractBearerToken(req);
 * if (token === undefined) throw new MissingTokenError({ realm: 'api' }); // WWW-Authenticate: Bearer realm="api"
 * ```
 */
export class MissingTokenError extends TokengateError {
  readonly status = 401;
  readonly error = undefined;

  constructor(options: Partial<TokengateErrorOptions> = {}) {
    super('CREDENTIALS_MISSING', { description: 'Authentication required', ...options });
  }
}

/**
 * 401 `invalid_token`: expired, revoked, malformed, or not for this server (RFC 6750 §3.1).
 *
 * @example
 * ```ts
 * try {
 *   await verifier.verify(token);
 * } catch (err) {
 *   if (err instanceof InvalidTokenError && err.code === 'TOKEN_EXPIRED') metrics.increment('expired');
 *   throw err;
 * }
 * ```
 */
export class InvalidTokenError extends TokengateError {
  readonly status = 401;
  readonly error = 'invalid_token';
}

/**
 * 403 `insufficient_scope`: the token is fine but lacks the scopes this route needs.
 *
 * @example
 * ```ts
 * authorize(auth, allScopes('orders:write')); // throws it when the scope is missing
 * throw new InsufficientScopeError(['orders:write'], { description: 'Scope orders:write required' });
 * // WWW-Authenticate: Bearer error="insufficient_scope", error_description="…", scope="orders:write"
 * ```
 */
export class InsufficientScopeError extends TokengateError {
  readonly status = 403;
  readonly error = 'insufficient_scope';
  /** The scopes the route requires, advertised in the challenge's `scope` attribute. */
  readonly requiredScopes: readonly string[];

  constructor(requiredScopes: readonly string[], options: TokengateErrorOptions) {
    super('SCOPE_INSUFFICIENT', options);
    this.requiredScopes = requiredScopes;
  }

  override get headers(): Record<string, string> {
    return {
      'WWW-Authenticate': this.challengeWith({
        error: this.error,
        description: this.description,
        scope: this.requiredScopes.join(' '),
      }),
    };
  }
}

/**
 * 403 `access_denied`: the token is fine, but a group, client or claim rule refuses it.
 *
 * @example
 * ```ts
 * if (auth.claims['custom:tenant'] !== params.tenant) {
 *   throw new AccessDeniedError({ description: 'Not a member of this tenant' });
 * }
 * ```
 */
export class AccessDeniedError extends TokengateError {
  readonly status = 403;
  readonly error = 'access_denied';

  constructor(options: TokengateErrorOptions) {
    super('ACCESS_DENIED', options);
  }
}

/**
 * What a client must ask its authorization server for when it re-authenticates the user.
 *
 * @example
 * ```ts
 * const requirement: StepUpRequirement = { maxAge: 300, acrValues: ['urn:example:mfa'] };
 * throw new InsufficientUserAuthenticationError(requirement, { description: 'Sign in again' });
 * ```
 */
export interface StepUpRequirement {
  /** `max_age` (RFC 9470 §3): the sign-in must be at most this many seconds old. */
  readonly maxAge?: number | undefined;
  /** `acr_values` (RFC 9470 §3): one of these authentication context classes, in order of preference. */
  readonly acrValues?: readonly string[] | undefined;
}

/**
 * 401 `insufficient_user_authentication` (RFC 9470 §3): the token is valid, but the user's
 * sign-in is too old (`max_age`) or not strong enough (`acr_values`) for this resource. Unlike a
 * 403, the client can act on it: it sends the user back to the authorization server with the
 * challenge's `max_age` / `acr_values` (RFC 9470 §4) and retries with the new token.
 *
 * @example
 * ```ts
 * authorize(auth, authenticatedWithin(300)); // throws it for a sign-in older than 5 minutes
 * // WWW-Authenticate: Bearer error="insufficient_user_authentication", …, max_age="300"
 * ```
 */
export class InsufficientUserAuthenticationError extends TokengateError {
  readonly status = 401;
  readonly error = 'insufficient_user_authentication';
  /** The `max_age` the challenge asks for, in seconds, if any. */
  readonly maxAge: number | undefined;
  /** The `acr_values` the challenge asks for, if any. */
  readonly acrValues: readonly string[] | undefined;

  constructor(requirement: StepUpRequirement, options: TokengateErrorOptions) {
    super('USER_AUTHENTICATION_INSUFFICIENT', options);
    this.maxAge = requirement.maxAge;
    this.acrValues = requirement.acrValues;
  }

  override get headers(): Record<string, string> {
    return {
      'WWW-Authenticate': this.challengeWith({
        error: this.error,
        description: this.description,
        acrValues: this.acrValues?.join(' '),
        maxAge: this.maxAge === undefined ? undefined : String(this.maxAge),
      }),
    };
  }
}

/**
 * 503: the identity provider's keys or discovery document could not be fetched. Never
 * reported as `invalid_token`, so clients retry instead of throwing their token away.
 *
 * @example
 * ```ts
 * try {
 *   await verifier.verify(token);
 * } catch (err) {
 *   if (err instanceof IdpUnavailableError) log.warn({ code: err.code, cause: err.cause }, 'IdP down');
 *   throw err; // 503 with Retry-After: err.retryAfterSeconds
 * }
 * ```
 */
export class IdpUnavailableError extends TokengateError {
  readonly status = 503;
  readonly error = 'temporarily_unavailable';
  /** Seconds after which a retry may succeed. */
  readonly retryAfterSeconds: number;

  constructor(
    options: TokengateErrorOptions & {
      retryAfterSeconds?: number;
      code?:
        | 'IDP_UNAVAILABLE'
        | 'REVOCATION_UNAVAILABLE'
        | 'DPOP_REPLAY_UNAVAILABLE'
        | 'INTROSPECTION_UNAVAILABLE'
        | 'VERIFIER_FAILED';
    },
  ) {
    super(options.code ?? 'IDP_UNAVAILABLE', options);
    this.retryAfterSeconds = options.retryAfterSeconds ?? 5;
  }

  override get headers(): Record<string, string> {
    return { 'Retry-After': String(this.retryAfterSeconds) };
  }
}
