import { formatChallenges, type ChallengeContext, type ChallengeParams } from './challenge.js';
import type { ErrorDetail } from './error-detail.js';
import type { BearerErrorCode, TokengateErrorCode } from './error-codes.js';

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
