/**
 * The framework-free engine of tokengate: verify bearer tokens from Amazon Cognito user pools
 * and any OpenID Connect issuer, with a bounded JWKS cache, the RFC 6750 error model,
 * authorization rules, revocation, DPoP (RFC 9449), mTLS-bound tokens (RFC 8705), token
 * introspection (RFC 7662) and protected-resource metadata (RFC 9728). The framework adapters
 * re-export everything here, so an app needs one import.
 *
 * @example
 * ```ts
 * import { anyGroup, authorize, cognitoIssuer, createVerifier } from '@tokengate/core';
 *
 * // Build once at startup: the verifier owns the JWKS cache.
 * const verifier = createVerifier({
 *   issuers: [cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789' })],
 * });
 * const auth = await verifier.verify(token);
 * authorize(auth, anyGroup('admin')); // throws a 403 AccessDeniedError otherwise
 * ```
 *
 * @module \@tokengate/core
 */
export { createVerifier } from './verify/verifier.js';
export type { Verifier, VerifierOptions } from './verify/verifier-options.js';
export { oidcIssuer } from './issuers/oidc-issuer.js';
export type { OidcIssuerOptions } from './issuers/oidc-issuer.js';
export { introspectionIssuer } from './introspection/introspection-issuer.js';
export type {
  IntrospectionClientAuth,
  IntrospectionIssuerOptions,
} from './introspection/introspection-options.js';
export type { ClientAssertionKey, KeyObjectLike, PrivateJwk } from './lib/client-assertion.js';
export { cognitoIssuer } from './issuers/cognito-issuer.js';
export type { CognitoIssuerFormat, CognitoIssuerOptions } from './issuers/cognito-issuer.js';
export type {
  CognitoAccessTokenClaims,
  CognitoIdTokenClaims,
  CognitoIdentity,
  CognitoM2MTokenClaims,
} from './claims/cognito-claims.js';
export { createJwksCache } from './jwks/jwks-cache.js';
export type { JwksCache, JwksCacheOptions } from './jwks/jwks-cache-options.js';
export type { JwksKey } from './jws/jwk-import.js';
export {
  TokengateError,
  InvalidRequestError,
  MissingTokenError,
  InvalidTokenError,
  InsufficientScopeError,
  InsufficientUserAuthenticationError,
  AccessDeniedError,
  IdpUnavailableError,
  isTokengateError,
} from './errors/errors.js';
export type {
  BearerErrorCode,
  DetailValue,
  ErrorDetail,
  TokengateErrorCode,
  TokengateErrorOptions,
  StepUpRequirement,
} from './errors/errors.js';
export { formatChallenge } from './errors/challenge.js';
export type { ChallengeParams } from './errors/challenge.js';
export { clearHeadersForError } from './http/error-headers.js';
export type { RemovableHeaders } from './http/error-headers.js';
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
} from './lib/types.js';
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
} from './rules/rules.js';
export { assertRule, toRule } from './rules/rule-check.js';
export type { Rule, ClaimValue, ClaimPredicate } from './rules/rule.js';
export { authorize, isAllowed } from './rules/authorize.js';
export { isVerifiedToken } from './claims/verified-token.js';
export { extractBearerToken } from './http/bearer.js';
export type { BearerOptions, BearerRequest } from './http/bearer.js';
export { MAX_FORM_BODY_BYTES } from './fetch-request.js';
export type { FetchRequestSource } from './fetch-request.js';
export { tokengateErrorResponse } from './error-response.js';
export { createGate } from './gate.js';
// For the companion packages (`@tokengate/redis`): one way to refuse a misspelt option.
export { assertKnownKeys } from './lib/options.js';
export type { Gate, GateAdapter, GateOptions } from './gate.js';
export { matchIssuer } from './issuers/issuer-resolver.js';
export type { IssuerResolver } from './issuers/issuer-resolver.js';
export { createMemoryRevocationStore } from './revocation/memory-revocation-store.js';
export type { MemoryRevocationStoreOptions } from './revocation/memory-revocation-store.js';
export {
  revocationKeys,
  revocationCutOff,
  tokenIdsOf,
  issuedAtOf,
  isRevokedBy,
  canonicalIssuer,
  DEFAULT_ENTRY_LIFETIME_SECONDS,
  REVOCATION_CLOCK_MARGIN_SECONDS,
} from './revocation/revocation-keys.js';
export {
  prepareRevocation,
  parseStoredRevocation,
  entryLifetimeOption,
  MAX_REVOCATION_SECONDS,
  MAX_REVOCATION_ID_LENGTH,
} from './revocation/revocation-entry.js';
export type { PreparedRevocation, RevocationKind } from './revocation/revocation-entry.js';
export type {
  RevocationStore,
  RevocationRegistry,
  RevocationCheckContext,
  RevocationIssuer,
  TokenRevocation,
  SubjectRevocation,
  ClientRevocation,
} from './revocation/revocation.js';
export { createAlbVerifier } from './alb/alb-verifier.js';
export type { AlbVerifier } from './alb/alb-verifier.js';
export type { AlbVerifierOptions } from './alb/alb-options.js';
export {
  auth0Issuer,
  oktaIssuer,
  oneLoginIssuer,
  keycloakIssuer,
  googleIssuer,
  appleIssuer,
  facebookIssuer,
  entraIdIssuer,
  cognitoIdentityPoolIssuer,
  entraIdResolver,
} from './presets/index.js';
export type {
  PresetOptions,
  Auth0IssuerOptions,
  OktaIssuerOptions,
  OneLoginIssuerOptions,
  KeycloakIssuerOptions,
  GoogleIssuerOptions,
  AppleIssuerOptions,
  FacebookIssuerOptions,
  EntraIdIssuerOptions,
  CognitoIdentityPoolIssuerOptions,
  EntraIdResolverOptions,
} from './presets/index.js';
export { authenticatedWithin, amrIncludes, acrIn, cognitoM2M } from './rules/step-up.js';
export type {
  AuthenticatedWithinOptions,
  AmrIncludesOptions,
  CognitoM2MOptions,
} from './rules/step-up.js';
export {
  createClientCredentialsSource,
  TokenEndpointError,
  type ClientCredentialsOptions,
  type ClientCredentialsSource,
  type ClientCredentialsEvent,
  type ClientCredentialsEventListener,
  type TokenEndpointErrorCode,
} from './client-credentials/index.js';
export type { DpopReplayStore } from './dpop/dpop-replay-store.js';
export { dpopPolicy } from './dpop/dpop-options.js';
export type { DpopMode, DpopOptions, DpopNonceOptions, DpopPolicy } from './dpop/dpop-options.js';
export { checkDpopProof } from './dpop/proof-check.js';
export type { DpopPresentation } from './dpop/proof-check.js';
export { jwkThumbprint } from './dpop/jwk-thumbprint.js';
export { createMemoryDpopReplayStore } from './dpop/memory-replay-store.js';
export type { MemoryDpopReplayStoreOptions } from './dpop/memory-replay-store.js';
export type { PublicJwk } from './jws/public-jwk.js';
export { InvalidDpopProofError, UseDpopNonceError } from './errors/dpop-errors.js';
export type { ChallengeContext } from './errors/challenge.js';
export { formatChallenges } from './errors/challenge.js';
export type { TokenBinding } from './lib/types.js';
export type { VerifyCallOptions } from './verify/verifier-options.js';
export { extractCredentials } from './http/bearer.js';
export type { Credentials, TlsSocketLike } from './http/bearer.js';
export type { ResourceMetadata } from './metadata/metadata-route.js';
export type { ResourceMetadataOptions } from './metadata/resource-metadata-options.js';
export type { ResourceMetadataDocument, BearerMethod } from './metadata/resource-metadata.js';
export { resourceMetadataUrl } from './metadata/resource-metadata.js';
export { matchMetadataPath } from './metadata/metadata-path.js';
export { certificateThumbprint, clientCertificatePolicy } from './mtls/client-certificate.js';
export type {
  CertificateRequest,
  ClientCertificateHeaderFormat,
  ClientCertificatePolicy,
  ClientCertificateSource,
} from './mtls/client-certificate.js';
