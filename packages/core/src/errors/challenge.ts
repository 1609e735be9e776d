export interface ChallengeParams {
  readonly realm?: string | undefined;
  readonly error?: string | undefined;
  readonly description?: string | undefined;
  readonly scope?: string | undefined;
  /** RFC 9470 §3: space-separated authentication context classes the client should request. */
  readonly acrValues?: string | undefined;
  /** RFC 9470 §3: the maximum age, in seconds, of the user's authentication. */
  readonly maxAge?: string | undefined;
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
  return parts.length === 0 ? 'Bearer' : `Bearer ${parts.join(', ')}`;
}

// RFC 6750 §3: attribute values use %x20-21 / %x23-5B / %x5D-7E: printable ASCII without
// `"` and `\`. Anything else is replaced rather than escaped, so no client parser can be confused.
const NOT_QUOTABLE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g;

function quotable(value: string): string {
  return value.replace(NOT_QUOTABLE, '?');
}
