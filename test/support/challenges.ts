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
  readonly algs?: string;
  /** RFC 9728 §5.1 `resource_metadata`, when the gate serves metadata. */
  readonly resourceMetadata?: string;
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
  const params = [
    ...(realm === undefined ? [] : [`realm="${realm}"`]),
    `algs="${options.algs ?? DEFAULT_DPOP_ALGS}"`,
    ...(options.resourceMetadata === undefined
      ? []
      : [`resource_metadata="${options.resourceMetadata}"`]),
  ];
  return `${bearerChallenge}, DPoP ${params.join(', ')}`;
}
