/**
 * Stable reasons a client-credentials token could not be obtained. Match on these, never on
 * messages.
 * - `TOKEN_REQUEST_REJECTED`: the endpoint refused the request with a 4xx other than 429, e.g.
 *   `invalid_client` or `invalid_scope` (RFC 6749 §5.2). Never retried.
 * - `TOKEN_ENDPOINT_UNAVAILABLE`: network failure, 5xx or 429, after every retry.
 * - `TOKEN_ENDPOINT_TIMEOUT`: the last attempt ran out of time.
 * - `TOKEN_RESPONSE_INVALID`: a 200 whose body is not a usable Bearer token response (RFC 6749
 *   §5.1), or a body over the size limit.
 *
 * @example
 * ```ts
 * const code: TokenEndpointErrorCode | undefined = err instanceof TokenEndpointError ? err.code : undefined;
 * if (code === 'TOKEN_REQUEST_REJECTED') alertOps('check the client id, secret and scopes');
 * ```
 */
export type TokenEndpointErrorCode =
  | 'TOKEN_REQUEST_REJECTED'
  | 'TOKEN_ENDPOINT_UNAVAILABLE'
  | 'TOKEN_ENDPOINT_TIMEOUT'
  | 'TOKEN_RESPONSE_INVALID';

export interface TokenEndpointErrorOptions {
  /** HTTP status of the endpoint's answer, if there was one. */
  readonly status?: number | undefined;
  /** The RFC 6749 §5.2 `error` code, e.g. `invalid_client`. */
  readonly oauthError?: string | undefined;
  /** Seconds the endpoint asked us to wait (`Retry-After`), if it did. */
  readonly retryAfterSeconds?: number | undefined;
  readonly cause?: unknown;
}

/**
 * Why `createClientCredentialsSource()` could not get a token. This is the outgoing side, not
 * the request path, so it is no `TokengateError` and carries no HTTP challenge. Its message
 * never contains the client secret or a token.
 *
 * @example
 * ```ts
 * try {
 *   await source.getToken();
 * } catch (err) {
 *   if (err instanceof TokenEndpointError && err.oauthError === 'invalid_client') rotateSecret();
 * }
 * ```
 */
export class TokenEndpointError extends Error {
  /** The stable reason: match on it, never on the message. */
  readonly code: TokenEndpointErrorCode;
  /** HTTP status of the endpoint's last answer, if there was one. */
  readonly status: number | undefined;
  /** The RFC 6749 §5.2 `error` code, e.g. `invalid_client`. */
  readonly oauthError: string | undefined;
  /** Seconds the endpoint asked to wait (`Retry-After`), if it did. */
  readonly retryAfterSeconds: number | undefined;
  /** How many requests were sent before giving up; set by the source. */
  attempts = 1;

  constructor(
    code: TokenEndpointErrorCode,
    message: string,
    options: TokenEndpointErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TokenEndpointError';
    this.code = code;
    this.status = options.status;
    this.oauthError = options.oauthError;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** Worth another try later: the endpoint was unreachable, slow or overloaded. */
  get transient(): boolean {
    return this.code === 'TOKEN_ENDPOINT_UNAVAILABLE' || this.code === 'TOKEN_ENDPOINT_TIMEOUT';
  }
}
