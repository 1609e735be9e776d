import { InvalidTokenError } from '../errors/errors.js';
import type { VerifiedToken } from '../lib/types.js';

/**
 * `verify()`'s answer for a sender-constrained token when its caller did not say it checks the
 * proof: a DPoP-bound (RFC 9449 §7.1) or certificate-bound (RFC 8705 §3) token must never be
 * accepted on the token alone, so without `allowBoundTokens` it is refused, as a resource
 * server that does not support the binding would (RFC 9449 §7.2).
 */
export function refuseBoundToken(result: VerifiedToken): VerifiedToken {
  if (result.binding.type === 'bearer') return result;
  throw new InvalidTokenError('TOKEN_BINDING_UNCHECKED', {
    description:
      result.binding.type === 'dpop'
        ? 'Token is DPoP-bound: it needs a DPoP proof'
        : 'Token is certificate-bound: it needs the client certificate',
    detail: { binding: result.binding.type },
  });
}
