/**
 * An RFC 6749 §5.2 error response of the local token endpoint (RFC 9449 §5 adds
 * `invalid_dpop_proof`).
 */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly status: number,
    readonly description: string,
  ) {
    super(description);
  }
}
