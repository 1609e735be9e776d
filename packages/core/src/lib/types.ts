import type { ErrorDetail } from '../errors/error-detail.js';

/** Asymmetric JWS algorithms tokengate verifies (RFC 7518 §3, RFC 8037). HMAC and `none` are absent on purpose (RFC 8725 §3.1, §3.2). */
export type Algorithm =
  'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

/** A decoded JOSE header. Only `alg`, `kid`, `typ` and `crit` are ever acted on. */
export interface JwtHeader {
  readonly alg: string;
  readonly kid?: string;
  readonly typ?: string;
  readonly crit?: readonly string[];
  readonly [name: string]: unknown;
}

/** A decoded JWT claims set (RFC 7519 §4). */
export interface JwtClaims {
  readonly iss?: string;
  readonly sub?: string;
  readonly aud?: string | readonly string[];
  readonly exp?: number;
  readonly nbf?: number;
  readonly iat?: number;
  readonly jti?: string;
  readonly [name: string]: unknown;
}

/**
 * Claims every token your app accepts carries, declared once for the whole app by module
 * augmentation. It feeds the default claims type of `VerifiedToken`, so `req.auth`,
 * `ctx.state.auth`, `request.auth` and `verify()` results all see them. Nothing checks them at
 * run time: declare a claim required only if every issuer you trust always sets it, and guard
 * it with a rule (`claimSatisfies`) otherwise. Per-route claims go in the adapters'
 * `AuthenticatedRequest<C>` / `AuthenticatedContext<C>` or `withAuth` instead.
 *
 * @example
 * ```ts
 * declare module '@tokengate/core' {
 *   interface TokengateClaims {
 *     readonly 'custom:tenant': string;
 *   }
 * }
 * ```
 */
// An interface, not a type, because only interfaces merge with augmentations; empty until an
// app declares its claims.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TokengateClaims {}

/**
 * Which kind of token was verified: an OAuth access token, or an OpenID Connect ID token.
 * Every issuer decides it from its IdP's markers (docs/security.md, "Access or ID token: the
 * discriminator per IdP") and refuses the kind it was not told to accept.
 */
export type TokenUse = 'access' | 'id';

/** Identity facts an issuer preset reads out of its own claim layout. */
export interface NormalizedIdentity {
  readonly subject: string | undefined;
  readonly clientId: string | undefined;
  /** Always set: an issuer that cannot classify a token refuses it (`TOKEN_USE_MISMATCH`). */
  readonly tokenUse: TokenUse;
  readonly scopes: readonly string[];
  readonly groups: readonly string[];
}

/**
 * What `verifier.verify()` resolves to: the raw token and its decoded parts, plus identity
 * facts normalized across IdPs so that authorization rules never look at IdP-specific claims.
 */
export interface VerifiedToken<
  C extends JwtClaims = JwtClaims & TokengateClaims,
> extends NormalizedIdentity {
  readonly token: string;
  readonly header: JwtHeader;
  readonly claims: C;
  /** The `iss` claim, exactly as configured. */
  readonly issuer: string;
  /** Seconds since the epoch (`exp`), when the token has one. */
  readonly expiresAt: number | undefined;
  /**
   * How the token is bound to its sender (its `cnf` claim): `bearer`, a DPoP key (RFC 9449) or a
   * client certificate (RFC 8705). The gate has checked the proof or certificate of this request.
   */
  readonly binding: TokenBinding;
}

/**
 * How a verified token is bound to its sender, read from its `cnf` claim (RFC 7800 §3.1): not at
 * all (`bearer`), to a DPoP key (`cnf.jkt`, RFC 9449 §6.1) or to a client certificate
 * (`cnf["x5t#S256"]`, RFC 8705 §3.1). A bound token is worth nothing without proof of the key:
 * the gate checks the request's DPoP proof or TLS certificate on every request, cache hits
 * included.
 */
export type TokenBinding =
  | { readonly type: 'bearer' }
  | {
      readonly type: 'dpop';
      /** The RFC 7638 SHA-256 thumbprint of the key the proofs must be signed with. */
      readonly jkt: string;
    }
  | {
      readonly type: 'mtls';
      /** The SHA-256 thumbprint (base64url) of the client certificate's DER. */
      readonly x5tS256: string;
    };

/** Verification rules that can be set per issuer or as verifier-wide defaults. */
export interface ClaimPolicy {
  /**
   * Accepted `aud` values; the token's `aud` must contain one (RFC 7519 §4.1.3). `null`
   * disables the check and must be chosen explicitly (RFC 8725 §3.9).
   */
  readonly audience?: string | readonly string[] | null;
  /**
   * Accepted `alg` values. Default: every asymmetric algorithm (RS*, PS*, ES*, EdDSA). Set on
   * the verifier, a ceiling: an issuer's own list is narrowed to it, and an issuer left with
   * none is a TypeError.
   */
  readonly algorithms?: readonly Algorithm[];
  /** Leeway for `exp`, `nbf` and `iat`, in seconds. Default 5. */
  readonly clockToleranceSeconds?: number;
  /** Reject tokens whose `iat` is older than this, in seconds. Default: no limit. */
  readonly maxTokenAgeSeconds?: number;
  /** Required `typ` header, compared as RFC 7515 §4.1.9 says (e.g. `at+jwt`, RFC 9068 §4). */
  readonly typ?: string;
  /** Claims that must be present. Default `['exp']`. */
  readonly requiredClaims?: readonly string[];
}

/** One accepted `iss` value and where its keys live. */
export interface IssuerEndpoint {
  readonly issuer: string;
  /** JWKS location; when absent it is read from OpenID Connect discovery of `issuer`. */
  readonly jwksUri?: string;
  /**
   * A form the issuer may not use (Cognito's `issuer-cognito-idp` form before the pool opts in,
   * a replica region): `prewarm()` fetches its keys but reports a failure in a `prewarm` event
   * instead of rejecting. Tokens with this `iss` are verified as usual, keys fetched on first
   * use. Default `false`: the endpoint's keys must load for `prewarm()` to resolve.
   */
  readonly secondary?: boolean;
  /**
   * Keys given up front instead of fetched: the endpoint never touches the network, and its
   * keys change only when the app is redeployed. Exclusive with `jwksUri`.
   */
  readonly jwks?: JsonWebKeySet;
}

/** A JWK Set document (RFC 7517 §5), as served at an issuer's `jwks_uri`. */
export interface JsonWebKeySet {
  readonly keys: readonly object[];
}

/**
 * A trusted issuer, as built by `oidcIssuer()` or `cognitoIssuer()`. A plain value: build it
 * once and hand it to `createVerifier()`.
 */
export interface TrustedIssuer extends ClaimPolicy {
  /** Short label for events and logs, e.g. `cognito` or `oidc`. */
  readonly kind: string;
  readonly endpoints: readonly IssuerEndpoint[];
  /** Allow `http:` URLs for hosts other than loopback (never in production). */
  readonly allowInsecureHttp?: boolean;
  /** Issuer-specific claim checks (e.g. access or ID token), run after the common ones. Throws `InvalidTokenError`. */
  readonly validate?: (claims: JwtClaims, header: JwtHeader) => void;
  /** Reads subject, client id, token use, scopes and groups out of this issuer's claim layout. */
  readonly normalize: (claims: JwtClaims, header: JwtHeader) => NormalizedIdentity;
}

/**
 * The request a rejected token came with, as an adapter describes it (see `Verifier.verify`):
 * method, path without the query string (which may hold a token, RFC 6750 §2.3), the route
 * pattern when the framework knows it, and the request id (Fastify's `request.id`, else an
 * `x-request-id` header). Every string is capped and stripped of control characters.
 */
export interface RejectedRequest {
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly route?: string;
  readonly id?: string;
}

/**
 * What `verify()` may be told of the request a token came with, read only to describe a
 * rejection in its `rejected` event. Adapters pass their request (Node's `req` has this shape).
 */
export interface RequestSource {
  readonly method?: string | undefined;
  /** The request target; only the path part is reported. */
  readonly url?: string | undefined;
  readonly rawHeaders?: readonly string[];
  /** The route pattern (`/orders/:id`), or Express's `req.route`. */
  readonly route?: unknown;
  /** The framework's request id; without one, an `x-request-id` header is reported. */
  readonly id?: unknown;
}

/** Observability events; the callback must be cheap and never throws into verification. */
export type VerifierEvent =
  | { readonly type: 'verified'; readonly issuer: string; readonly kid: string | undefined }
  | {
      readonly type: 'rejected';
      readonly code: string;
      readonly status: number;
      readonly issuer: string | undefined;
      /** The error's `detail`: what was expected and what the token held. */
      readonly detail: ErrorDetail;
      /** Set when the token came through an adapter (or a `source` passed to `verify`). */
      readonly request?: RejectedRequest;
    }
  | {
      readonly type: 'jwks-fetch';
      readonly uri: string;
      readonly ok: boolean;
      readonly durationMs: number;
      readonly keys?: number;
      readonly error?: string;
    }
  | {
      /** One endpoint's outcome in `prewarm()`; `secondary` failures do not reject it. */
      readonly type: 'prewarm';
      readonly issuer: string;
      readonly secondary: boolean;
      readonly ok: boolean;
      readonly durationMs: number;
      /** The `IdpUnavailableError`'s cause, e.g. `HTTP 403`: safe to log. */
      readonly error?: string;
    }
  | {
      readonly type: 'discovery';
      readonly issuer: string;
      readonly ok: boolean;
      readonly durationMs: number;
      readonly error?: string;
    };

export type VerifierEventListener = (event: VerifierEvent) => void;
