import type { TrustedIssuer } from '../lib/types.js';

/**
 * Decides at run time whether an `iss` is trusted, e.g. by looking the tenant up in your
 * database. Return the issuer's configuration (its endpoints must include `iss` exactly), or
 * `undefined` for an untrusted issuer. Answers are cached; a throw or rejection answers 503.
 *
 * @example
 * ```ts
 * const resolveIssuer: IssuerResolver = async (iss) => {
 *   const tenant = await db.tenantByIssuer(iss); // your own lookup
 *   return tenant && oidcIssuer({ issuer: iss, audience: tenant.audience });
 * };
 * const verifier = createVerifier({ resolveIssuer });
 * ```
 */
export type IssuerResolver = (
  issuer: string,
) => TrustedIssuer | undefined | Promise<TrustedIssuer | undefined>;

/**
 * A resolver for issuers that match a pattern. The whole `iss` must match (an unanchored
 * pattern cannot let `https://evil.example/?https://good.example` through), then `build`
 * turns the match into a configuration, or `undefined` to refuse.
 *
 * @example
 * ```ts
 * const tenantPools = matchIssuer(
 *   /^https:\\/\\/cognito-idp\\.eu-west-1\\.amazonaws\\.com\\/(eu-west-1_[0-9A-Za-z]+)$/,
 *   async (iss, [, poolId]) => {
 *     const tenant = await db.tenantByPool(poolId);
 *     return tenant && cognitoIssuer({ userPoolId: poolId, clientId: tenant.appClientId });
 *   },
 * );
 * const verifier = createVerifier({ resolveIssuer: tenantPools });
 * ```
 */
export function matchIssuer(
  pattern: RegExp,
  build: (
    issuer: string,
    match: RegExpExecArray,
  ) => TrustedIssuer | undefined | Promise<TrustedIssuer | undefined>,
): IssuerResolver {
  if (!(pattern instanceof RegExp)) throw new TypeError('matchIssuer needs a RegExp');
  if (typeof build !== 'function') throw new TypeError('matchIssuer needs a build function');
  // A private copy without global/sticky state, so lastIndex can never carry over.
  const matcher = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  return (issuer) => {
    const match = matcher.exec(issuer);
    if (match === null || match.index !== 0 || match[0] !== issuer) return undefined;
    return build(issuer, match);
  };
}
