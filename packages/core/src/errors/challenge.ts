/**
 * The auth-params of one `WWW-Authenticate` challenge; `undefined` ones are left out.
 *
 * @example
 * ```ts
 * const params: ChallengeParams = { realm: 'api', error: 'insufficient_scope', scope: 'orders:write' };
 * formatChallenge(params); // 'Bearer realm="api", error="insufficient_scope", scope="orders:write"'
 * ```
 */
export interface ChallengeParams {
  /** RFC 6750 §3: the protection space. */
  readonly realm?: string | undefined;
  /** RFC 6750 §3.1: the error code. */
  readonly error?: string | undefined;
  /** RFC 6750 §3: `error_description`, for developers. */
  readonly description?: string | undefined;
  /** RFC 6750 §3: the space-separated scopes the resource needs. */
  readonly scope?: string | undefined;
  /** RFC 9470 §3: space-separated authentication context classes the client should request. */
  readonly acrValues?: string | undefined;
  /** RFC 9470 §3: the maximum age, in seconds, of the user's authentication. */
  readonly maxAge?: string | undefined;
  /** RFC 9728 §5.1: where the client finds this resource's protected-resource metadata. */
  readonly resourceMetadata?: string | undefined;
  /** RFC 9449 §7.1: the `DPoP` challenge's space-separated proof algorithms. */
  readonly algs?: string | undefined;
}

/**
 * How a gate answers: which schemes it challenges with, and its metadata URL.
 *
 * @example
 * ```ts
 * // What a gate with DPoP allowed and RFC 9728 metadata on passes for a DPoP request:
 * const context: ChallengeContext = {
 *   bearer: true,
 *   dpopAlgs: 'ES256 EdDSA',
 *   scheme: 'dpop',
 *   resourceMetadata: 'https://api.example.com/.well-known/oauth-protected-resource',
 * };
 * formatChallenges({ realm: 'api', error: 'invalid_token' }, context);
 * ```
 */
export interface ChallengeContext {
  /** Offer the `Bearer` scheme (false when DPoP is required, RFC 9449 §7.2). */
  readonly bearer: boolean;
  /** Offer the `DPoP` scheme with these proof algorithms (RFC 9449 §7.1); none: not offered. */
  readonly dpopAlgs: string | undefined;
  /** The scheme the request used: the error attributes go into that scheme's challenge. */
  readonly scheme: 'bearer' | 'dpop' | undefined;
  /** RFC 9728 §5.1 `resource_metadata`, in every challenge. */
  readonly resourceMetadata: string | undefined;
}

// The DPoP scheme's own errors (RFC 9449 §7.1, §8) can only be answered in its challenge.
const DPOP_ERRORS = new Set(['invalid_dpop_proof', 'use_dpop_nonce']);

/**
 * The `WWW-Authenticate` value for a gate's schemes: one `Bearer` challenge (RFC 6750 §3) and/or
 * one `DPoP` challenge (RFC 9449 §7.1), comma-separated in one field value (RFC 9110 §11.6.1).
 * The error attributes go into the challenge of the scheme the client used (a DPoP proof error
 * always into the DPoP one); the other scheme is offered with its realm, `algs` and
 * `resource_metadata` only, so a client may switch to it.
 *
 * @example
 * ```ts
 * formatChallenges(
 *   { realm: 'api', error: 'invalid_token', description: 'Token expired' },
 *   { bearer: true, dpopAlgs: 'ES256', scheme: 'dpop', resourceMetadata: undefined },
 * );
 * // 'Bearer realm="api", DPoP realm="api", error="invalid_token", error_description="Token expired", algs="ES256"'
 * ```
 */
export function formatChallenges(
  params: ChallengeParams,
  context: ChallengeContext | undefined,
): string {
  if (context === undefined) return formatChallenge(params);
  const offered = {
    realm: params.realm,
    resourceMetadata: context.resourceMetadata,
  };
  const dpopOffered = context.dpopAlgs !== undefined;
  const errorScheme =
    (params.error !== undefined && DPOP_ERRORS.has(params.error)) ||
    !context.bearer ||
    (context.scheme === 'dpop' && dpopOffered)
      ? 'dpop'
      : 'bearer';
  const challenges: string[] = [];
  if (context.bearer) {
    challenges.push(
      formatChallenge(errorScheme === 'bearer' ? { ...offered, ...params } : offered),
    );
  }
  if (dpopOffered) {
    const dpop = errorScheme === 'dpop' ? { ...offered, ...params } : offered;
    challenges.push(
      `DPoP${formatChallenge({ ...dpop, algs: context.dpopAlgs }).slice('Bearer'.length)}`,
    );
  }
  return challenges.join(', ');
}

/**
 * Builds a `WWW-Authenticate: Bearer …` value (RFC 6750 §3).
 *
 * @example
 * ```ts
 * formatChallenge({ realm: 'api', error: 'invalid_token', description: 'Token expired' });
 * // 'Bearer realm="api", error="invalid_token", error_description="Token expired"'
 * ```
 */
export function formatChallenge(params: ChallengeParams): string {
  const parts: string[] = [];
  if (params.realm !== undefined) parts.push(`realm="${quotable(params.realm)}"`);
  if (params.error !== undefined) parts.push(`error="${quotable(params.error)}"`);
  if (params.description !== undefined) {
    parts.push(`error_description="${quotable(params.description)}"`);
  }
  if (params.scope !== undefined) parts.push(`scope="${quotable(params.scope)}"`);
  if (params.acrValues !== undefined) parts.push(`acr_values="${quotable(params.acrValues)}"`);
  if (params.maxAge !== undefined) parts.push(`max_age="${quotable(params.maxAge)}"`);
  if (params.algs !== undefined) parts.push(`algs="${quotable(params.algs)}"`);
  if (params.resourceMetadata !== undefined) {
    parts.push(`resource_metadata="${quotable(params.resourceMetadata)}"`);
  }
  return parts.length === 0 ? 'Bearer' : `Bearer ${parts.join(', ')}`;
}

// RFC 6750 §3: attribute values use %x20-21 / %x23-5B / %x5D-7E: printable ASCII without
// `"` and `\`. Anything else is replaced rather than escaped, so no client parser can be confused.
const NOT_QUOTABLE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g;

function quotable(value: string): string {
  return value.replace(NOT_QUOTABLE, '?');
}
