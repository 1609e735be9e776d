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
  | 'INTROSPECTION_UNAVAILABLE'
  // A verifier passed in (not built by this gate) failed with something else than a
  // TokengateError, or answered with something else than a verified token.
  | 'VERIFIER_FAILED';
