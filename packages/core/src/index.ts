export { createVerifier } from './verifier.js';
export type { Verifier, VerifierOptions } from './verifier.js';
export { oidcIssuer } from './oidc-issuer.js';
export type { OidcIssuerOptions } from './oidc-issuer.js';
export { cognitoIssuer } from './cognito-issuer.js';
export type { CognitoIssuerFormat, CognitoIssuerOptions } from './cognito-issuer.js';
export type {
  CognitoAccessTokenClaims,
  CognitoIdTokenClaims,
  CognitoIdentity,
  CognitoM2MTokenClaims,
} from './cognito-claims.js';
export { createJwksCache } from './jwks-cache.js';
export type { JwksCache, JwksCacheOptions, JwksKey } from './jwks-cache.js';
export {
  TokengateError,
  InvalidRequestError,
  MissingTokenError,
  InvalidTokenError,
  InsufficientScopeError,
  AccessDeniedError,
  IdpUnavailableError,
  isTokengateError,
} from './errors.js';
export type {
  BearerErrorCode,
  DetailValue,
  ErrorDetail,
  TokengateErrorCode,
  TokengateErrorOptions,
} from './errors.js';
export { formatChallenge } from './challenge.js';
export type { ChallengeParams } from './challenge.js';
export { clearHeadersForError } from './error-headers.js';
export type { RemovableHeaders } from './error-headers.js';
export type {
  Algorithm,
  ClaimPolicy,
  IssuerEndpoint,
  JsonWebKeySet,
  JwtClaims,
  JwtHeader,
  NormalizedIdentity,
  RejectedRequest,
  TokengateClaims,
  TokenUse,
  TrustedIssuer,
  VerifiedToken,
  VerifierEvent,
  VerifierEventListener,
} from './types.js';
export {
  allScopes,
  anyScope,
  allGroups,
  anyGroup,
  noGroup,
  clientIdIn,
  claimEquals,
  claimIncludes,
  claimSatisfies,
  and,
  or,
  not,
} from './rules.js';
export { assertRule, toRule } from './rule-check.js';
export type { Rule, ClaimValue, ClaimPredicate } from './rules.js';
export { authorize, isAllowed } from './authorize.js';
export { isVerifiedToken } from './verified-token.js';
export { extractBearerToken } from './bearer.js';
export type { BearerOptions, BearerRequest } from './bearer.js';
export { MAX_FORM_BODY_BYTES } from './fetch-request.js';
export type { FetchRequestSource } from './fetch-request.js';
export { tokengateErrorResponse } from './error-response.js';
export { createGate } from './gate.js';
// For the companion packages (`@tokengate/redis`): one way to refuse a misspelt option.
export { assertKnownKeys } from './internal/options.js';
export type { Gate, GateAdapter, GateOptions } from './gate.js';
export { matchIssuer } from './issuer-resolver.js';
export type { IssuerResolver } from './issuer-resolver.js';
export { createMemoryRevocationStore } from './memory-revocation-store.js';
export type { MemoryRevocationStoreOptions } from './memory-revocation-store.js';
export {
  revocationKeys,
  revocationCutOff,
  tokenIdsOf,
  issuedAtOf,
  isRevokedBy,
  canonicalIssuer,
  DEFAULT_ENTRY_LIFETIME_SECONDS,
  REVOCATION_CLOCK_MARGIN_SECONDS,
} from './revocation-keys.js';
export {
  prepareRevocation,
  parseStoredRevocation,
  entryLifetimeOption,
  MAX_REVOCATION_SECONDS,
  MAX_REVOCATION_ID_LENGTH,
} from './revocation-entry.js';
export type { PreparedRevocation, RevocationKind } from './revocation-entry.js';
export type {
  RevocationStore,
  RevocationRegistry,
  RevocationCheckContext,
  RevocationIssuer,
  TokenRevocation,
  SubjectRevocation,
  ClientRevocation,
} from './revocation.js';
export { createAlbVerifier } from './alb-verifier.js';
export type { AlbVerifier, AlbVerifierOptions } from './alb-verifier.js';
export * from './presets/index.js';
export * from './step-up.js';
export { createClientCredentialsSource, TokenEndpointError } from './client-credentials.js';
export type {
  ClientCredentialsOptions,
  ClientCredentialsSource,
  ClientCredentialsEvent,
  ClientCredentialsEventListener,
  TokenEndpointErrorCode,
} from './client-credentials.js';
