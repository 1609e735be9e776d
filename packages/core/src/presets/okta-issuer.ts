import { scopeListClaim, stringArrayClaim, stringClaim } from '../claims/claim-readers.js';
import { describe } from '../lib/options.js';
import { acceptedTokenUse, tokenUseCheck } from '../claims/token-kind.js';
import type { JwtClaims, JwtHeader, NormalizedIdentity, TrustedIssuer } from '../lib/types.js';
import {
  assertOptions,
  presetKeys,
  hostName,
  presetIssuer,
  requiredAudience,
} from './preset-base.js';
import { oktaTokenKind } from './token-kinds.js';
import type { PresetOptions } from './preset-options.js';
import { frozenIssuer } from '../issuers/issuer-shape.js';

export interface OktaIssuerOptions extends PresetOptions {
  /** The Okta org or custom domain, e.g. `example.okta.com`: a host name, no `https://`. */
  readonly domain: string;
  /**
   * The custom authorization server, e.g. `default` or `aus1a2b3c4d5e6f7g8h9`. Default
   * `default`. `null` selects the org authorization server, whose access tokens Okta meant
   * for its own APIs: use it for ID tokens, with `tokenUse: 'id'`.
   */
  readonly authorizationServerId?: string | null;
  /** Accepted `aud` values (`api://default` on the default server); `null` skips the check explicitly. */
  readonly audience: string | readonly string[] | null;
  /**
   * Which tokens this API accepts. Default `access`; `id` or `both` only by explicit choice.
   * Access tokens carry `cid` and `scp`; ID tokens carry
   * neither (the org server's ID tokens need `tokenUse: 'id'`).
   */
  readonly tokenUse?: 'access' | 'id' | 'both';
}

const SERVER_ID = /^[A-Za-z0-9]+$/;

/**
 * Trusts an Okta authorization server: `iss` is `https://<domain>/oauth2/<id>` (or
 * `https://<domain>` for the org server), keys at `<iss>/v1/keys` (org server:
 * `https://<domain>/oauth2/v1/keys`), RS256. Scopes come from `scp` (an array), groups from a
 * `groups` claim configured on the server, the client from `cid`. `sub` is the user's login;
 * Okta's user id stays in `claims.uid`.
 *
 * @example
 * ```ts
 * const okta = oktaIssuer({ domain: 'example.okta.com', audience: 'api://default' });
 * const verifier = createVerifier({ issuers: [okta] });
 * ```
 */
export function oktaIssuer(options: OktaIssuerOptions): TrustedIssuer {
  assertOptions(options, 'oktaIssuer', OKTA_OPTION_KEYS);
  const domain = hostName(options.domain, 'domain', 'example.okta.com');
  const serverId =
    options.authorizationServerId === undefined ? 'default' : options.authorizationServerId;
  if (serverId !== null && (typeof serverId !== 'string' || !SERVER_ID.test(serverId))) {
    throw new TypeError(
      `authorizationServerId must be an id such as default or aus1a2b3c4d5e6f7g8h9, or null for the org server, got ${describe(serverId)}`,
    );
  }
  // https://developer.okta.com/docs/concepts/auth-servers/ and …/guides/validate-access-tokens/
  const issuer = serverId === null ? `https://${domain}` : `https://${domain}/oauth2/${serverId}`;
  const tokenUse = tokenUseCheck(acceptedTokenUse(options.tokenUse), oktaTokenKind);
  const jwksUri = serverId === null ? `https://${domain}/oauth2/v1/keys` : `${issuer}/v1/keys`;
  return frozenIssuer({
    ...presetIssuer(options, {
      kind: 'okta',
      issuers: [issuer],
      jwksUri,
      audience: requiredAudience(options.audience, 'oktaIssuer'),
      algorithms: ['RS256'],
      tokenUse,
    }),
    normalize(claims: JwtClaims, header: JwtHeader): NormalizedIdentity {
      return {
        subject: stringClaim(claims.sub),
        clientId: stringClaim(claims.cid),
        tokenUse: tokenUse(claims, header),
        scopes: scopeListClaim(claims.scp),
        groups: stringArrayClaim(claims.groups),
      };
    },
  });
}

const OKTA_OPTION_KEYS = presetKeys<OktaIssuerOptions>({
  domain: true,
  authorizationServerId: true,
  audience: true,
  tokenUse: true,
});
