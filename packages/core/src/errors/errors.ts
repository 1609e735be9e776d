import { formatChallenges, type ChallengeContext, type ChallengeParams } from './challenge.js';
import type { ErrorDetail } from './error-detail.js';

export type { DetailValue, ErrorDetail } from './error-detail.js';

/**
 * RFC 6750 §3.1 error codes, plus `access_denied` (RFC 6749 §4.1.2.1) for rules other than
 * scopes, `insufficient_user_authentication` (RFC 9470 §3) for step-up rules, and
 * `temporarily_unavailable` for IdP outages (503).
 *
 * @example
 * ```ts
 * if (isTokengateError(err) && err.error === 'invalid_token') res.setHeader('Cache-Control', 'no-store');
 * ```
 */
export type BearerErrorCode =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'insufficient_user_authentication'
  | 'access_denied'
  | 'temporarily_unavailable'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce';

/**
 * Stable, machine-readable reasons. Tests and logs match on these, never on messages.
 *
 * @example
 * ```ts
 * const RETRYABLE: ReadonlySet<TokengateErrorCode> = new Set(['IDP_UNAVAILABLE', 'REVOCATION_UNAVAILABLE']);
 * if (isTokengateError(err) && RETRYABLE.has(err.code)) metrics.increment('auth.retryable');
 * ```
 */
export type TokengateErrorCode =
  // 400 invalid_request
  | 'AUTHORIZATION_MALFORMED'
  | 'AUTHORIZATION_DUPLICATE'
  | 'MULTIPLE_TOKENS'
  // a form body the Fetch-API path could not search for a token (fetch-request.ts)
  | 'BODY_UNREADABLE'
  // the request's origin is needed (DPoP `htu`, RFC 9728 metadata) but its Host is not one
  | 'HOST_INVALID'
  // the application's `getToken` threw; a cookie token on an unsafe method without the
  // anti-CSRF header
  | 'TOKEN_SOURCE_FAILED'
  | 'CSRF_HEADER_MISSING'
  // a client-certificate header the proxy set is repeated or not a certificate (RFC 8705 §3)
  | 'CERTIFICATE_HEADER_MALFORMED'
  // 401 without error code: no credentials at all (RFC 6750 §3.1)
  | 'CREDENTIALS_MISSING'
  // 401 invalid_token
  | 'TOKEN_MALFORMED'
  | 'TOKEN_TOO_LARGE'
  | 'ALG_NOT_ALLOWED'
  | 'CRIT_UNSUPPORTED'
  | 'TYP_MISMATCH'
  | 'ISSUER_UNKNOWN'
  | 'KEY_NOT_FOUND'
  | 'SIGNATURE_INVALID'
  | 'CLAIM_INVALID'
  | 'CLAIM_MISSING'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_NOT_YET_VALID'
  | 'TOKEN_ISSUED_IN_FUTURE'
  | 'TOKEN_TOO_OLD'
  | 'AUDIENCE_MISMATCH'
  | 'CLIENT_ID_MISMATCH'
  | 'TOKEN_USE_MISMATCH'
  | 'TOKEN_REVOKED'
  | 'TOKEN_LIFETIME_EXCEEDED'
  // 401 invalid_token: sender-constrained tokens (RFC 9449 §7, RFC 8705 §3, RFC 7800 §3.1)
  | 'CONFIRMATION_UNSUPPORTED'
  | 'TOKEN_BINDING_UNCHECKED'
  | 'DPOP_SCHEME_REQUIRED'
  | 'DPOP_SCHEME_UNBOUND'
  | 'DPOP_DISABLED'
  | 'CERTIFICATE_MISSING'
  | 'CERTIFICATE_BINDING_MISMATCH'
  // 401 invalid_token: an introspected token the authorization server says is not active (RFC 7662 §2.2)
  | 'TOKEN_INACTIVE'
  // 401 invalid_dpop_proof (RFC 9449 §7.1)
  | 'DPOP_PROOF_MISSING'
  | 'DPOP_PROOF_DUPLICATE'
  | 'DPOP_PROOF_INVALID'
  | 'DPOP_PROOF_EXPIRED'
  | 'DPOP_PROOF_ISSUED_IN_FUTURE'
  | 'DPOP_PROOF_REPLAYED'
  | 'DPOP_ALG_NOT_ALLOWED'
  | 'DPOP_KEY_INVALID'
  | 'DPOP_SIGNATURE_INVALID'
  | 'DPOP_METHOD_MISMATCH'
  | 'DPOP_URL_MISMATCH'
  | 'DPOP_ATH_MISMATCH'
  | 'DPOP_BINDING_MISMATCH'
  // 401 use_dpop_nonce (RFC 9449 §8)
  | 'DPOP_NONCE_REQUIRED'
  // 401 insufficient_user_authentication (RFC 9470 §3): the token is valid, the sign-in too old or weak
  | 'USER_AUTHENTICATION_INSUFFICIENT'
  // 403
  | 'SCOPE_INSUFFICIENT'
  | 'ACCESS_DENIED'
  // 503
  | 'IDP_UNAVAILABLE'
  | 'REVOCATION_UNAVAILABLE'
  | 'DPOP_REPLAY_UNAVAILABLE'
  | 'INTROSPECTION_UNAVAILABLE';

/**
 * What a {@link TokengateError} is built from: the client-facing description, and for logs the
 * cause and {@link TokengateError.detail}.
 *
 * @example
 * ```ts
 * throw new InvalidTokenError('CLAIM_INVALID', {
 *   description: 'Token is not for this tenant',
 *   detail: { tenant: claims['custom:tenant'], expected: 'acme' },
 * });
 * ```
 */
export interface TokengateErrorOptions {
  /** Shown to clients as `error_description`: must not contain the token. */
  readonly description: string;
  /** The underlying error, kept as the standard `cause` for logs; never sent to clients. */
  readonly cause?: unknown;
  /** `realm` of the `WWW-Authenticate` challenge (RFC 6750 §3). */
  readonly realm?: string | undefined;
  /** For logs, never for clients: what was expected and what was seen. See `TokengateError.detail`. */
  readonly detail?: ErrorDetail | undefined;
}

const NO_DETAIL: ErrorDetail = Object.freeze({});

// `instanceof` fails across two copies of the core in one process: an app that `import`s the
// core (ESM) but `require`s an adapter (CJS) loads both builds, each with its own class (the
// dual-package hazard), and a second install of the package does the same. Adapters would then
// let a 401 fall through to the framework's generic error path. So every error carries a
// registry-wide symbol, which both copies agree on. Non-enumerable: JSON and spreads drop it.
const TOKENGATE_ERROR = Symbol.for('tokengate.error');

/**
 * Base of every failure on the request path. It carries what an HTTP framework needs to
 * answer by itself: `status`/`statusCode`, `headers` (the RFC 6750 challenge) and `expose`.
 *
 * @example
 * ```ts
 * try {
 *   await verifier.verify(token);
 * } catch (err) {
 *   if (isTokengateError(err)) res.writeHead(err.status, err.headers).end(JSON.stringify(err.toJSON()));
 * }
 * ```
 */
export abstract class TokengateError extends Error {
  /** The HTTP status to answer with: 400, 401, 403 or 503. */
  abstract readonly status: number;
  /** The RFC 6750 §3.1 `error` code; `undefined` for a 401 without credentials (no code, §3.1). */
  abstract readonly error: BearerErrorCode | undefined;
  /** The stable, machine-readable reason, e.g. `TOKEN_EXPIRED`: match on it, not on the message. */
  readonly code: TokengateErrorCode;
  /** The client-facing `error_description`; it never contains the token. */
  readonly description: string;
  /** `realm` used in the challenge; adapters set it from their options. */
  realm: string | undefined;
  /**
   * Which schemes the challenge offers (`Bearer`, `DPoP algs="…"`, RFC 9449 §7.1) and the
   * `resource_metadata` URL (RFC 9728 §5.1); set by the gate. Without it: one `Bearer` challenge.
   */
  challenge: ChallengeContext | undefined;
  /**
   * Why, for logs and `onEvent` (never in the response): what was expected and what the token
   * held, e.g. `{ iss, trusted }` for `ISSUER_UNKNOWN` or `{ exp, now, leewaySeconds }` for
   * `TOKEN_EXPIRED`. Never the token or its signature; values read from the token are capped
   * at 200 characters and stripped of control characters, lists cut to their first five.
   */
  readonly detail: ErrorDetail;

  constructor(code: TokengateErrorCode, options: TokengateErrorOptions) {
    super(options.description, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.description = options.description;
    this.realm = options.realm;
    this.challenge = undefined;
    this.detail = options.detail ?? NO_DETAIL;
    Object.defineProperty(this, TOKENGATE_ERROR, { value: true });
  }

  /** Alias of `status` for frameworks that read `statusCode` (Fastify, http-errors). */
  get statusCode(): number {
    return this.status;
  }

  /** 4xx descriptions are safe for clients; a 5xx hides its details behind a generic body. */
  get expose(): boolean {
    return this.status < 500;
  }

  /** Response headers: the RFC 6750 §3 challenge on 401/403, `Retry-After` on 503. */
  get headers(): Record<string, string> {
    return {
      'WWW-Authenticate': this.challengeWith({
        error: this.error,
        description: this.error === undefined ? undefined : this.description,
      }),
    };
  }

  /** The `WWW-Authenticate` value: `params` in the challenge of the scheme the client used. */
  protected challengeWith(params: ChallengeParams): string {
    return formatChallenges({ ...params, realm: this.realm }, this.challenge);
  }

  /** The RFC 6750 §3 JSON body: `{ error, error_description }`. Never `detail`. */
  toJSON(): {
    /** The `error` code, or `unauthorized` when there is none (no credentials). */
    error: string;
    /** The client-facing description. */
    error_description: string;
  } {
    return { error: this.error ?? 'unauthorized', error_description: this.description };
  }
}

/**
 * Whether `value` is a `TokengateError` from any copy of `@tokengate/core` (its ESM or CJS
 * build, or a second install), where `instanceof TokengateError` sees only its own copy's. Use it
 * wherever an error from a verifier may be caught. The mark alone is not enough: `status` must
 * be an HTTP error status, `code` a string and `toJSON` a function, as adapters answer from them.
 *
 * @example
 * ```ts
 * app.use((err, req, res, next) => {
 *   if (!isTokengateError(err)) return next(err);
 *   res.status(err.status).set(err.headers).json(err.toJSON());
 * });
 * ```
 */
export function isTokengateError(value: unknown): value is TokengateError {
  if (typeof value !== 'object' || value === null) return false;
  const error = value as Partial<Record<PropertyKey, unknown>>;
  return (
    Object.hasOwn(error, TOKENGATE_ERROR) &&
    error[TOKENGATE_ERROR] === true &&
    typeof error['code'] === 'string' &&
    Number.isInteger(error['status']) &&
    (error['status'] as number) >= 400 &&
    (error['status'] as number) <= 599 &&
    typeof error['toJSON'] === 'function'
  );
}

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
        | 'INTROSPECTION_UNAVAILABLE';
    },
  ) {
    super(options.code ?? 'IDP_UNAVAILABLE', options);
    this.retryAfterSeconds = options.retryAfterSeconds ?? 5;
  }

  override get headers(): Record<string, string> {
    return { 'Retry-After': String(this.retryAfterSeconds) };
  }
}
