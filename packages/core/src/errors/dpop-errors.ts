import { TokengateError, type TokengateErrorCode, type TokengateErrorOptions } from './errors.js';

/**
 * 401 `invalid_dpop_proof` (RFC 9449 §7.1, §12.2): the `DPoP` header is missing, malformed,
 * replayed, or does not match the request or the token. The client can fix it with a new proof.
 *
 * @example
 * ```ts
 * try {
 *   await checkDpopProof(policy, presentation, Date.now());
 * } catch (err) {
 *   if (err instanceof InvalidDpopProofError) log.info({ code: err.code }, 'bad DPoP proof'); // e.g. DPOP_PROOF_REPLAYED
 *   throw err;
 * }
 * ```
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
 *
 * @example
 * ```ts
 * // Client side: retry once with the nonce the server asked for.
 * if (res.status === 401 && res.headers.get('www-authenticate')?.includes('use_dpop_nonce')) {
 *   const nonce = res.headers.get('dpop-nonce')!;
 *   res = await fetch(url, { headers: { authorization: `DPoP ${token}`, dpop: await key.proof({ method: 'GET', url, accessToken: token, nonce }) } });
 * }
 * ```
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
