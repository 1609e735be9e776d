import {
  firstPresent,
  scopeListClaim,
  stringArrayClaim,
  stringClaim,
  audienceClaim,
} from '../claims/claim-readers.js';
import { invalid } from '../claims/claims-check.js';
import {
  REGION,
  cognitoEndpoints,
  issuerFormatsOf,
  replicaRegionsOf,
  type CognitoIssuerFormat,
} from './cognito-endpoints.js';
import { detailList, seen, seenList } from '../errors/error-detail.js';
import {
  assertKnownKeys,
  describe,
  nonEmptyString,
  optionKeys,
  secureUrl,
  stringList,
} from '../lib/options.js';
import { checkedPolicy } from './policy.js';
import { optionalBoolean } from '../lib/options.js';
import { frozenIssuer } from './issuer-shape.js';
import { withStaticKeys } from '../jwks/static-keys.js';
import type {
  ClaimPolicy,
  IssuerEndpoint,
  JsonWebKeySet,
  JwtClaims,
  NormalizedIdentity,
  TokenUse,
  TrustedIssuer,
} from '../lib/types.js';

export type { CognitoIssuerFormat } from './cognito-endpoints.js';

/**
 * Options of {@link cognitoIssuer}: the user pool, the accepted app clients and which token
 * kinds are accepted. Checked at creation, with `TypeError`.
 *
 * @example
 * ```ts
 * const options: CognitoIssuerOptions = { userPoolId: 'eu-west-1_AbCdEf123', clientId: ['web-app', 'mobile-app'] };
 * const pool = cognitoIssuer(options);
 * ```
 */
export interface CognitoIssuerOptions extends Omit<ClaimPolicy, 'audience'> {
  /** The user pool id, e.g. `eu-west-1_AbCdEf123`; the region is read from it. Optional with `issuerOverride`. */
  readonly userPoolId?: string;
  /**
   * Accepted app client ids: checked against `client_id` in access tokens (which have no
   * `aud`) and `aud` in ID tokens. `null` skips the check and must be chosen explicitly.
   */
  readonly clientId: string | readonly string[] | null;
  /** Which tokens this API accepts. Default `access`: ID tokens are for clients, not APIs. */
  readonly tokenUse?: 'access' | 'id' | 'both';
  /** Overrides the region read from `userPoolId`. */
  readonly region?: string;
  /**
   * Which `iss` forms to trust: `original` (`https://cognito-idp.<region>.amazonaws.com/<pool>`)
   * and `updated` (`https://issuer-cognito-idp.<region>.amazonaws.com/<pool>`, once the pool opts
   * into the updated issuer format). Default both. The first listed is the pool's primary form:
   * `prewarm()` rejects when its keys cannot be loaded and only reports the others (the updated
   * form answers 403 for pools that have not opted in). Every form's keys load on first use.
   */
  readonly issuerFormats?: readonly CognitoIssuerFormat[];
  /**
   * Regions the pool is replicated to (multi-region replication). Tokens issued there carry that
   * region's `iss` (the pool id keeps its home-region prefix) and are signed with that region's
   * own keys. `prewarm()` reports replicas in events; only the home region must answer.
   */
  readonly replicaRegions?: readonly string[];
  /** Exact `iss` to accept instead of the AWS ones, e.g. cognito-local or LocalStack. */
  readonly issuerOverride?: string;
  /** JWKS location instead of `<issuer>/.well-known/jwks.json`. */
  readonly jwksUri?: string;
  /**
   * The pool's keys, given up front (every region's, with `replicaRegions`): no request is
   * ever sent for them; they change only on redeploy. Exclusive with `jwksUri`.
   */
  readonly jwks?: JsonWebKeySet;
  /** Allow `http:` URLs on non-loopback hosts (a LocalStack container, never production). */
  readonly allowInsecureHttp?: boolean;
  /**
   * Claims read as the groups, the first one present wins. Default `cognito:groups`; add
   * `groups` when a pre-token-generation trigger writes the groups there.
   */
  readonly groupsClaim?: string | readonly string[];
}

// `<region>_<id>`, e.g. `us-east-1_AbCdEf123` or `ap-southeast-2_x`.
const POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d+)_[0-9A-Za-z]+$/;
// Emulators (cognito-local: `local_abc`) use looser ids; only the `<prefix>_<id>` shape is kept.
const LOOSE_POOL_ID = /^[\w-]+_[0-9A-Za-z]+$/;

/**
 * Trusts an Amazon Cognito user pool. Accepts both issuer forms Cognito uses (`issuerFormats`),
 * `https://cognito-idp.<region>.amazonaws.com/<pool>` and the updated
 * `https://issuer-cognito-idp.<region>.amazonaws.com/<pool>`, in the home region and each of
 * `replicaRegions`, each with its own JWKS.
 *
 * @example
 * ```ts
 * const pool = cognitoIssuer({
 *   userPoolId: 'eu-west-1_AbCdEf123',
 *   clientId: '1example23456789',
 *   replicaRegions: ['us-east-1'],
 * });
 * const verifier = createVerifier({ issuers: [pool] });
 * ```
 */
export function cognitoIssuer(options: CognitoIssuerOptions): TrustedIssuer {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('cognitoIssuer options must be an object');
  assertKnownKeys(options, COGNITO_OPTION_KEYS, 'cognitoIssuer');
  const allowInsecureHttp = optionalBoolean(options.allowInsecureHttp, 'allowInsecureHttp', false);
  const policy = checkedPolicy(options, (key) => key);
  const override =
    options.issuerOverride === undefined
      ? undefined
      : secureUrl(options.issuerOverride, 'issuerOverride', allowInsecureHttp);
  // An emulator has one `iss`: forms and regions would silently mean nothing there.
  if (override !== undefined) {
    for (const name of ['issuerFormats', 'replicaRegions'] as const) {
      if (options[name] !== undefined) {
        throw new TypeError(`${name} cannot be combined with issuerOverride`);
      }
    }
  }
  // With an override the pool id is not part of any URL, so emulators' ids are fine or it may be left out.
  const userPoolId =
    override !== undefined && options.userPoolId === undefined
      ? undefined
      : nonEmptyString(options.userPoolId, 'userPoolId');
  const poolMatch = userPoolId === undefined ? null : POOL_ID.exec(userPoolId);
  if (
    userPoolId !== undefined &&
    poolMatch === null &&
    !(override !== undefined && LOOSE_POOL_ID.test(userPoolId))
  ) {
    throw new TypeError(`userPoolId must look like <region>_<id>, got ${describe(userPoolId)}`);
  }
  const poolRegion = poolMatch?.[1];
  // The pool id's prefix is its home region, where its `iss` and keys live: a different
  // `region` would trust an issuer that never signs this pool's tokens and refuse every real
  // one. Tokens minted in another region of a replicated pool need `replicaRegions`.
  if (options.region !== undefined && poolRegion !== undefined && options.region !== poolRegion) {
    throw new TypeError(
      `region ${describe(options.region)} contradicts userPoolId ${describe(userPoolId)}, whose home region is ${describe(poolRegion)}: ` +
        'leave region out, or list the other region in replicaRegions for a replicated pool',
    );
  }
  const region = options.region ?? poolRegion;
  if (override === undefined && (region === undefined || !REGION.test(region))) {
    throw new TypeError(`region must look like us-east-1, got ${describe(region)}`);
  }
  if (options.clientId === undefined) {
    throw new TypeError(
      'clientId is required: an app client id or list of them (null skips the check explicitly)',
    );
  }
  const clientIds =
    options.clientId === null ? null : new Set(stringList(options.clientId, 'clientId'));
  const groupsClaims = stringList(options.groupsClaim ?? 'cognito:groups', 'groupsClaim');
  const tokenUse = options.tokenUse ?? 'access';
  if (tokenUse !== 'access' && tokenUse !== 'id' && tokenUse !== 'both') {
    throw new TypeError(`tokenUse must be 'access', 'id' or 'both', got ${describe(tokenUse)}`);
  }
  const jwksUri =
    options.jwksUri === undefined
      ? undefined
      : secureUrl(options.jwksUri, 'jwksUri', allowInsecureHttp);
  const endpoints: IssuerEndpoint[] =
    override !== undefined
      ? [{ issuer: override, jwksUri: jwksUri ?? `${override}/.well-known/jwks.json` }]
      : awsEndpoints(options, userPoolId as string, region as string, jwksUri);

  return frozenIssuer({
    // Cognito signs with RS256 only; anything else is not from Cognito.
    algorithms: ['RS256'],
    ...policy,
    kind: 'cognito',
    endpoints: withStaticKeys(endpoints, options.jwks, jwksUri, policy.algorithms ?? ['RS256']),
    allowInsecureHttp,
    // Access tokens carry no `aud`: the client is checked through `client_id` instead.
    audience: null,
    validate(claims: JwtClaims): void {
      const use = claims.token_use;
      if ((use !== 'access' && use !== 'id') || (tokenUse !== 'both' && use !== tokenUse)) {
        throw invalid(
          'TOKEN_USE_MISMATCH',
          `Token is not a Cognito ${tokenUse === 'both' ? 'access or ID' : tokenUse} token`,
          { token_use: seen(use), expected: tokenUse },
        );
      }
      if (clientIds === null) return;
      if (use === 'access') {
        const clientId = claims.client_id;
        if (typeof clientId !== 'string' || !clientIds.has(clientId)) {
          throw invalid('CLIENT_ID_MISMATCH', 'Token client is not accepted', {
            client_id: seen(clientId),
            expected: detailList(clientIds),
          });
        }
      } else if (!audienceClaim(claims.aud).some((aud) => clientIds.has(aud))) {
        throw invalid('AUDIENCE_MISMATCH', 'Token audience is not accepted', {
          aud: seenList(claims.aud),
          expected: detailList(clientIds),
        });
      }
    },
    normalize(claims: JwtClaims): NormalizedIdentity {
      const use = claims.token_use as TokenUse;
      return {
        subject: stringClaim(claims.sub),
        clientId: use === 'access' ? stringClaim(claims.client_id) : audienceClaim(claims.aud)[0],
        tokenUse: use,
        scopes: scopeListClaim(claims.scope),
        groups: stringArrayClaim(firstPresent(claims, groupsClaims)),
      };
    },
  });
}

const COGNITO_OPTION_KEYS = optionKeys<CognitoIssuerOptions>({
  userPoolId: true,
  clientId: true,
  tokenUse: true,
  region: true,
  issuerFormats: true,
  replicaRegions: true,
  issuerOverride: true,
  jwksUri: true,
  jwks: true,
  allowInsecureHttp: true,
  groupsClaim: true,
  algorithms: true,
  clockToleranceSeconds: true,
  maxTokenAgeSeconds: true,
  typ: true,
  requiredClaims: true,
});

/** The AWS-hosted endpoints: each trusted form in the home region and every replica region. */
function awsEndpoints(
  options: CognitoIssuerOptions,
  userPoolId: string,
  homeRegion: string,
  jwksUri: string | undefined,
): IssuerEndpoint[] {
  const formats = issuerFormatsOf(options.issuerFormats);
  const replicaRegions = replicaRegionsOf(options.replicaRegions, homeRegion);
  // Every region signs with its own keys: one JWKS location for all would refuse (or, worse,
  // a misrouted set could accept) tokens of the other regions.
  if (replicaRegions.length > 0 && jwksUri !== undefined) {
    throw new TypeError(
      'jwksUri cannot be combined with replicaRegions: each region has its own keys',
    );
  }
  return cognitoEndpoints({ userPoolId, homeRegion, replicaRegions, formats, jwksUri });
}
