import type { IncomingMessage } from 'node:http';
import type { ClientRegistry, RegisteredClient } from './client-registry.js';
import { OAuthError } from './oauth-error.js';
import type { TokenRequestProofCheck } from './token-request-proof.js';

/** A complete HTTP answer, computed before anything is written so outages can wrap it. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface TokenEndpointConfig {
  readonly kind: 'cognito' | 'oidc';
  readonly clients: ClientRegistry;
  readonly lifetimeSeconds: number;
  /**
   * Mints the client-credentials access token of `clientId` carrying `scopes`, bound to the DPoP
   * key whose thumbprint is `jkt` when one is given.
   */
  readonly mint: (clientId: string, scopes: string[], jkt: string | undefined) => Promise<string>;
  /** The endpoint's own URL, the `htu` its DPoP proofs must name (known once listening). */
  readonly url: () => string;
  readonly checkProof: TokenRequestProofCheck;
}

// Real token requests are a few hundred bytes; anything this large is a test gone wrong.
const MAX_BODY_BYTES = 64 * 1024;
// RFC 6749 §5.1: responses carrying tokens must not be cached.
const NO_STORE = {
  'content-type': 'application/json;charset=UTF-8',
  'cache-control': 'no-store',
  pragma: 'no-cache',
};

/**
 * The RFC 6749 §3.2 token endpoint of the local issuer: the client_credentials grant (§4.4)
 * for registered confidential clients, authenticated by HTTP Basic or form parameters (§2.3.1).
 * A request with a valid `DPoP` proof gets a DPoP-bound token (RFC 9449 §5).
 */
export function createTokenEndpoint(
  config: TokenEndpointConfig,
): (req: IncomingMessage) => Promise<HttpAnswer> {
  return async (req) => {
    try {
      const params = await readForm(req);
      const client = authenticateClient(config.clients, req.headers.authorization, params);
      const grantType = params.get('grant_type');
      if (grantType === undefined) throw invalidRequest('grant_type is missing');
      if (grantType !== 'client_credentials') {
        throw new OAuthError('unsupported_grant_type', 400, 'only client_credentials is supported');
      }
      const scopes = grantedScopes(client, params.get('scope'));
      // Checked after the client and grant, as a server rejects an unknown client first.
      const jkt = await config.checkProof(req, config.url());
      const accessToken = await config.mint(client.clientId, scopes, jkt);
      // Cognito answers exactly these three members; other servers add `scope` (§5.1).
      const body: Record<string, unknown> = {
        access_token: accessToken,
        expires_in: config.lifetimeSeconds,
        // RFC 9449 §5: a DPoP-bound token is of type DPoP, so the client presents it as such.
        token_type: jkt === undefined ? 'Bearer' : 'DPoP',
      };
      if (config.kind === 'oidc' && scopes.length > 0) body['scope'] = scopes.join(' ');
      return { status: 200, headers: NO_STORE, body: JSON.stringify(body) };
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      const headers: Record<string, string> = { ...NO_STORE };
      // RFC 6749 §5.2: a 401 invalid_client names the scheme the client should authenticate with.
      if (error.status === 401) headers['www-authenticate'] = 'Basic realm="tokengate-test-issuer"';
      const body = JSON.stringify({ error: error.error, error_description: error.description });
      return { status: error.status, headers, body };
    }
  };
}

function invalidRequest(description: string): OAuthError {
  return new OAuthError('invalid_request', 400, description);
}

function invalidClient(): OAuthError {
  return new OAuthError('invalid_client', 401, 'client authentication failed');
}

/** The form body as single-valued parameters (RFC 6749 §3.2: none may repeat). */
async function readForm(req: IncomingMessage): Promise<Map<string, string>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    // Drain, so a keep-alive connection stays usable.
    req.resume();
    throw invalidRequest('the body must be application/x-www-form-urlencoded');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) throw invalidRequest('the body is too large');
    chunks.push(chunk);
  }
  const params = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) {
    if (params.has(name)) throw invalidRequest(`${name} is repeated`);
    // RFC 6749 §3.2: parameters sent without a value are treated as omitted.
    if (value !== '') params.set(name, value);
  }
  return params;
}

function authenticateClient(
  clients: ClientRegistry,
  authorization: string | undefined,
  params: Map<string, string>,
): RegisteredClient {
  const bodyId = params.get('client_id');
  const bodySecret = params.get('client_secret');
  let clientId: string;
  let clientSecret: string;
  if (authorization !== undefined) {
    // RFC 6749 §2.3: a client uses one authentication method per request.
    if (bodySecret !== undefined) {
      throw invalidRequest('client credentials sent both in the header and in the body');
    }
    const basic = parseBasic(authorization);
    if (basic === undefined) throw invalidClient();
    [clientId, clientSecret] = basic;
    if (bodyId !== undefined && bodyId !== clientId) throw invalidClient();
  } else if (bodyId !== undefined && bodySecret !== undefined) {
    [clientId, clientSecret] = [bodyId, bodySecret];
  } else {
    throw invalidClient();
  }
  const client = clients.authenticate(clientId, clientSecret);
  if (client === undefined) throw invalidClient();
  return client;
}

/** RFC 6749 §2.3.1: Basic credentials whose id and secret are each form-urlencoded first. */
function parseBasic(authorization: string): [string, string] | undefined {
  const match = /^basic +([A-Za-z0-9+/]+=*) *$/i.exec(authorization);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return [formDecode(decoded.slice(0, colon)), formDecode(decoded.slice(colon + 1))];
  } catch {
    return undefined;
  }
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/** RFC 6749 §3.3: no scope asks for every scope the client may have, as Cognito grants. */
function grantedScopes(client: RegisteredClient, scope: string | undefined): string[] {
  if (scope === undefined) return [...client.scopes];
  const requested = [...new Set(scope.split(' ').filter((item) => item !== ''))];
  const unknown = requested.find((item) => !client.scopes.includes(item));
  if (unknown !== undefined) {
    throw new OAuthError('invalid_scope', 400, `scope ${unknown} is not allowed for this client`);
  }
  return requested;
}
