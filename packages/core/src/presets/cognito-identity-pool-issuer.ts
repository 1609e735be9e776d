import { stringArrayClaim, stringClaim } from '../claims/claim-readers.js';
import { invalid } from '../claims/claims-check.js';
import { seenList } from '../errors/error-detail.js';
import { describe, nonEmptyString } from '../lib/options.js';
import type { JwtClaims, JwtHeader, NormalizedIdentity, TrustedIssuer } from '../lib/types.js';
import { EMPTY, assertOptions, presetKeys, presetIssuer, signInCheck } from './preset-base.js';
import type { PresetOptions } from './preset-options.js';
import { frozenIssuer } from '../issuers/issuer-shape.js';

export interface CognitoIdentityPoolIssuerOptions extends PresetOptions {
  /** The identity pool id, e.g. `us-east-1:0f5d2f1a-8c8e-4a4b-9c57-3f3d2e1b0a99`: the accepted `aud`. */
  readonly identityPoolId: string;
  /** Cross-checks the region the pool id starts with; the issuer itself is global. */
  readonly region?: string;
  /** Accept tokens of guest (unauthenticated) identities too. Default `false`. */
  readonly allowUnauthenticated?: boolean;
  /**
   * Only `id` (the default): An identity pool (`GetOpenIdToken`) signs ID tokens only, no JWT access tokens for your API.
   * Anything else is a TypeError at creation.
   */
  readonly tokenUse?: 'id';
}

const POOL_ID =
  /^([a-z]{2}(?:-[a-z]+)+-\d+):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Trusts the OpenID tokens of an Amazon Cognito identity pool (`GetOpenIdToken`,
 * `GetOpenIdTokenForDeveloperIdentity`): `iss` is `https://cognito-identity.amazonaws.com`,
 * keys at `https://cognito-identity.amazonaws.com/.well-known/jwks_uri`, RS512, `aud` the
 * identity pool id. The subject is the identity id; `amr` says how the identity signed in and
 * must contain `authenticated` unless `allowUnauthenticated` is set. No scopes, groups or client.
 *
 * @example
 * ```ts
 * const identities = cognitoIdentityPoolIssuer({
 *   identityPoolId: 'us-east-1:0f5d2f1a-8c8e-4a4b-9c57-3f3d2e1b0a99',
 * });
 * ```
 */
export function cognitoIdentityPoolIssuer(
  options: CognitoIdentityPoolIssuerOptions,
): TrustedIssuer {
  assertOptions(options, 'cognitoIdentityPoolIssuer', COGNITO_IDENTITY_POOL_OPTION_KEYS);
  const identityPoolId = nonEmptyString(options.identityPoolId, 'identityPoolId');
  const match = POOL_ID.exec(identityPoolId);
  if (match === null) {
    throw new TypeError(
      `identityPoolId must look like <region>:<guid>, got ${describe(identityPoolId)}`,
    );
  }
  if (options.region !== undefined && options.region !== match[1]) {
    throw new TypeError(
      `region ${describe(options.region)} is not the region of identityPoolId ${describe(identityPoolId)}`,
    );
  }
  const allowUnauthenticated = options.allowUnauthenticated === true;
  const tokenUse = signInCheck(options.tokenUse, 'cognitoIdentityPoolIssuer');
  // https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flow.html
  // (GetOpenIdToken). The issuer and key set are one global endpoint in the aws partition; AWS
  // documents no regional form, so other partitions (China, GovCloud) are unverified here:
  // use issuerOverride and jwksUri there.
  const issuer = 'https://cognito-identity.amazonaws.com';
  return frozenIssuer({
    ...presetIssuer(options, {
      kind: 'cognito-identity',
      issuers: [issuer],
      jwksUri: `${issuer}/.well-known/jwks_uri`,
      audience: identityPoolId,
      // Its key set publishes RS512 keys (kid like `us-east-14`), not RS256 like user pools.
      algorithms: ['RS512'],
      tokenUse,
    }),
    validate(claims: JwtClaims, header: JwtHeader): void {
      tokenUse(claims, header);
      if (!allowUnauthenticated && !stringArrayClaim(claims.amr).includes('authenticated')) {
        throw invalid('CLAIM_INVALID', 'Token is not for an authenticated identity', {
          claim: 'amr',
          seen: seenList(claims.amr),
          expected: 'authenticated',
        });
      }
    },
    normalize(claims: JwtClaims): NormalizedIdentity {
      return {
        subject: stringClaim(claims.sub),
        clientId: undefined,
        tokenUse: 'id',
        scopes: EMPTY,
        groups: EMPTY,
      };
    },
  });
}

const COGNITO_IDENTITY_POOL_OPTION_KEYS = presetKeys<CognitoIdentityPoolIssuerOptions>({
  identityPoolId: true,
  region: true,
  allowUnauthenticated: true,
  tokenUse: true,
});
