import {
  firstPresent,
  scopeListClaim,
  stringArrayClaim,
  stringClaim,
} from '../claims/claim-readers.js';
import {
  assertKnownKeys,
  nonEmptyString,
  optionKeys,
  secureUrl,
  stringList,
} from '../lib/options.js';
import { withStaticKeys } from '../jwks/static-keys.js';
import { checkedPolicy } from './policy.js';
import { optionalBoolean } from '../lib/options.js';
import { frozenIssuer } from './issuer-shape.js';
import { acceptedTokenUse, oidcTokenKind, tokenUseCheck } from '../claims/token-kind.js';
import type {
  ClaimPolicy,
  JsonWebKeySet,
  JwtClaims,
  JwtHeader,
  NormalizedIdentity,
  TrustedIssuer,
} from '../lib/types.js';

/**
 * Options of {@link oidcIssuer}: the `iss` value, where its keys live, how its claims map to
 * scopes and groups, and which token kinds are accepted. Checked at creation, with `TypeError`.
 *
 * @example
 * ```ts
 * const options: OidcIssuerOptions = {
 *   issuer: 'https://auth.example.com/',
 *   audience: 'https://api.example.com',
 *   groupsClaim: 'roles',
 * };
 * const verifier = createVerifier({ issuers: [oidcIssuer(options)] });
 * ```
 */
export interface OidcIssuerOptions extends ClaimPolicy {
  /** The exact `iss` value (RFC 7519 §4.1.1, compared as a case-sensitive string). */
  readonly issuer: string;
  /** JWKS location. Without it, `jwks_uri` is read from `<issuer>/.well-known/openid-configuration`. */
  readonly jwksUri?: string;
  /**
   * Use OpenID Connect Discovery; the default when `jwksUri` and `jwks` are absent. `false`
   * needs `jwksUri` or `jwks`.
   */
  readonly discovery?: boolean;
  /**
   * The issuer's keys, given up front (e.g. `JSON.parse` of a file shipped with the app): no
   * request is ever sent for them, and they change only when the app is redeployed with new
   * ones. A token whose `kid` is not in the set is refused (401 `KEY_NOT_FOUND`). Exclusive
   * with `jwksUri` and `discovery`. A set with no key usable for `algorithms` is a TypeError.
   */
  readonly jwks?: JsonWebKeySet;
  /** Claim(s) holding scopes, as a space-delimited string or an array; the first present wins. Default `['scope', 'scp']`. */
  readonly scopeClaim?: string | readonly string[];
  /** Claim(s) holding groups or roles as an array of strings; the first present wins. Default `groups`. */
  readonly groupsClaim?: string | readonly string[];
  /** Allow `http:` issuer and JWKS URLs on non-loopback hosts (never in production). */
  readonly allowInsecureHttp?: boolean;
  /**
   * Which tokens this API accepts. Default `access`. A token is an ID token when it says so
   * (`token_use: "id"`) or carries an ID-token-only claim (`nonce`, `at_hash`, `c_hash`,
   * OIDC Core §2, §3.3.2.11); an access token when it says so (`token_use: "access"`, or
   * `typ: at+jwt`, RFC 9068 §2.1). A token with no marker cannot be told apart: it passes as
   * the accepted kind, and is refused under `both`. To refuse unmarked tokens, set
   * `typ: 'at+jwt'` (an RFC 9068 issuer) — the strict choice.
   */
  readonly tokenUse?: 'access' | 'id' | 'both';
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
  assertKnownKeys(options, OIDC_OPTION_KEYS, 'oidcIssuer');
  const allowInsecureHttp = optionalBoolean(options.allowInsecureHttp, 'allowInsecureHttp', false);
  const issuer = nonEmptyString(options.issuer, 'issuer');
  // The issuer identifier is a URL (OpenID Connect Discovery 1.0 §2); check it like one.
  secureUrl(issuer, 'issuer', allowInsecureHttp);
  const located = options.jwksUri !== undefined || options.jwks !== undefined;
  const discovery = optionalBoolean(options.discovery, 'discovery', !located);
  if (options.jwksUri !== undefined && discovery) {
    throw new TypeError('pass either jwksUri or discovery: true, not both');
  }
  if (options.jwks !== undefined && discovery) {
    throw new TypeError('pass either jwks or discovery: true, not both');
  }
  // Without discovery the keys must come from somewhere: `discovery: false` alone would
  // silently discover all the same.
  if (!discovery && !located) {
    throw new TypeError(
      'discovery: false needs jwksUri or jwks: where else would the keys come from?',
    );
  }
  const policy = checkedPolicy(options, (key) => key);
  const jwksUri =
    options.jwksUri === undefined
      ? undefined
      : secureUrl(options.jwksUri, 'jwksUri', allowInsecureHttp);
  const scopeClaims = stringList(options.scopeClaim ?? ['scope', 'scp'], 'scopeClaim');
  const groupsClaims = stringList(options.groupsClaim ?? 'groups', 'groupsClaim');
  const tokenUse = tokenUseCheck(acceptedTokenUse(options.tokenUse), oidcTokenKind, true);

  return frozenIssuer({
    ...policy,
    kind: 'oidc',
    endpoints: withStaticKeys(
      [jwksUri === undefined ? { issuer } : { issuer, jwksUri }],
      options.jwks,
      jwksUri,
      policy.algorithms,
    ),
    allowInsecureHttp,
    validate: tokenUse,
    normalize(claims: JwtClaims, header: JwtHeader): NormalizedIdentity {
      return {
        subject: stringClaim(claims.sub),
        // RFC 9068 §2.2 `client_id`; OIDC ID tokens name the client in `azp`.
        clientId: stringClaim(claims.client_id) ?? stringClaim(claims.azp),
        tokenUse: tokenUse(claims, header),
        scopes: scopeListClaim(firstPresent(claims, scopeClaims)),
        groups: stringArrayClaim(firstPresent(claims, groupsClaims)),
      };
    },
  });
}

const OIDC_OPTION_KEYS = optionKeys<OidcIssuerOptions>({
  issuer: true,
  jwksUri: true,
  discovery: true,
  jwks: true,
  scopeClaim: true,
  groupsClaim: true,
  allowInsecureHttp: true,
  tokenUse: true,
  audience: true,
  algorithms: true,
  clockToleranceSeconds: true,
  maxTokenAgeSeconds: true,
  typ: true,
  requiredClaims: true,
});
