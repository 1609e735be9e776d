import { scopeListClaim, stringArrayClaim, stringClaim } from '../claims/claim-readers.js';
import { invalid } from '../claims/claims-check.js';
import { seen } from '../errors/error-detail.js';
import { describe, nonEmptyString } from '../lib/options.js';
import { acceptedTokenUse, tokenUseCheck } from '../claims/token-kind.js';
import type { JwtClaims, JwtHeader, NormalizedIdentity, TrustedIssuer } from '../lib/types.js';
import { assertOptions, presetKeys, presetIssuer, requiredAudience, union } from './preset-base.js';
import { entraTokenKind } from './token-kinds.js';
import type { PresetOptions } from './preset-options.js';
import { frozenIssuer } from '../issuers/issuer-shape.js';

export interface EntraIdIssuerOptions extends PresetOptions {
  /** The directory (tenant) id, a GUID such as `72f988bf-86f1-41af-91ab-2d7cd011db47`. */
  readonly tenantId: string;
  /** Accepted `aud` values: in v2.0 tokens, your API's application (client) id; `null` skips the check explicitly. */
  readonly audience: string | readonly string[] | null;
  /**
   * Which tokens this API accepts. Default `access`; `id` or `both` only by explicit choice.
   * Access tokens name the client in `azp` (with `scp` and/or `roles`, maybe `idtyp`); ID
   * tokens have no `azp` and no `scp`, usually `nonce`/`at_hash`, and may carry app `roles`.
   */
  readonly tokenUse?: 'access' | 'id' | 'both';
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MULTI_TENANT = new Set(['common', 'organizations', 'consumers']);

/**
 * Trusts v2.0 access tokens of one Microsoft Entra ID tenant: `iss` is
 * `https://login.microsoftonline.com/<tenantId>/v2.0`, keys at
 * `https://login.microsoftonline.com/<tenantId>/discovery/v2.0/keys`, RS256, and `tid` must
 * be the tenant. Scopes come from `scp` (space-delimited), groups are app `roles` and
 * `groups` merged, the client is `azp`. The API's app registration must request v2.0 tokens
 * (`"requestedAccessTokenVersion": 2` in its manifest): v1.0 tokens carry another issuer.
 * For multi-tenant apps use `entraIdResolver()`.
 *
 * @example
 * ```ts
 * const entra = entraIdIssuer({
 *   tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
 *   audience: '6e74172b-be56-4843-9ff4-e66a39bb12e3',
 * });
 * ```
 */
export function entraIdIssuer(options: EntraIdIssuerOptions): TrustedIssuer {
  assertOptions(options, 'entraIdIssuer', ENTRA_ID_OPTION_KEYS);
  const given = nonEmptyString(options.tenantId, 'tenantId');
  if (MULTI_TENANT.has(given.toLowerCase())) {
    throw new TypeError(
      `tenantId ${describe(given)} is multi-tenant: tokens name each user's own tenant in iss, so use entraIdResolver() instead`,
    );
  }
  if (!GUID.test(given)) {
    throw new TypeError(`tenantId must be the directory id, a GUID, got ${describe(given)}`);
  }
  // Entra writes tenant ids in lower case, in `iss` and `tid` alike.
  const tenantId = given.toLowerCase();
  // https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
  const issuer = `https://login.microsoftonline.com/${tenantId}/v2.0`;
  // When a SPA and its API share one app registration, the ID token's `aud` is the API's
  // client id too: only the token's shape tells it from an access token.
  const tokenUse = tokenUseCheck(acceptedTokenUse(options.tokenUse), entraTokenKind);
  return frozenIssuer({
    ...presetIssuer(options, {
      kind: 'entra-id',
      issuers: [issuer],
      jwksUri: `https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`,
      audience: requiredAudience(options.audience, 'entraIdIssuer'),
      algorithms: ['RS256'],
      tokenUse,
    }),
    validate(claims: JwtClaims, header: JwtHeader): void {
      // The issuer already names the tenant; `tid` is checked too, as Microsoft advises.
      if (claims.tid !== tenantId) {
        throw invalid('CLAIM_INVALID', 'Token tenant is not accepted', {
          claim: 'tid',
          seen: seen(claims.tid),
          expected: tenantId,
        });
      }
      tokenUse(claims, header);
    },
    normalize(claims: JwtClaims, header: JwtHeader): NormalizedIdentity {
      return {
        subject: stringClaim(claims.sub),
        clientId: stringClaim(claims.azp),
        tokenUse: tokenUse(claims, header),
        scopes: scopeListClaim(claims.scp),
        // Users with too many groups get `_claim_names` instead of `groups` (group overage).
        groups: union(stringArrayClaim(claims.roles), stringArrayClaim(claims.groups)),
      };
    },
  });
}

const ENTRA_ID_OPTION_KEYS = presetKeys<EntraIdIssuerOptions>({
  tenantId: true,
  audience: true,
  tokenUse: true,
});
