import {
  firstPresent,
  scopeListClaim,
  stringArrayClaim,
  stringClaim,
} from './internal/claim-readers.js';
import { normalizeTyp } from './internal/claims-check.js';
import { nonEmptyString, secureUrl, stringList } from './internal/options.js';
import { pickPolicy } from './internal/policy.js';
import type {
  ClaimPolicy,
  JwtClaims,
  JwtHeader,
  NormalizedIdentity,
  TokenUse,
  TrustedIssuer,
} from './types.js';

export interface OidcIssuerOptions extends ClaimPolicy {
  /** The exact `iss` value (RFC 7519 §4.1.1, compared as a case-sensitive string). */
  readonly issuer: string;
  /** JWKS location. Without it, `jwks_uri` is read from `<issuer>/.well-known/openid-configuration`. */
  readonly jwksUri?: string;
  /** Use OpenID Connect Discovery; the default when `jwksUri` is absent. */
  readonly discovery?: boolean;
  /** Claim(s) holding scopes, as a space-delimited string or an array; the first present wins. Default `['scope', 'scp']`. */
  readonly scopeClaim?: string | readonly string[];
  /** Claim(s) holding groups or roles as an array of strings; the first present wins. Default `groups`. */
  readonly groupsClaim?: string | readonly string[];
  /** Allow `http:` issuer and JWKS URLs on non-loopback hosts (never in production). */
  readonly allowInsecureHttp?: boolean;
}

/**
 * Trusts any OpenID Connect issuer (Auth0, Okta, Keycloak, Entra ID, …). Keys come from
 * `jwksUri` or from discovery, where the document's `issuer` must equal `issuer` exactly.
 *
 * @example
 * ```ts
 * const auth0 = oidcIssuer({ issuer: 'https://tenant.eu.auth0.com/', audience: 'https://api.example.com' });
 * ```
 */
export function oidcIssuer(options: OidcIssuerOptions): TrustedIssuer {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('oidcIssuer options must be an object');
  const allowInsecureHttp = options.allowInsecureHttp === true;
  const issuer = nonEmptyString(options.issuer, 'issuer');
  // The issuer identifier is a URL (OpenID Connect Discovery 1.0 §2); check it like one.
  secureUrl(issuer, 'issuer', allowInsecureHttp);
  if (options.jwksUri !== undefined && options.discovery === true) {
    throw new TypeError('pass either jwksUri or discovery: true, not both');
  }
  const jwksUri =
    options.jwksUri === undefined
      ? undefined
      : secureUrl(options.jwksUri, 'jwksUri', allowInsecureHttp);
  const scopeClaims = stringList(options.scopeClaim ?? ['scope', 'scp'], 'scopeClaim');
  const groupsClaims = stringList(options.groupsClaim ?? 'groups', 'groupsClaim');

  return {
    ...pickPolicy(options),
    kind: 'oidc',
    endpoints: [jwksUri === undefined ? { issuer } : { issuer, jwksUri }],
    allowInsecureHttp,
    normalize(claims: JwtClaims, header: JwtHeader): NormalizedIdentity {
      return {
        subject: stringClaim(claims.sub),
        // RFC 9068 §2.2 `client_id`; OIDC ID tokens name the client in `azp`.
        clientId: stringClaim(claims.client_id) ?? stringClaim(claims.azp),
        tokenUse: oidcTokenUse(claims, header),
        scopes: scopeListClaim(firstPresent(claims, scopeClaims)),
        groups: stringArrayClaim(firstPresent(claims, groupsClaims)),
      };
    },
  };
}

function oidcTokenUse(claims: JwtClaims, header: JwtHeader): TokenUse | undefined {
  const use = claims.token_use;
  if (use === 'access' || use === 'id') return use;
  // RFC 9068 §2.1: JWT access tokens are typed `at+jwt`.
  if (typeof header.typ === 'string' && normalizeTyp(header.typ) === 'at+jwt') return 'access';
  return undefined;
}
