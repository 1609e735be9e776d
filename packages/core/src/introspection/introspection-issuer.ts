import {
  firstPresent,
  scopeListClaim,
  stringArrayClaim,
  stringClaim,
} from '../claims/claim-readers.js';
import { invalid } from '../claims/claims-check.js';
import { seen } from '../errors/error-detail.js';
import { frozenIssuer } from '../issuers/issuer-shape.js';
import { pickPolicy } from '../issuers/policy.js';
import { withStaticKeys } from '../jwks/static-keys.js';
import { describe, secureUrl } from '../lib/options.js';
import type { JwtClaims, NormalizedIdentity, TrustedIssuer } from '../lib/types.js';
import {
  resolveIntrospectionOptions,
  type IntrospectionIssuerOptions,
  type IntrospectionSettings,
} from './introspection-options.js';

/**
 * What each introspection issuer was built with, out of sight: the issuer itself is a plain
 * value apps log and spread, and its settings hold the client secret or private key.
 */
const SETTINGS = new WeakMap<TrustedIssuer, IntrospectionSettings>();

/** The `kind` of every issuer built by {@link introspectionIssuer}. */
export const INTROSPECTION_KIND = 'introspection';

/**
 * Trusts an authorization server that issues opaque (reference) access tokens, asking its
 * RFC 7662 introspection endpoint about each token: Okta, Keycloak, PingFederate,
 * oidc-provider, Ory Hydra… Only an answer with `active: true` is accepted, and then checked as
 * a JWT's claims would be (`iss`, `aud`, `exp`/`nbf`/`iat`, required claims). Answers are
 * cached by the token's SHA-256 digest for at most `cache.maxTtlMs` (default 60 s); the
 * endpoint failing is a 503, never a 401. A JWS whose `iss` is this issuer is introspected too:
 * the server that issued it is the authority on whether it is still active.
 *
 * @example
 * ```ts
 * const idp = introspectionIssuer({
 *   issuer: 'https://idp.example.com',
 *   introspectionEndpoint: 'https://idp.example.com/oauth2/introspect',
 *   clientId: 'orders-api',
 *   clientAuth: { method: 'client_secret_basic', clientSecret: 'introspection-secret' },
 *   audience: 'https://api.example.com',
 * });
 * const verifier = createVerifier({ issuers: [idp] });
 * ```
 */
export function introspectionIssuer(options: IntrospectionIssuerOptions): TrustedIssuer {
  const settings = resolveIntrospectionOptions(options);
  const allowInsecureHttp = options.allowInsecureHttp === true;
  const jwksUri =
    options.jwksUri === undefined
      ? undefined
      : secureUrl(options.jwksUri, 'jwksUri', allowInsecureHttp);
  const { scopeClaims, groupsClaims } = settings;
  const trusted: TrustedIssuer = {
    ...pickPolicy(options),
    kind: INTROSPECTION_KIND,
    endpoints: withStaticKeys(
      [jwksUri === undefined ? { issuer: settings.issuer } : { issuer: settings.issuer, jwksUri }],
      options.jwks,
      jwksUri,
      options.algorithms,
    ),
    allowInsecureHttp,
    validate: checkTokenKind,
    normalize(claims: JwtClaims): NormalizedIdentity {
      return {
        subject: stringClaim(claims.sub),
        // RFC 7662 §2.2: the client the token was issued to.
        clientId: stringClaim(claims.client_id),
        tokenUse: 'access',
        scopes: scopeListClaim(firstPresent(claims, scopeClaims)),
        groups: stringArrayClaim(firstPresent(claims, groupsClaims)),
      };
    },
  };
  // Frozen like every issuer factory's result: what the verifier reads cannot change later.
  const frozen = frozenIssuer(trusted);
  SETTINGS.set(frozen, settings);
  return frozen;
}

/** Whether `trusted` says it is an introspection issuer (built by any copy of the core). */
export function isIntrospectionIssuer(trusted: TrustedIssuer): boolean {
  return trusted.kind === INTROSPECTION_KIND;
}

/** The settings of an introspection issuer; a `TypeError` for one this copy did not build. */
export function introspectionSettings(trusted: TrustedIssuer): IntrospectionSettings {
  const settings = SETTINGS.get(trusted);
  if (settings === undefined) {
    throw new TypeError(
      `issuer ${describe(trusted.endpoints[0]?.issuer)}: build introspection issuers with introspectionIssuer() ` +
        'from the same copy of @tokengate/core as the verifier (a copy of the object loses its settings)',
    );
  }
  return settings;
}

// RFC 6749 §7.1 access token types an API can be called with (RFC 6750 Bearer, RFC 9449 §6.2
// DPoP), compared case-insensitively as §5.1 says.
const ACCESS_TOKEN_TYPES = new Set(['bearer', 'dpop']);

/**
 * The server vouches for a token, not for what kind it is: a refresh token introspects as
 * active too (oidc-provider, Keycloak). So the markers that name another kind are refused:
 * `token_type` (RFC 7662 §2.2) when present must be an access token type, and Keycloak's
 * `typ` member (`Bearer`, `DPoP`, or `Refresh`, `Offline`, `ID`) likewise.
 */
function checkTokenKind(claims: JwtClaims): void {
  for (const member of ['token_type', 'typ'] as const) {
    const value = claims[member];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !ACCESS_TOKEN_TYPES.has(value.toLowerCase())) {
      throw invalid('TOKEN_USE_MISMATCH', 'Token is not an access token', {
        [member]: seen(value),
        expected: ['Bearer', 'DPoP'],
      });
    }
  }
  // RFC 9449 §6.2: a DPoP token is bound to a key (cnf.jkt); without one it could not be checked.
  if (typeof claims.token_type === 'string' && claims.token_type.toLowerCase() === 'dpop') {
    const cnf = claims.cnf as { jkt?: unknown } | undefined;
    if (typeof cnf !== 'object' || cnf === null || cnf.jkt === undefined) {
      throw invalid('CONFIRMATION_UNSUPPORTED', 'DPoP token has no cnf.jkt to check', {
        token_type: 'DPoP',
      });
    }
  }
}
