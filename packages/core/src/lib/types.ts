/**
 * Asymmetric JWS algorithms tokengate verifies (RFC 7518 §3, RFC 8037). HMAC and `none` are
 * absent on purpose (RFC 8725 §3.1, §3.2).
 *
 * @example
 * ```ts
 * const algorithms: Algorithm[] = ['RS256', 'ES256'];
 * const issuer = oidcIssuer({ issuer: 'https://auth.example.com/', audience: 'api', algorithms });
 * ```
 */
export type Algorithm =
  'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

/**
 * A decoded JOSE header. Only `alg`, `kid`, `typ` and `crit` are ever acted on.
 *
 * @example
 * ```ts
 * const { alg, kid, typ }: JwtHeader = auth.header;
 * ```
 */
export interface JwtHeader {
  /** The signing algorithm (RFC 7515 §4.1.1), checked against the issuer's allow-list. */
  readonly alg: string;
  /** Key id (RFC 7515 §4.1.4): which JWKS key signed the token. */
  readonly kid?: string;
  /** Media type (RFC 7515 §4.1.9), e.g. `at+jwt` for RFC 9068 access tokens. */
  readonly typ?: string;
  /** Extensions the verifier must understand (RFC 7515 §4.1.11); any is refused. */
  readonly crit?: readonly string[];
  readonly [name: string]: unknown;
}

/**
 * A decoded JWT claims set (RFC 7519 §4).
 *
 * @example
 * ```ts
 * const { sub, exp, jti }: JwtClaims = auth.claims;
 * const expiresInSeconds = exp === undefined ? Infinity : exp - Date.now() / 1000;
 * ```
 */
export interface JwtClaims {
  /** Issuer (RFC 7519 §4.1.1). */
  readonly iss?: string;
  /** Subject (RFC 7519 §4.1.2): the user, or the client of a machine-to-machine token. */
  readonly sub?: string;
  /** Audience (RFC 7519 §4.1.3): one value or several. */
  readonly aud?: string | readonly string[];
  /** Expiration time, seconds since the epoch (RFC 7519 §4.1.4). */
  readonly exp?: number;
  /** Not before, seconds since the epoch (RFC 7519 §4.1.5). */
  readonly nbf?: number;
  /** Issued at, seconds since the epoch (RFC 7519 §4.1.6). */
  readonly iat?: number;
  /** JWT id (RFC 7519 §4.1.7), the key of a single-token revocation. */
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
 *
 * @example
 * ```ts
 * const kind: TokenUse = auth.tokenUse; // 'access' or 'id'
 * ```
 */
export type TokenUse = 'access' | 'id';

/**
 * Identity facts an issuer preset reads out of its own claim layout.
 *
 * @example
 * ```ts
 * const { subject, clientId, tokenUse, scopes, groups }: NormalizedIdentity = auth;
 * ```
 */
export interface NormalizedIdentity {
  /** The `sub` claim: who the token speaks for. */
  readonly subject: string | undefined;
  /** The OAuth client the token was issued to (`client_id`, `azp`, or the IdP's equivalent). */
  readonly clientId: string | undefined;
  /** Always set: an issuer that cannot classify a token refuses it (`TOKEN_USE_MISMATCH`). */
  readonly tokenUse: TokenUse;
  /** Granted scopes, from the IdP's scope claim (`scope`, RFC 8693 §4.2, or `scp`); `[]` when none. */
  readonly scopes: readonly string[];
  /** Group or role memberships (`cognito:groups`, `groups`, `roles`…); `[]` when none. */
  readonly groups: readonly string[];
}

/**
 * What `verifier.verify()` resolves to: the raw token and its decoded parts, plus identity
 * facts normalized across IdPs so that authorization rules never look at IdP-specific claims.
 *
 * @example
 * ```ts
 * const auth: VerifiedToken = await verifier.verify(token);
 * console.log(auth.subject, auth.scopes, auth.groups, auth.claims.iat, auth.binding.type);
 * ```
 */
export interface VerifiedToken<
  C extends JwtClaims = JwtClaims & TokengateClaims,
> extends NormalizedIdentity {
  /** The compact JWT as it was presented. */
  readonly token: string;
  /** The decoded protected header. */
  readonly header: JwtHeader;
  /** The decoded, verified claims set. */
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
 *
 * @example
 * ```ts
 * if (auth.binding.type === 'dpop') log.info({ jkt: auth.binding.jkt }, 'DPoP-bound token');
 * ```
 */
export type TokenBinding =
  | {
      /** Not bound: whoever holds the token may use it (RFC 6750). */
      readonly type: 'bearer';
    }
  | {
      /** Bound to a DPoP key (RFC 9449). */
      readonly type: 'dpop';
      /** The RFC 7638 SHA-256 thumbprint of the key the proofs must be signed with. */
      readonly jkt: string;
    }
  | {
      /** Bound to a client certificate (RFC 8705). */
      readonly type: 'mtls';
      /** The SHA-256 thumbprint (base64url) of the client certificate's DER. */
      readonly x5tS256: string;
    };

/**
 * Verification rules that can be set per issuer or as verifier-wide defaults.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({
 *   issuers: [oidcIssuer({ issuer: 'https://auth.example.com/', audience: 'api', typ: 'at+jwt' })],
 *   clockToleranceSeconds: 10, // verifier-wide default
 *   maxTokenAgeSeconds: 3600,
 * });
 * ```
 */
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

/**
 * One accepted `iss` value and where its keys live.
 *
 * @example
 * ```ts
 * const endpoint: IssuerEndpoint = {
 *   issuer: 'https://auth.example.com/',
 *   jwksUri: 'https://auth.example.com/.well-known/jwks.json',
 * };
 * ```
 */
export interface IssuerEndpoint {
  /** The `iss` value, compared exactly. */
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

/**
 * A JWK Set document (RFC 7517 §5), as served at an issuer's `jwks_uri`.
 *
 * @example
 * ```ts
 * const jwks: JsonWebKeySet = JSON.parse(readFileSync('jwks.json', 'utf8'));
 * verifier.hydrate('https://auth.example.com/.well-known/jwks.json', jwks);
 * ```
 */
export interface JsonWebKeySet {
  /** The keys (RFC 7517 §4); unusable ones are skipped, not fatal. */
  readonly keys: readonly object[];
}

/**
 * A trusted issuer, as built by `oidcIssuer()` or `cognitoIssuer()`. A plain value: build it
 * once and hand it to `createVerifier()`.
 *
 * @example
 * ```ts
 * const issuers: TrustedIssuer[] = [
 *   cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789' }),
 *   auth0Issuer({ domain: 'example.eu.auth0.com', audience: 'https://api.example.com' }),
 * ];
 * const verifier = createVerifier({ issuers });
 * ```
 */
export interface TrustedIssuer extends ClaimPolicy {
  /** Short label for events and logs, e.g. `cognito` or `oidc`. */
  readonly kind: string;
  /** The accepted `iss` values and where their keys live. */
  readonly endpoints: readonly IssuerEndpoint[];
  /** Allow `http:` URLs for hosts other than loopback (never in production). */
  readonly allowInsecureHttp?: boolean;
  /** Issuer-specific claim checks (e.g. access or ID token), run after the common ones. Throws `InvalidTokenError`. */
  readonly validate?: (claims: JwtClaims, header: JwtHeader) => void;
  /** Reads subject, client id, token use, scopes and groups out of this issuer's claim layout. */
  readonly normalize: (claims: JwtClaims, header: JwtHeader) => NormalizedIdentity;
}

export type {
  RejectedRequest,
  RequestSource,
  VerifierEvent,
  VerifierEventListener,
} from './verifier-events.js';
