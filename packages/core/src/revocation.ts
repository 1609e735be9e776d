import type { VerifiedToken } from './types.js';

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
  isRevoked(token: VerifiedToken): boolean | Promise<boolean>;
}

/** Revoke one token by `jti`, or a whole Cognito token family by `origin_jti`. */
export interface TokenRevocation {
  readonly issuer: string;
  /** The token's `jti`, or Cognito's `origin_jti` (shared by the access and ID tokens a refresh token minted). */
  readonly tokenId: string;
  /** When the revoked token(s) expire anyway, in seconds since the epoch: the entry lives until then. */
  readonly expiresAt: number;
}

/** "Tokens of this subject issued before `before` are revoked": sign-out everywhere, account locked, password reset. */
export interface SubjectRevocation {
  readonly issuer: string;
  readonly subject: string;
  /** Seconds since the epoch; tokens with `iat` (or `auth_time`) before it are revoked. Default now. */
  readonly before?: number;
  /** How long the longest-lived token of this issuer stays valid, in seconds; the entry lives that long. Default 86400. */
  readonly maxTokenLifetimeSeconds?: number;
}

/** "Tokens of this client issued before `before` are revoked": a rotated app client secret. */
export interface ClientRevocation {
  readonly issuer: string;
  readonly clientId: string;
  readonly before?: number;
  readonly maxTokenLifetimeSeconds?: number;
}

/** The revocation API every store offers besides `isRevoked`. */
export interface RevocationRegistry extends RevocationStore {
  revokeToken(entry: TokenRevocation): Promise<void>;
  revokeSubject(entry: SubjectRevocation): Promise<void>;
  revokeClient(entry: ClientRevocation): Promise<void>;
}
