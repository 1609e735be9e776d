// The local Cognito-shaped issuer of the HTTP suite and the forged-token flood, and the
// environment the HTTP servers read.
import { createTestIssuer } from '@tokengate/testing';

const USER_POOL_ID = 'us-east-1_Bench';
// A real-looking AWS `iss` for every server: aws-jwt-verify accepts nothing else, while the
// JWKS is still served on 127.0.0.1 and every server is pointed at it.
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${USER_POOL_ID}`;
const CLIENT_ID = '1example23456789abcdefghij';

// Groups and scopes as in the issue: an RS256 access token of about 1 KB.
export const TOKEN_OPTIONS = { groups: ['admin'], scopes: ['orders:read'] };

/**
 * Starts the issuer; `close()` it when done. Its key is RS256 unless `alg` says otherwise (the
 * valid-token flood signs two million tokens, and ES256 signs about 8 times faster than RS256).
 */
export async function startBenchIssuer({ alg = 'RS256' } = {}) {
  const issuer = await createTestIssuer({
    kind: 'cognito',
    alg,
    userPoolId: USER_POOL_ID,
    clientId: CLIENT_ID,
    issuer: ISSUER,
  });
  const env = {
    ISSUER,
    JWKS_URI: issuer.jwksUri,
    CLIENT_ID,
    USER_POOL_ID,
  };
  return { issuer, env };
}
