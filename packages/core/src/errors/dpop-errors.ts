import { TokengateError, type TokengateErrorCode, type TokengateErrorOptions } from './errors.js';

/**
 * 401 `invalid_dpop_proof` (RFC 9449 §7.1, §12.2): the `DPoP` header is missing, malformed,
 * replayed, or does not match the request or the token. The client can fix it with a new proof.
 */
export class InvalidDpopProofError extends TokengateError {
  readonly status = 401;
  readonly error = 'invalid_dpop_proof';

  constructor(code: Extract<TokengateErrorCode, `DPOP_${string}`>, options: TokengateErrorOptions) {
    super(code, options);
  }
}

/**
 * 401 `use_dpop_nonce` (RFC 9449 §8, §9): the proof must carry the server's nonce, sent in the
 * `DPoP-Nonce` header of this answer; the client retries with a new proof that includes it.
 */
export class UseDpopNonceError extends TokengateError {
  readonly status = 401;
  readonly error = 'use_dpop_nonce';
  /** The nonce the next proof must carry. */
  readonly nonce: string;

  constructor(nonce: string, options: TokengateErrorOptions) {
    super('DPOP_NONCE_REQUIRED', options);
    this.nonce = nonce;
  }

  override get headers(): Record<string, string> {
    return { ...super.headers, 'DPoP-Nonce': this.nonce };
  }
}
