import type { TrustedIssuer, VerifiedToken } from '../lib/types.js';

/**
 * What the verifier tells the store about the route that verified the token.
 *
 * @example
 * ```ts
 * const revoked = store.isRevoked(auth, { clockToleranceSeconds: 5 } satisfies RevocationCheckContext);
 * ```
 */
export interface RevocationCheckContext {
  /** The route's `clockToleranceSeconds`: an "issued before" cut-off covers `iat` up to this much after it. */
  readonly clockToleranceSeconds: number;
}

/**
 * Where revocations live. The verifier asks it on every request, after the signature and
 * claims checks and on verified-token cache hits too, so a revocation takes effect at once.
 * Answer synchronously from memory when you can: the check is on the hot path.
 *
 * @example
 * ```ts
 * // Revoked token ids from your own database, loaded into memory and refreshed elsewhere.
 * const revokedIds = new Set<string>();
 * const revocation: RevocationStore = {
 *   isRevoked: (token) => typeof token.claims.jti === 'string' && revokedIds.has(token.claims.jti),
 * };
 * const verifier = createVerifier({ issuers, revocation });
 * ```
 */
export interface RevocationStore {
  /**
   * Whether `token` is revoked. A throw or rejection means the store cannot tell: the request
   * fails closed with 503 (`RevocationUnavailableError`), unless the store chooses to fail open.
   */
  isRevoked(token: VerifiedToken, context?: RevocationCheckContext): boolean | Promise<boolean>;
  /**
   * How long, in seconds, an "issued before" entry keeps covering tokens after its cut-off
   * (beyond `REVOCATION_CLOCK_MARGIN_SECONDS`). A verifier with this store refuses
   * (`TOKEN_LIFETIME_EXCEEDED`) any token that could outlive the entry revoking it. Default
   * 86400 when a store does not say.
   */
  readonly entryLifetimeSeconds?: number;
}

/**
 * The issuer an entry applies to: any `iss` spelling it uses (`accounts.google.com` and
 * `https://accounts.google.com` are one issuer; so are Cognito's `cognito-idp` and
 * `issuer-cognito-idp` forms), or the `TrustedIssuer` itself (`cognitoIssuer()`, a preset).
 *
 * @example
 * ```ts
 * await revocations.revokeSubject({ issuer: 'https://accounts.google.com', subject });
 * await revocations.revokeSubject({ issuer: pool, subject }); // pool = cognitoIssuer({ … })
 * ```
 */
export type RevocationIssuer = string | TrustedIssuer;

/**
 * Revoke one token by `jti`, or a whole Cognito token family by `origin_jti`.
 *
 * @example
 * ```ts
 * const entry: TokenRevocation = { issuer: pool, tokenId: auth.claims.jti!, expiresAt: auth.expiresAt! };
 * await revocations.revokeToken(entry);
 * ```
 */
export interface TokenRevocation {
  /** The issuer of the token. */
  readonly issuer: RevocationIssuer;
  /** The token's `jti`, or Cognito's `origin_jti` (shared by the access and ID tokens a refresh token minted). */
  readonly tokenId: string;
  /** When the revoked token(s) expire anyway, in seconds since the epoch (at most a year ahead): the entry lives until then. */
  readonly expiresAt: number;
}

/**
 * "Tokens of this subject issued before `before` are revoked": sign-out everywhere, account locked, password reset.
 *
 * @example
 * ```ts
 * // Right after AdminUserGlobalSignOut: every token of this user issued until now.
 * const entry: SubjectRevocation = { issuer: pool, subject: auth.subject! };
 * await revocations.revokeSubject(entry);
 * ```
 */
export interface SubjectRevocation {
  /** The issuer of the subject's tokens. */
  readonly issuer: RevocationIssuer;
  /** The `sub` whose tokens are revoked. */
  readonly subject: string;
  /** Seconds since the epoch; tokens with `iat` (or `auth_time`) before it are revoked. Default now. */
  readonly before?: number;
  /**
   * Whole seconds, at most a year: lengthens this entry beyond the store's `entryLifetimeSeconds`
   * for an issuer whose tokens live longer. Never shortens it.
   */
  readonly maxTokenLifetimeSeconds?: number;
}

/**
 * "Tokens of this client issued before `before` are revoked": a rotated app client secret.
 *
 * @example
 * ```ts
 * // After rotating an app client's secret: its tokens issued until now stop working.
 * const entry: ClientRevocation = { issuer: pool, clientId: '1example23456789' };
 * await revocations.revokeClient(entry);
 * ```
 */
export interface ClientRevocation {
  /** The issuer of the client's tokens. */
  readonly issuer: RevocationIssuer;
  /** The client id (the token's normalized `clientId`) whose tokens are revoked. */
  readonly clientId: string;
  /** Seconds since the epoch; tokens with `iat` (or `auth_time`) before it are revoked. Default now. */
  readonly before?: number;
  /** As in {@link SubjectRevocation.maxTokenLifetimeSeconds}. */
  readonly maxTokenLifetimeSeconds?: number;
}

/**
 * The revocation API every store offers besides `isRevoked`.
 *
 * @example
 * ```ts
 * const revocations: RevocationRegistry = createMemoryRevocationStore();
 * await revocations.revokeToken({ issuer, tokenId: 'a1b2…', expiresAt: Math.floor(Date.now() / 1000) + 3600 });
 * ```
 */
export interface RevocationRegistry extends RevocationStore {
  /** Revokes one token (or a Cognito token family) until it expires. */
  revokeToken(entry: TokenRevocation): Promise<void>;
  /** Revokes every token of a subject issued before the cut-off. */
  revokeSubject(entry: SubjectRevocation): Promise<void>;
  /** Revokes every token of a client issued before the cut-off. */
  revokeClient(entry: ClientRevocation): Promise<void>;
}
