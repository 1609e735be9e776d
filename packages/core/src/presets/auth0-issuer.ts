import { scopeListClaim, stringArrayClaim, stringClaim } from '../claims/claim-readers.js';
import { nonEmptyString } from '../lib/options.js';
import { acceptedTokenUse, tokenUseCheck } from '../claims/token-kind.js';
import type { JwtClaims, JwtHeader, NormalizedIdentity, TrustedIssuer } from '../lib/types.js';
import {
  EMPTY,
  assertOptions,
  presetKeys,
  hostName,
  presetIssuer,
  requiredAudience,
  union,
} from './preset-base.js';
import { auth0TokenKind } from './token-kinds.js';
import type { PresetOptions } from './preset-options.js';
import { frozenIssuer } from '../issuers/issuer-shape.js';

export interface Auth0IssuerOptions extends PresetOptions {
  /** The tenant or custom domain, e.g. `example.eu.auth0.com`: a host name, no `https://`. */
  readonly domain: string;
  /** The API identifier(s) the tokens must be issued for (`aud`); `null` skips the check explicitly. */
  readonly audience: string | readonly string[] | null;
  /** A custom claim holding role names (set by an Action), e.g. `https://example.com/roles`, read as groups. */
  readonly rolesClaim?: string;
  /**
   * Which tokens this API accepts. Default `access`; `id` or `both` only by explicit choice.
   * Access tokens are typed `at+jwt` (RFC 9068 profile) or
   * carry `azp`/`scope`; ID tokens carry `nonce`/`at_hash`, or none of those.
   */
  readonly tokenUse?: 'access' | 'id' | 'both';
}

/**
 * Trusts access tokens of an Auth0 tenant: `iss` is `https://<domain>/` (with the trailing
 * slash), keys at `https://<domain>/.well-known/jwks.json`, RS256 unless `algorithms` says
 * otherwise. Scopes are `scope` together with `permissions`, which Auth0 RBAC adds when "Add
 * Permissions in the Access Token" is on; groups come from `rolesClaim`; the client is `azp`
 * (`client_id` with Auth0's RFC 9068 token profile).
 *
 * @example
 * ```ts
 * const auth0 = auth0Issuer({
 *   domain: 'example.eu.auth0.com',
 *   audience: 'https://api.example.com',
 *   rolesClaim: 'https://example.com/roles',
 * });
 * const verifier = createVerifier({ issuers: [auth0] });
 * ```
 */
export function auth0Issuer(options: Auth0IssuerOptions): TrustedIssuer {
  assertOptions(options, 'auth0Issuer', AUTH0_OPTION_KEYS);
  const domain = hostName(options.domain, 'domain', 'example.eu.auth0.com');
  const rolesClaim =
    options.rolesClaim === undefined ? undefined : nonEmptyString(options.rolesClaim, 'rolesClaim');
  // Auth0 writes the issuer with a trailing slash: https://auth0.com/docs/secure/tokens/access-tokens
  const issuer = `https://${domain}/`;
  const tokenUse = tokenUseCheck(acceptedTokenUse(options.tokenUse), auth0TokenKind);
  return frozenIssuer({
    ...presetIssuer(options, {
      kind: 'auth0',
      issuers: [issuer],
      jwksUri: `${issuer}.well-known/jwks.json`,
      audience: requiredAudience(options.audience, 'auth0Issuer'),
      algorithms: ['RS256'],
      tokenUse,
    }),
    normalize(claims: JwtClaims, header: JwtHeader): NormalizedIdentity {
      return {
        subject: stringClaim(claims.sub),
        clientId: stringClaim(claims.azp) ?? stringClaim(claims.client_id),
        tokenUse: tokenUse(claims, header),
        scopes: union(scopeListClaim(claims.scope), stringArrayClaim(claims.permissions)),
        groups: rolesClaim === undefined ? EMPTY : stringArrayClaim(claims[rolesClaim]),
      };
    },
  });
}

const AUTH0_OPTION_KEYS = presetKeys<Auth0IssuerOptions>({
  domain: true,
  audience: true,
  rolesClaim: true,
  tokenUse: true,
});
