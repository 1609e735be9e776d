import type { TrustedIssuer, VerifiedToken } from '../lib/types.js';

/** What the verifier tells the store about the route that verified the token. */
export interface RevocationCheckContext {
  /** The route's `clockToleranceSeconds`: an "issued before" cut-off covers `iat` up to this much after it. */
  readonly clockToleranceSeconds: number;
}

/**
 * Where revocations live. The verifier asks it on every request, after the signature and
 * claims checks and on verified-token cache hits too, so a revocation takes effect at once.
 * Answer synchronously from memory when you can: the check is on the hot path.
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
 */
export type RevocationIssuer = string | TrustedIssuer;

/** Revoke one token by `jti`, or a whole Cognito token family by `origin_jti`. */
export interface TokenRevocation {
  /** The issuer of the token. */
  readonly issuer: RevocationIssuer;
  /** The token's `jti`, or Cognito's `origin_jti` (shared by the access and ID tokens a refresh token minted). */
  readonly tokenId: string;
  /** When the revoked token(s) expire anyway, in seconds since the epoch (at most a year ahead): the entry lives until then. */
  readonly expiresAt: number;
}

/** "Tokens of this subject issued before `before` are revoked": sign-out everywhere, account locked, password reset. */
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

/** "Tokens of this client issued before `before` are revoked": a rotated app client secret. */
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

/** The revocation API every store offers besides `isRevoked`. */
export interface RevocationRegistry extends RevocationStore {
  /** Revokes one token (or a Cognito token family) until it expires. */
  revokeToken(entry: TokenRevocation): Promise<void>;
  /** Revokes every token of a subject issued before the cut-off. */
  revokeSubject(entry: SubjectRevocation): Promise<void>;
  /** Revokes every token of a client issued before the cut-off. */
  revokeClient(entry: ClientRevocation): Promise<void>;
}
