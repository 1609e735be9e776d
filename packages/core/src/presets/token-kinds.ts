// Each IdP's discriminator between access and ID tokens, in one place so the presets share it
// and docs/security.md ("Access or ID token: the discriminator per IdP") can be checked
// against it line by line. `aud` is never a marker: a front end and its API may share one app
// registration, and then the ID token's `aud` is the API's client id too.
import { declaredTokenUse, hasIdTokenClaim } from '../claims/token-kind.js';
import type { JwtClaims, JwtHeader, TokenUse } from '../lib/types.js';

/**
 * Auth0: with the RFC 9068 token profile access tokens are typed `at+jwt`; with Auth0's own
 * profile they name the client in `azp` and carry `scope` (client credentials: `gty`). ID
 * tokens are issued to the client itself (`aud` = client id, so no `azp`) and carry
 * `nonce`/`at_hash` and `sid`, never `scope`.
 * https://auth0.com/docs/secure/tokens/access-tokens/access-token-profiles
 */
export function auth0TokenKind(claims: JwtClaims, header: JwtHeader): TokenUse {
  const declared = declaredTokenUse(claims, header);
  if (declared !== undefined) return declared;
  if (hasIdTokenClaim(claims)) return 'id';
  return claims.azp !== undefined ||
    claims.client_id !== undefined ||
    claims.scope !== undefined ||
    claims.gty !== undefined
    ? 'access'
    : 'id';
}

/**
 * Okta: access tokens always name their client in `cid` and carry `scp`; ID tokens carry
 * neither (they have `amr`, `idp`, `nonce`, `at_hash`, `aud` = client id).
 * https://developer.okta.com/docs/reference/api/oidc/#tokens-and-claims
 */
export function oktaTokenKind(claims: JwtClaims): TokenUse {
  if (hasIdTokenClaim(claims)) return 'id';
  return claims.cid !== undefined || claims.scp !== undefined ? 'access' : 'id';
}

/**
 * Microsoft Entra ID v2.0: access tokens name the client in `azp` (with `scp` for delegated
 * and `roles` for app permissions) and may carry the optional `idtyp` (`user`/`app`); ID
 * tokens have no `azp` and no `scp`, usually `nonce`/`at_hash`, and may carry app `roles`.
 * A token with `scp` but no `azp` is neither shape and is refused.
 * https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference and
 * …/id-token-claims-reference
 */
export function entraTokenKind(claims: JwtClaims): TokenUse | undefined {
  if (hasIdTokenClaim(claims)) return 'id';
  if (claims.azp !== undefined || claims.idtyp !== undefined) return 'access';
  return claims.scp === undefined ? 'id' : undefined;
}

/**
 * OneLogin (OIDC v2): JWT access tokens carry `scope` and `client_id`; ID tokens carry
 * `nonce`/`at_hash`/`sid` and no `scope`. OneLogin documents no `typ` header for either.
 */
export function oneLoginTokenKind(claims: JwtClaims): TokenUse {
  if (hasIdTokenClaim(claims)) return 'id';
  return claims.scope !== undefined || claims.client_id !== undefined ? 'access' : 'id';
}

/**
 * Keycloak writes the kind into its own `typ` claim (org.keycloak.util.TokenUtil): `Bearer`,
 * `ID`, `Refresh`, `Logout`. Compared case-insensitively: a client setting makes Keycloak
 * write `bearer` in lower case. Refresh and logout tokens are neither kind.
 */
export function keycloakTokenKind(claims: JwtClaims): TokenUse | undefined {
  const typ = claims.typ;
  if (typ === 'Bearer') return 'access';
  if (typ === 'ID') return 'id';
  if (typeof typ !== 'string' || typ.length > 6) return undefined;
  const lower = typ.toLowerCase();
  return lower === 'bearer' ? 'access' : lower === 'id' ? 'id' : undefined;
}

/**
 * Sign-in IdPs (Google, Apple, Facebook Limited Login, Cognito identity pools) issue no JWT
 * access tokens for third-party APIs: everything they sign is an ID token, except a token
 * that declares itself an access token (`token_use`, RFC 9068 `typ`), which is refused.
 */
export function signInTokenKind(claims: JwtClaims, header: JwtHeader): TokenUse {
  return declaredTokenUse(claims, header) === 'access' ? 'access' : 'id';
}
