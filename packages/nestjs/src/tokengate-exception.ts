import { HttpException } from '@nestjs/common';
import type { TokengateError } from '@tokengate/core';

/**
 * A tokengate error in Nest's exception layer: the error's status and its RFC 6750 JSON body
 * `{ error, error_description }`, so Nest's default exception filter answers it as is. The
 * tokengate error rides along as `cause`. The guard has already set `headers` (the
 * `WWW-Authenticate` challenge, `Retry-After`) on the response; a filter of your own that
 * replaces the response can read them here.
 *
 * @example
 * ```ts
 * @Catch(TokengateHttpException)
 * class AuthFailures implements ExceptionFilter {
 *   catch(exception: TokengateHttpException, host: ArgumentsHost) {
 *     metrics.increment(`auth.${exception.code}`);
 *     throw exception;
 *   }
 * }
 * ```
 */
export class TokengateHttpException extends HttpException {
  /** The tokengate error's stable `code`, e.g. `TOKEN_EXPIRED`. */
  readonly code: string;
  /** The response headers of the error: the challenge on 401/403, `Retry-After` on 503. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(error: TokengateError) {
    super(error.toJSON(), error.status, { cause: error });
    this.name = 'TokengateHttpException';
    this.code = error.code;
    this.headers = error.headers;
  }
}
