// The exact `WWW-Authenticate` value of a gate that accepts DPoP, which is every gate with the
// default `dpop: 'allowed'`: the RFC 6750 §3 Bearer challenge as before, then the RFC 9449 §7.1
// DPoP challenge, comma-separated in one field value (RFC 9110 §11.6.1). Tests write the Bearer
// part they expect and let `withDpop` append the DPoP part, so every expectation stays exact.

/**
 * The proof algorithms a default gate offers in `DPoP algs="…"`: `SUPPORTED_ALGORITHMS` of
 * packages/core/src/jws/algorithms.ts, in that order. Written out rather than imported (the list
 * is not public), so a change to what the library accepts shows up as a failing expectation;
 * test/support/challenges.test.ts checks it against what a real gate sends.
 */
export const DEFAULT_DPOP_ALGS = 'RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA';

export interface DpopChallengeOptions {
  /** The accepted proof algorithms, space-separated; default `DEFAULT_DPOP_ALGS`. */
  readonly algs?: string | undefined;
  /** RFC 9728 §5.1 `resource_metadata`, in both challenges when the gate serves metadata. */
  readonly resourceMetadata?: string | undefined;
}

/**
 * `bearerChallenge` followed by the DPoP challenge a gate offers next to it: its `realm`, its
 * `algs` and, with metadata on, `resource_metadata`, in the gate's attribute order. The error
 * attributes stay in the Bearer challenge, the scheme the client used.
 *
 * @example
 * ```ts
 * withDpop('Bearer realm="api"', 'api');
 * // 'Bearer realm="api", DPoP realm="api", algs="RS256 … EdDSA"'
 * withDpop('Bearer');
 * // 'Bearer, DPoP algs="RS256 … EdDSA"'
 * ```
 */
export function withDpop(
  bearerChallenge: string,
  realm?: string,
  options: DpopChallengeOptions = {},
): string {
  return `${bearerChallenge}, ${challenge('DPoP', realm, [], options)}`;
}

/**
 * The answer to a request made with the `DPoP` scheme (RFC 9449 §7.1): `Bearer` offered with
 * its realm (and `resource_metadata`) only, then the DPoP challenge with `errorAttributes`
 * (`error="…", error_description="…"`, as written) between its realm and its `algs`.
 *
 * @example
 * ```ts
 * inDpopChallenge('error="invalid_token", error_description="Token has expired"', 'api');
 * // 'Bearer realm="api", DPoP realm="api", error="invalid_token", …, algs="RS256 … EdDSA"'
 * ```
 */
export function inDpopChallenge(
  errorAttributes: string,
  realm?: string,
  options: DpopChallengeOptions = {},
): string {
  const bearer = challenge('Bearer', realm, [], { resourceMetadata: options.resourceMetadata });
  return `${bearer}, ${challenge('DPoP', realm, [errorAttributes], options)}`;
}

/** One challenge in formatChallenge's attribute order: realm, error attributes, algs, metadata. */
function challenge(
  scheme: 'Bearer' | 'DPoP',
  realm: string | undefined,
  errorAttributes: readonly string[],
  options: DpopChallengeOptions,
): string {
  const params = [
    ...(realm === undefined ? [] : [`realm="${realm}"`]),
    ...errorAttributes,
    ...(scheme === 'DPoP' ? [`algs="${options.algs ?? DEFAULT_DPOP_ALGS}"`] : []),
    ...(options.resourceMetadata === undefined
      ? []
      : [`resource_metadata="${options.resourceMetadata}"`]),
  ];
  return params.length === 0 ? scheme : `${scheme} ${params.join(', ')}`;
}
