import { InvalidTokenError } from '../errors/errors.js';
import { InvalidDpopProofError } from '../errors/dpop-errors.js';
import { checkDpopProof } from '../dpop/proof-check.js';
import type { DpopPolicy } from '../dpop/dpop-options.js';
import { certificateThumbprint, type ClientCertificatePolicy } from '../mtls/client-certificate.js';
import type { VerifiedToken } from '../lib/types.js';
import type { BearerRequest, Credentials } from '../http/bearer.js';
import { requestOrigin, type OriginPolicy } from '../http/request-origin.js';

/** What the gate knows to check a token's binding against its request. */
export interface SenderBindingPolicy {
  /** `undefined`: DPoP is disabled, a DPoP-bound token is refused. */
  readonly dpop: DpopPolicy | undefined;
  readonly certificate: ClientCertificatePolicy;
  readonly origin: OriginPolicy;
  readonly realm: string | undefined;
}

/**
 * Checks that the request proves possession of what the token is bound to, on every request
 * (a cached token is bound to the same key as before, but each request needs its own proof):
 * - a DPoP-bound token only with the DPoP scheme and a valid proof (RFC 9449 §7.1, §4.3);
 * - the DPoP scheme only with a DPoP-bound token (RFC 9449 §7.1: the scheme says the token
 *   is bound; an unbound token sent that way is refused, as a downgrade could be);
 * - a certificate-bound token only over a connection with that client certificate (RFC 8705 §3).
 * Resolves when the binding holds; otherwise throws a `TokengateError`.
 */
export function checkSenderBinding(
  policy: SenderBindingPolicy,
  request: BearerRequest,
  credentials: Credentials,
  result: VerifiedToken,
): void | Promise<void> {
  const binding = result.binding;
  const realm = policy.realm;
  if (binding.type === 'bearer') {
    if (credentials.scheme === 'dpop') {
      throw new InvalidTokenError('DPOP_SCHEME_UNBOUND', {
        description: 'Token is not DPoP-bound: send it with the Bearer scheme',
        realm,
      });
    }
    return undefined;
  }
  if (binding.type === 'mtls') {
    if (credentials.scheme === 'dpop') {
      throw new InvalidTokenError('DPOP_SCHEME_UNBOUND', {
        description: 'Token is certificate-bound, not DPoP-bound: send it with the Bearer scheme',
        realm,
      });
    }
    const thumbprint = certificateThumbprint(policy.certificate, request, realm);
    return thumbprint instanceof Promise
      ? thumbprint.then((value) => certificateMatches(value, binding.x5tS256, realm))
      : certificateMatches(thumbprint, binding.x5tS256, realm);
  }
  if (policy.dpop === undefined) {
    throw new InvalidTokenError('DPOP_DISABLED', {
      description: 'Token is DPoP-bound, and DPoP is not accepted here',
      realm,
    });
  }
  // RFC 9449 §7.2: a DPoP-bound token presented as a bearer token is refused.
  if (credentials.scheme !== 'dpop') {
    throw new InvalidTokenError('DPOP_SCHEME_REQUIRED', {
      description: 'Token is DPoP-bound: send it with the DPoP scheme and a DPoP proof',
      realm,
    });
  }
  const proof = dpopHeader(request.rawHeaders, realm);
  const target = request.originalUrl ?? request.url ?? '/';
  return checkDpopProof(
    policy.dpop,
    {
      proof,
      method: request.method ?? 'GET',
      url: requestOrigin(policy.origin, request, realm) + target,
      accessToken: credentials.token,
      jkt: binding.jkt,
    },
    Date.now(),
  );
}

/** The one `DPoP` header (RFC 9449 §4.3 check 1: not more than one). */
function dpopHeader(rawHeaders: readonly string[], realm: string | undefined): string {
  let proof: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length !== 4 || name.toLowerCase() !== 'dpop') continue;
    if (proof !== undefined) {
      throw new InvalidDpopProofError('DPOP_PROOF_DUPLICATE', {
        description: 'Request has more than one DPoP header',
        realm,
      });
    }
    proof = rawHeaders[i + 1] ?? '';
  }
  if (proof === undefined || proof === '') {
    throw new InvalidDpopProofError('DPOP_PROOF_MISSING', {
      description: 'Request has no DPoP proof',
      realm,
    });
  }
  return proof;
}

function certificateMatches(
  thumbprint: string | undefined,
  expected: string,
  realm: string | undefined,
): void {
  if (thumbprint === undefined) {
    throw new InvalidTokenError('CERTIFICATE_MISSING', {
      description: 'Token is certificate-bound: the connection has no client certificate',
      realm,
    });
  }
  if (thumbprint !== expected) {
    throw new InvalidTokenError('CERTIFICATE_BINDING_MISMATCH', {
      description: 'Token is bound to another client certificate',
      realm,
    });
  }
}
