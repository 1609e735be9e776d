// Runs docs/recipes/mcp-server.md verbatim: its `// file:` blocks are written to a scratch
// directory; `mcp-app.mjs` serves MCP on 127.0.0.1, with oidc-provider as the authorization
// server issuing real RFC 8707 tokens (client credentials with a `resource`: the same `aud` and
// `scope` an MCP client's authorization-code flow gets). The test plays the MCP client: 401,
// `resource_metadata`, the document, the authorization server's discovery, the token, the calls.
// `server.mjs` runs as a child process, configured by its environment, as in production.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClientCredentialsSource } from '@tokengate/core/client-credentials';
import { oidcIssuer } from '@tokengate/express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectOutput } from '../support/child-output.js';
import { createChildGroup } from '../support/child-processes.js';
import { freePort } from '../support/free-port.js';
import { startOidcProvider } from '../support/oidc-provider.js';
import { writeRecipeFiles, type RecipeDir } from '../support/recipe-files.js';

const SCOPE = 'mcp/tools';
const CLIENT = { clientId: 'mcp-client', clientSecret: 'mcp-client-secret-0123456789' };
const WELL_KNOWN = '/.well-known/oauth-protected-resource';
const children = createChildGroup();

interface McpApp {
  readonly app: (req: IncomingMessage, res: ServerResponse) => void;
  close(): Promise<void>;
}
type CreateMcpApp = (options: { resource: string; issuers: unknown[]; scope?: string }) => McpApp;

let recipe: RecipeDir;
let issuer = '';
let closeIssuer: () => Promise<void>;
let mcp: McpApp;
let mcpServer: Server;
let origin = '';
let resource = '';

/** oidc-provider on 127.0.0.1, issuing RFC 9068 JWT access tokens for any `resource` asked. */
async function startAuthorizationServer(): Promise<void> {
  const op = await startOidcProvider({
    configuration: () => ({
      clients: [
        {
          client_id: CLIENT.clientId,
          client_secret: CLIENT.clientSecret,
          grant_types: ['client_credentials'],
          redirect_uris: [],
          response_types: [],
          scope: `${SCOPE} mcp/other`,
        },
      ],
      scopes: [SCOPE, 'mcp/other'],
      ttl: { ClientCredentials: 600 },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        // RFC 8707: the token's `aud` is the `resource` the client asked for.
        resourceIndicators: {
          enabled: true,
          defaultResource: () => undefined as unknown as string,
          getResourceServerInfo: (_ctx, indicator) => ({
            scope: `${SCOPE} mcp/other`,
            audience: indicator,
            accessTokenFormat: 'jwt',
            accessTokenTTL: 600,
            jwt: { sign: { alg: 'RS256' } },
          }),
        },
      },
    }),
  });
  issuer = op.issuer;
  closeIssuer = op.close;
}

beforeAll(async () => {
  recipe = writeRecipeFiles('mcp-server');
  expect(recipe.names).toEqual(['mcp-app.mjs', 'server.mjs']);
  await startAuthorizationServer();
  // The MCP server's URL must be known before its app is built: listen first, then attach.
  mcpServer = createServer();
  await new Promise<void>((resolve) => mcpServer.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(mcpServer.address() as AddressInfo).port}`;
  resource = `${origin}/mcp`;
  const { createMcpApp } = (await import(pathToFileURL(join(recipe.dir, 'mcp-app.mjs')).href)) as {
    createMcpApp: CreateMcpApp;
  };
  mcp = createMcpApp({ resource, issuers: [oidcIssuer({ issuer, audience: resource })] });
  mcpServer.on('request', mcp.app);
});

afterAll(async () => {
  mcpServer.closeAllConnections();
  await new Promise((resolve) => mcpServer.close(resolve));
  await mcp.close();
  await closeIssuer();
  recipe.remove();
});

/** A token from the authorization server for `indicator` with `scopes`, as a client gets it. */
async function tokenFor(indicator: string, scopes: string[]): Promise<string> {
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
    token_endpoint: string;
  };
  return createClientCredentialsSource({
    tokenEndpoint: discovery.token_endpoint,
    ...CLIENT,
    scopes,
    resource: indicator,
  }).getToken();
}

function rpc(body: unknown, token?: string): Promise<Response> {
  return fetch(resource, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });
}

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'recipe-test', version: '1.0.0' },
  },
};

/** The `resource_metadata` URL of each challenge in a `WWW-Authenticate` value. */
function metadataUrls(challenge: string | null): string[] {
  return [...(challenge ?? '').matchAll(/resource_metadata="([^"]*)"/g)].map((match) => match[1]!);
}

describe('docs/recipes/mcp-server.md', () => {
  it('walks an MCP client from a 401 to a tool call', async () => {
    // 1. No token: 401, and the way to the metadata (RFC 9728 §5.1).
    const anonymous = await rpc(INITIALIZE);
    expect(anonymous.status).toBe(401);
    const pointers = metadataUrls(anonymous.headers.get('www-authenticate'));
    expect(pointers.length).toBeGreaterThan(0);
    expect(new Set(pointers)).toEqual(new Set([`${origin}${WELL_KNOWN}/mcp`]));

    // 2. The document, whose `resource` is exactly the URL called (RFC 9728 §3.3).
    const answer = await fetch(pointers[0]!);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    const document = (await answer.json()) as Record<string, unknown>;
    expect(document).toMatchObject({
      resource,
      authorization_servers: [issuer],
      scopes_supported: [SCOPE],
      bearer_methods_supported: ['header'],
      resource_name: 'Example MCP server',
    });

    // 3. The authorization server it names, and a token for this resource with its scopes.
    const [authorizationServer] = document.authorization_servers as string[];
    const discovery = (await (
      await fetch(`${authorizationServer}/.well-known/openid-configuration`)
    ).json()) as { issuer: string };
    expect(discovery.issuer).toBe(issuer);
    const token = await tokenFor(
      document.resource as string,
      document.scopes_supported as string[],
    );

    // 4. MCP over Streamable HTTP, authorized.
    const initialized = await rpc(INITIALIZE, token);
    expect(initialized.status).toBe(200);
    expect(await initialized.json()).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: {
        protocolVersion: '2025-06-18',
        capabilities: { tools: {} },
        serverInfo: { name: 'example-mcp', version: '1.0.0' },
      },
    });
    const notified = await rpc({ jsonrpc: '2.0', method: 'notifications/initialized' }, token);
    expect(notified.status).toBe(202);
    const listed = (await (
      await rpc({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, token)
    ).json()) as {
      result: { tools: { name: string }[] };
    };
    expect(listed.result.tools.map((tool) => tool.name)).toEqual(['whoami']);
    const called = await rpc(
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'whoami', arguments: {} } },
      token,
    );
    expect(await called.json()).toEqual({
      jsonrpc: '2.0',
      id: 3,
      result: {
        content: [{ type: 'text', text: `subject ${CLIENT.clientId}, client ${CLIENT.clientId}` }],
      },
    });
  });

  it('refuses a token issued for another resource (RFC 8707), pointing at the metadata', async () => {
    const elsewhere = await tokenFor('https://other.example.com/mcp', [SCOPE]);
    const answer = await rpc(INITIALIZE, elsewhere);
    expect(answer.status).toBe(401);
    const challenge = answer.headers.get('www-authenticate');
    expect(challenge).toMatch(/^Bearer error="invalid_token"/);
    expect(metadataUrls(challenge)[0]).toBe(`${origin}${WELL_KNOWN}/mcp`);
    expect(await answer.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('answers 403 insufficient_scope with the scope to ask for', async () => {
    const narrow = await tokenFor(resource, ['mcp/other']);
    const answer = await rpc(INITIALIZE, narrow);
    expect(answer.status).toBe(403);
    const challenge = answer.headers.get('www-authenticate');
    expect(challenge).toMatch(/^Bearer error="insufficient_scope"/);
    expect(challenge).toContain(`scope="${SCOPE}"`);
    expect(metadataUrls(challenge)[0]).toBe(`${origin}${WELL_KNOWN}/mcp`);
  });

  it('serves the document at its own path only, and 405 for GET /mcp', async () => {
    for (const path of [WELL_KNOWN, `${WELL_KNOWN}/other`, `${WELL_KNOWN}/mcp/`]) {
      expect((await fetch(origin + path)).status).toBe(404);
    }
    const get = await fetch(resource, { headers: { accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('answers JSON-RPC mistakes as JSON-RPC errors', async () => {
    const token = await tokenFor(resource, [SCOPE]);
    const unknown = await rpc({ jsonrpc: '2.0', id: 9, method: 'resources/list' }, token);
    expect(await unknown.json()).toMatchObject({ id: 9, error: { code: -32601 } });
    const batch = await rpc([INITIALIZE], token);
    expect(batch.status).toBe(400);
    expect(await batch.json()).toMatchObject({ id: null, error: { code: -32600 } });
  });

  it('server.mjs runs from its environment alone', async () => {
    const port = await freePort();
    const ownResource = `http://127.0.0.1:${port}/mcp`;
    const child = children.spawn(process.execPath, [join(recipe.dir, 'server.mjs')], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        ISSUER: issuer,
        MCP_RESOURCE: ownResource,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = collectOutput(child);
    try {
      await output
        .waitFor((seen) => seen.stdout().includes('MCP server listening'), 15_000)
        .catch((error: Error) => {
          throw new Error(`server.mjs ${error.message}\n${output.all()}`);
        });
      const anonymous = await fetch(ownResource, { method: 'POST', body: '{}' });
      expect(anonymous.status).toBe(401);
      const [pointer] = metadataUrls(anonymous.headers.get('www-authenticate'));
      expect(pointer).toBe(`http://127.0.0.1:${port}${WELL_KNOWN}/mcp`);
      const document = (await (await fetch(pointer!)).json()) as Record<string, unknown>;
      expect(document).toMatchObject({ resource: ownResource, authorization_servers: [issuer] });
      const token = await tokenFor(ownResource, [SCOPE]);
      const initialized = await fetch(ownResource, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(INITIALIZE),
      });
      expect(initialized.status).toBe(200);
    } finally {
      await children.stopAll(2000);
    }
  });
});
