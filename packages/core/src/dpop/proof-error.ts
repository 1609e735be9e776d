import { InvalidDpopProofError } from '../errors/dpop-errors.js';
import type { ErrorDetail } from '../errors/error-detail.js';
import type { TokengateErrorCode } from '../errors/errors.js';

/**
 * A 401 `invalid_dpop_proof` (RFC 9449 §7.1). `description` is a fixed sentence (it reaches the
 * client); what the proof held goes into `detail` (logs only), through `seen()` when it came
 * from the proof. Built only on failure.
 */
export function refused(
  code: Extract<TokengateErrorCode, `DPOP_${string}`>,
  description: string,
  detail?: ErrorDetail,
): InvalidDpopProofError {
  return new InvalidDpopProofError(code, { description, detail });
}
