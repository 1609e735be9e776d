// Access token or ID token? An ID token is for the client that signed the user in (OIDC Core
// §2); an API must not take it as an access token (RFC 8725 §3.11: keep token kinds apart).
// When a front end and its API share one app registration, `aud` cannot tell them apart, so
// every issuer reads its IdP's own markers. The per-IdP readers live in
// presets/internal/token-kinds.ts; the primitives shared with oidcIssuer() live here.
import type { JwtClaims, JwtHeader, TokenUse } from '../lib/types.js';
import { invalid, normalizeTyp } from './claims-check.js';
import { seen } from '../errors/error-detail.js';
import { describe } from '../lib/options.js';

/** Which tokens an issuer accepts: one kind, or `both` with the result saying which. */
export type AcceptedTokenUse = TokenUse | 'both';

/** Reads a token's kind from its IdP's markers; `undefined` when it carries none it knows. */
export type TokenKindReader = (claims: JwtClaims, header: JwtHeader) => TokenUse | undefined;

/** The kind a verified token is, or a thrown `TOKEN_USE_MISMATCH` when it is not accepted. */
export type TokenUseCheck = (claims: JwtClaims, header: JwtHeader) => TokenUse;

/** The `tokenUse` option of an access-token issuer: `access` unless chosen otherwise. */
export function acceptedTokenUse(value: unknown): AcceptedTokenUse {
  if (value === undefined) return 'access';
  if (value === 'access' || value === 'id' || value === 'both') return value;
  throw new TypeError(`tokenUse must be 'access', 'id' or 'both', got ${describe(value)}`);
}

/**
 * The `tokenUse` option of a sign-in preset (Google, Apple, Facebook, Cognito identity pools):
 * those IdPs issue no JWT access tokens for third-party APIs, so `id` is the only choice.
 */
export function signInTokenUse(value: unknown, preset: string): 'id' {
  if (value === undefined || value === 'id') return 'id';
  throw new TypeError(
    `${preset}: tokenUse can only be 'id', got ${describe(value)}: this IdP issues ID tokens only, no JWT access tokens for your API`,
  );
}

/**
 * Builds the check once: `read` classifies, `accepted` decides. A token `read` cannot
 * classify is refused, unless `presumeUnmarked` (generic OIDC only, where unmarked tokens are
 * common) lets it pass as the one accepted kind; under `both` it is refused all the same,
 * since the result must say which kind it is.
 */
export function tokenUseCheck(
  accepted: AcceptedTokenUse,
  read: TokenKindReader,
  presumeUnmarked = false,
): TokenUseCheck {
  const presumed = presumeUnmarked && accepted !== 'both' ? accepted : undefined;
  const description =
    accepted === 'both'
      ? 'Token is neither an access token nor an ID token'
      : accepted === 'access'
        ? 'Token is not an access token'
        : 'Token is not an ID token';
  return (claims, header) => {
    const use = read(claims, header) ?? presumed;
    if (use === undefined || (accepted !== 'both' && use !== accepted)) {
      throw invalid('TOKEN_USE_MISMATCH', description, {
        tokenUse: use ?? null,
        expected: accepted,
        token_use: seen(claims.token_use),
        typ: seen(header.typ),
      });
    }
    return use;
  };
}

/** Cognito-style `token_use`, else RFC 9068 §2.1 `typ: at+jwt` (§4: access tokens only). */
export function declaredTokenUse(claims: JwtClaims, header: JwtHeader): TokenUse | undefined {
  const use = claims.token_use;
  if (use === 'access' || use === 'id') return use;
  const typ = header.typ;
  // Exact match first: the common spelling costs no lower-casing.
  if (typ === 'at+jwt' || (typeof typ === 'string' && isAtJwt(typ))) return 'access';
  return undefined;
}

/**
 * Whether a `typ` names the RFC 9068 media type, read loosely: any case, `application/`
 * optional (RFC 7515 §4.1.9), parameters and whitespace around them ignored (RFC 9110
 * §8.3.1: `at+jwt; charset=utf-8` is the same type). Loose on purpose: this reading only ever
 * marks a token as an access token, which keeps it from passing as an ID token. The `typ`
 * option (a required type) stays strict.
 */
function isAtJwt(typ: string): boolean {
  const semicolon = typ.indexOf(';');
  return normalizeTyp((semicolon < 0 ? typ : typ.slice(0, semicolon)).trim()) === 'at+jwt';
}

/**
 * Claims only an ID token carries: `nonce` (OIDC Core §2, §3.1.3.7 step 11), `at_hash` and
 * `c_hash` (§3.1.3.6, §3.3.2.11). RFC 9068 §2.2 access tokens carry none of them.
 */
export function hasIdTokenClaim(claims: JwtClaims): boolean {
  return claims.nonce !== undefined || claims.at_hash !== undefined || claims.c_hash !== undefined;
}

/**
 * Generic OpenID Connect: a declared kind, else an ID-token-only claim. A token with neither
 * cannot be told apart from its claims alone; `oidcIssuer()` presumes it is the accepted kind
 * (set `typ: 'at+jwt'` to require RFC 9068 access tokens instead).
 */
export function oidcTokenKind(claims: JwtClaims, header: JwtHeader): TokenUse | undefined {
  return declaredTokenUse(claims, header) ?? (hasIdTokenClaim(claims) ? 'id' : undefined);
}
