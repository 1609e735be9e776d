import {
  firstPresent,
  scopeListClaim,
  stringArrayClaim,
  stringClaim,
} from '../claims/claim-readers.js';
import { describe, nonEmptyString } from '../lib/options.js';
import { acceptedTokenUse, tokenUseCheck } from '../claims/token-kind.js';
import type { JwtClaims, JwtHeader, NormalizedIdentity, TrustedIssuer } from '../lib/types.js';
import { assertOptions, presetKeys, presetIssuer, requiredAudience } from './preset-base.js';
import { oneLoginTokenKind } from './token-kinds.js';
import type { PresetOptions } from './preset-options.js';
import { frozenIssuer } from '../issuers/issuer-shape.js';

export interface OneLoginIssuerOptions extends PresetOptions {
  /** The account subdomain: `example` for `https://example.onelogin.com`. */
  readonly subdomain: string;
  /** Accepted `aud` values (the app's client id, or the API resource); `null` skips the check explicitly. */
  readonly audience: string | readonly string[] | null;
  /**
   * Which tokens this API accepts. Default `access`; `id` or `both` only by explicit choice.
   * Access tokens carry `scope`/`client_id`; ID tokens
   * carry `nonce`/`at_hash`, or neither `scope` nor `client_id`.
   */
  readonly tokenUse?: 'access' | 'id' | 'both';
}

const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
// The layout oidcIssuer() reads by default; OneLogin writes `scope`.
const SCOPES: readonly string[] = ['scope', 'scp'];

/**
 * Trusts OneLogin's OpenID Connect v2 endpoints: `iss` is
 * `https://<subdomain>.onelogin.com/oidc/2`, keys at `<iss>/certs`, RS256. Groups come from
 * the `groups` claim (the app's "Groups" setting), scopes from `scope`, the client from
 * `client_id` or `azp`. Access tokens are told from ID tokens by `scope`/`client_id` (access)
 * and `nonce`/`at_hash` (ID).
 *
 * @example
 * ```ts
 * const onelogin = oneLoginIssuer({ subdomain: 'example', audience: 'c0ffee00-1234-5678-9abc-def012345678' });
 * ```
 */
export function oneLoginIssuer(options: OneLoginIssuerOptions): TrustedIssuer {
  assertOptions(options, 'oneLoginIssuer', ONE_LOGIN_OPTION_KEYS);
  const subdomain = nonEmptyString(options.subdomain, 'subdomain');
  if (!SUBDOMAIN.test(subdomain)) {
    throw new TypeError(
      `subdomain must be the account name only, e.g. example for example.onelogin.com, got ${describe(subdomain)}`,
    );
  }
  // https://developers.onelogin.com/openid-connect (v2 issuer and /certs)
  const issuer = `https://${subdomain.toLowerCase()}.onelogin.com/oidc/2`;
  const tokenUse = tokenUseCheck(acceptedTokenUse(options.tokenUse), oneLoginTokenKind);
  return frozenIssuer({
    ...presetIssuer(options, {
      kind: 'onelogin',
      issuers: [issuer],
      jwksUri: `${issuer}/certs`,
      audience: requiredAudience(options.audience, 'oneLoginIssuer'),
      algorithms: ['RS256'],
      tokenUse,
    }),
    normalize(claims: JwtClaims, header: JwtHeader): NormalizedIdentity {
      return {
        subject: stringClaim(claims.sub),
        clientId: stringClaim(claims.client_id) ?? stringClaim(claims.azp),
        tokenUse: tokenUse(claims, header),
        scopes: scopeListClaim(firstPresent(claims, SCOPES)),
        groups: stringArrayClaim(claims.groups),
      };
    },
  });
}

const ONE_LOGIN_OPTION_KEYS = presetKeys<OneLoginIssuerOptions>({
  subdomain: true,
  audience: true,
  tokenUse: true,
});
