import { scopeListClaim, stringArrayClaim, stringClaim } from '../claims/claim-readers.js';
import { describe, nonEmptyString, secureUrl, stringList } from '../lib/options.js';
import { acceptedTokenUse, tokenUseCheck } from '../claims/token-kind.js';
import type { JwtClaims, JwtHeader, NormalizedIdentity, TrustedIssuer } from '../lib/types.js';
import {
  EMPTY,
  assertOptions,
  presetKeys,
  presetIssuer,
  requiredAudience,
  union,
} from './preset-base.js';
import { keycloakTokenKind } from './token-kinds.js';
import type { PresetOptions } from './preset-options.js';
import { frozenIssuer } from '../issuers/issuer-shape.js';
import { optionalBoolean } from '../lib/options.js';

export interface KeycloakIssuerOptions extends PresetOptions {
  /** Where Keycloak is served, e.g. `https://sso.example.com` (Keycloak before 17: `…/auth`). */
  readonly baseUrl: string;
  /** The realm name, e.g. `acme`. */
  readonly realm: string;
  /** Accepted `aud` values (add an audience mapper for your API); `null` skips the check explicitly. */
  readonly audience: string | readonly string[] | null;
  /** Client(s) whose roles in `resource_access` count as groups, e.g. your API's client id. */
  readonly clientId?: string | readonly string[];
  /**
   * Which tokens this API accepts, by Keycloak's `typ` claim (case-insensitive). Default
   * `access` (`Bearer`); `id` (`ID`) or `both` only by explicit choice.
   */
  readonly tokenUse?: 'access' | 'id' | 'both';
}

// Realm names become a URL path segment; these characters need no escaping.
const REALM = /^[\w.~-]+$/;

/**
 * Trusts a Keycloak realm: `iss` is `<baseUrl>/realms/<realm>`, keys at
 * `<iss>/protocol/openid-connect/certs`. Groups are realm roles (`realm_access.roles`), roles
 * of `clientId` in `resource_access`, and `groups` (group membership mapper), merged; scopes
 * come from `scope`, the client from `azp`. Keycloak's `typ` claim tells access tokens
 * (`Bearer`, or `bearer` with lower-case token types) from ID tokens (`ID`); refresh and
 * logout tokens are refused. `http:` base URLs need `allowInsecureHttp` unless on loopback.
 *
 * @example
 * ```ts
 * const keycloak = keycloakIssuer({
 *   baseUrl: 'https://sso.example.com',
 *   realm: 'acme',
 *   audience: 'orders-api',
 *   clientId: 'orders-api',
 * });
 * ```
 */
export function keycloakIssuer(options: KeycloakIssuerOptions): TrustedIssuer {
  assertOptions(options, 'keycloakIssuer', KEYCLOAK_OPTION_KEYS);
  const allowInsecureHttp = optionalBoolean(options.allowInsecureHttp, 'allowInsecureHttp', false);
  const baseUrl = secureUrl(options.baseUrl, 'baseUrl', allowInsecureHttp);
  const parsed = new URL(baseUrl);
  if (
    parsed.search !== '' ||
    parsed.hash !== '' ||
    parsed.username !== '' ||
    parsed.password !== ''
  ) {
    throw new TypeError(
      `baseUrl must have no query, fragment or credentials, got ${describe(baseUrl)}`,
    );
  }
  const realm = nonEmptyString(options.realm, 'realm');
  if (!REALM.test(realm)) {
    throw new TypeError(`realm must use letters, digits, _ . ~ - only, got ${describe(realm)}`);
  }
  const clientIds = options.clientId === undefined ? [] : stringList(options.clientId, 'clientId');
  const tokenUse = tokenUseCheck(acceptedTokenUse(options.tokenUse), keycloakTokenKind);
  // Keycloak's Urls.realmIssuer(): the frontend URL, `/realms/`, the realm name.
  const issuer = `${baseUrl.replace(/\/+$/, '')}/realms/${realm}`;
  return frozenIssuer({
    ...presetIssuer(options, {
      kind: 'keycloak',
      issuers: [issuer],
      jwksUri: `${issuer}/protocol/openid-connect/certs`,
      audience: requiredAudience(options.audience, 'keycloakIssuer'),
      tokenUse,
    }),
    normalize(claims: JwtClaims, header: JwtHeader): NormalizedIdentity {
      return {
        subject: stringClaim(claims.sub),
        clientId: stringClaim(claims.azp),
        tokenUse: tokenUse(claims, header),
        scopes: scopeListClaim(claims.scope),
        groups: keycloakGroups(claims, clientIds),
      };
    },
  });
}

function keycloakGroups(claims: JwtClaims, clientIds: readonly string[]): readonly string[] {
  const lists = [stringArrayClaim(member(claims.realm_access, 'roles'))];
  for (const id of clientIds) lists.push(clientRoles(claims.resource_access, id));
  lists.push(stringArrayClaim(claims.groups));
  return union(...lists);
}

function clientRoles(resourceAccess: unknown, clientId: string): readonly string[] {
  const client = member(resourceAccess, clientId);
  return client === undefined ? EMPTY : stringArrayClaim(member(client, 'roles'));
}

// Own properties of a JSON object only, so `__proto__` or `constructor` never reach Object.prototype.
function member(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return Object.prototype.hasOwnProperty.call(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

const KEYCLOAK_OPTION_KEYS = presetKeys<KeycloakIssuerOptions>({
  baseUrl: true,
  realm: true,
  audience: true,
  clientId: true,
  tokenUse: true,
});
