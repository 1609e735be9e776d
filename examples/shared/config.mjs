// Configuration from the environment, identical for the three examples:
//   PORT      port to listen on (default 3000; 0 picks a free one)
//   HOST      address to bind (default: every interface)
//   ISSUER    exact `iss` to trust; unset starts an embedded local issuer
//   JWKS_URI  where its keys are (default: OpenID Connect discovery, or <ISSUER>/.well-known/jwks.json with TOKEN_USE)
//   AUDIENCE  comma-separated accepted audiences / app client ids (optional)
//   TOKEN_USE `access` | `id`: Cognito-style `token_use` check; with `access`, `client_id` must be
//             one of AUDIENCE (Cognito access tokens have no `aud`); otherwise `aud` must intersect AUDIENCE
//   DPOP      `allowed` (default) | `required` | `disabled`: DPoP (RFC 9449) on every protected route
//
// Every example also serves GET /.well-known/oauth-protected-resource (RFC 9728; `resource` is the
// server's own origin, `authorization_servers` the issuer) and names it in its 401 challenges.
import { cognitoIssuer, oidcIssuer } from '@tokengate/core';
import { createTestIssuer } from '@tokengate/testing';

// GET /admin reads the groups from `cognito:groups`, else `groups` (a pre-token-generation
// trigger may write them there), whatever the kind of issuer.
const GROUPS_CLAIMS = ['cognito:groups', 'groups'];

export async function loadConfig(env = process.env) {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`PORT must be a port number, got ${env.PORT}`);
  const host = env.HOST || undefined;
  // While the IdP is slow or down, every request still finishes within about 3 s.
  const jwks = { timeoutMs: 2500 };
  const dpop = env.DPOP || 'allowed';
  if (dpop !== 'allowed' && dpop !== 'required' && dpop !== 'disabled') {
    fail(`DPOP must be "allowed", "required" or "disabled", got ${env.DPOP}`);
  }
  // What every example's gate shares besides its issuer: DPoP per DPOP, RFC 9728 metadata.
  const common = { jwks, dpop, resourceMetadata: true };

  if (!env.ISSUER) {
    const embedded = await createTestIssuer({ kind: 'cognito' });
    const issuer = cognitoIssuer({
      clientId: embedded.clientId,
      issuerOverride: embedded.issuer,
      groupsClaim: GROUPS_CLAIMS,
    });
    return { port, host, embedded, gateOptions: { issuers: [issuer], ...common } };
  }

  const audiences = env.AUDIENCE?.split(',')
    .map((value) => value.trim())
    .filter(Boolean);
  const audience = audiences === undefined || audiences.length === 0 ? null : audiences;
  const tokenUse = env.TOKEN_USE || undefined;
  if (tokenUse !== undefined && tokenUse !== 'access' && tokenUse !== 'id') {
    fail(`TOKEN_USE must be "access" or "id", got ${tokenUse}`);
  }
  // The operator chose these URLs; plain http is allowed but worth a warning.
  const allowInsecureHttp = [env.ISSUER, env.JWKS_URI].some((url) => url?.startsWith('http:'));
  if (allowInsecureHttp)
    console.warn('warning: ISSUER or JWKS_URI uses plain http; use https in production');
  const jwksUri = env.JWKS_URI ? { jwksUri: env.JWKS_URI } : {};

  try {
    const issuer =
      tokenUse === undefined
        ? oidcIssuer({
            issuer: env.ISSUER,
            audience,
            groupsClaim: GROUPS_CLAIMS,
            allowInsecureHttp,
            ...jwksUri,
          })
        : cognitoIssuer({
            issuerOverride: env.ISSUER,
            clientId: audience,
            tokenUse,
            groupsClaim: GROUPS_CLAIMS,
            allowInsecureHttp,
            ...jwksUri,
          });
    return { port, host, embedded: undefined, gateOptions: { issuers: [issuer], ...common } };
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
}

function fail(message) {
  console.error(`configuration error: ${message}`);
  process.exit(1);
}
