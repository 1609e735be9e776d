// Peers built on generic JWT libraries (jsonwebtoken, fast-jwt) have no notion of Cognito
// access tokens. tokengate and aws-jwt-verify check `token_use` and `client_id`; so that every
// server does the same work, those peers call this after their own verification.

/** True when verified claims are a Cognito access token issued to `clientId`. */
export function isCognitoAccessToken(claims, clientId) {
  return claims.token_use === 'access' && claims.client_id === clientId;
}
