// Mints Cognito-shaped tokens with the local test issuer and verifies them with
// @tokengate/core, exactly as a server would verify tokens from a real user pool.
import { cognitoIssuer, createVerifier, TokengateError } from '@tokengate/core';
import { createTestIssuer } from '@tokengate/testing';

const pool = await createTestIssuer({ kind: 'cognito' });
const verifier = createVerifier({
  issuers: [
    cognitoIssuer({
      userPoolId: pool.userPoolId,
      clientId: pool.clientId,
      // A real pool needs neither line: the issuer and JWKS URL derive from the pool id.
      issuerOverride: pool.issuer,
    }),
  ],
});

async function show(label, token) {
  try {
    const { subject, clientId, tokenUse, scopes, groups } = await verifier.verify(token);
    console.log(`✔ ${label}:`, { subject, clientId, tokenUse, scopes, groups });
  } catch (error) {
    if (!(error instanceof TokengateError)) throw error;
    console.log(`✘ ${label}: ${error.status} ${error.code} — ${error.description}`);
  }
}

try {
  await show(
    'user access token',
    await pool.accessToken({ groups: ['admin'], scopes: ['orders:read'] }),
  );
  await show('M2M access token', await pool.m2mToken({ scopes: ['orders-api/orders.read'] }));
  await show('expired token', await pool.accessToken({ expiresIn: -60 }));
  await show('ID token where an access token is expected', await pool.idToken());
  await show('token of another app client', await pool.accessToken({ clientId: 'someone-else' }));
} finally {
  await pool.close();
}
