import { describe, expect, it } from 'vitest';
import {
  protectedResourceMetadata,
  type ResourceMetadataInput,
} from '../../src/metadata/resource-metadata.js';
import {
  resourceMetadataPolicy,
  type ResourceMetadataOptions,
} from '../../src/metadata/resource-metadata-options.js';

const WELL_KNOWN = '/.well-known/oauth-protected-resource';
const ORIGIN = 'https://api.example.com';
const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123';

/** The gate's view of a plain bearer API, with `overrides`. */
function input(
  options: true | ResourceMetadataOptions,
  overrides: Partial<Omit<ResourceMetadataInput, 'options'>> = {},
): ResourceMetadataInput {
  return {
    options: resourceMetadataPolicy(options)!,
    origin: ORIGIN,
    requestPath: WELL_KNOWN,
    issuers: [ISSUER],
    bearerMethods: ['header'],
    dpopRequired: false,
    mtls: false,
    ...overrides,
  };
}

describe('protectedResourceMetadata', () => {
  it('names the origin and the issuers by default', () => {
    expect(protectedResourceMetadata(input(true))).toEqual({
      resource: ORIGIN,
      authorization_servers: [ISSUER],
      bearer_methods_supported: ['header'],
    });
  });

  it('writes every RFC 9728 §2 member it knows, in the RFC order', () => {
    const document = protectedResourceMetadata(
      input(
        {
          resource: 'https://mcp.example.com/mcp',
          authorizationServers: ['https://idp.example.com', 'https://idp2.example.com/tenant'],
          scopesSupported: ['mcp:tools', 'mcp:resources'],
          resourceName: 'Example MCP server',
          resourceDocumentation: 'https://docs.example.com/mcp',
          resourcePolicyUri: 'https://example.com/privacy',
          resourceTosUri: 'https://example.com/terms',
        },
        {
          requestPath: `${WELL_KNOWN}/mcp`,
          bearerMethods: ['header', 'body', 'query'],
          dpopAlgorithms: ['ES256', 'EdDSA'],
          dpopRequired: true,
          mtls: true,
        },
      ),
    );
    expect(JSON.stringify(document)).toBe(
      JSON.stringify({
        resource: 'https://mcp.example.com/mcp',
        authorization_servers: ['https://idp.example.com', 'https://idp2.example.com/tenant'],
        scopes_supported: ['mcp:tools', 'mcp:resources'],
        bearer_methods_supported: ['header', 'body', 'query'],
        resource_name: 'Example MCP server',
        resource_documentation: 'https://docs.example.com/mcp',
        resource_policy_uri: 'https://example.com/privacy',
        resource_tos_uri: 'https://example.com/terms',
        tls_client_certificate_bound_access_tokens: true,
        dpop_signing_alg_values_supported: ['ES256', 'EdDSA'],
        dpop_bound_access_tokens_required: true,
      }),
    );
  });

  it('advertises DPoP algorithms without requiring DPoP when DPoP is allowed', () => {
    const document = protectedResourceMetadata(input(true, { dpopAlgorithms: ['ES256'] }));
    expect(document?.dpop_signing_alg_values_supported).toEqual(['ES256']);
    expect(document).not.toHaveProperty('dpop_bound_access_tokens_required');
    expect(document).not.toHaveProperty('tls_client_certificate_bound_access_tokens');
  });

  it('leaves DPoP out when it is disabled', () => {
    for (const dpopAlgorithms of [undefined, []]) {
      expect(protectedResourceMetadata(input(true, { dpopAlgorithms }))).not.toHaveProperty(
        'dpop_signing_alg_values_supported',
      );
    }
  });

  it('says which bearer methods there are, even none (RFC 9728 §2: omitted implies none)', () => {
    expect(protectedResourceMetadata(input(true, { bearerMethods: [] }))).toEqual({
      resource: ORIGIN,
      authorization_servers: [ISSUER],
      bearer_methods_supported: [],
    });
  });

  it('lists each issuer once, and leaves authorization_servers out when there is none', () => {
    const issuers = [ISSUER, 'https://idp.example.com', ISSUER];
    expect(protectedResourceMetadata(input(true, { issuers }))?.authorization_servers).toEqual([
      ISSUER,
      'https://idp.example.com',
    ]);
    expect(protectedResourceMetadata(input(true, { issuers: [] }))).not.toHaveProperty(
      'authorization_servers',
    );
  });

  it('prefers the configured authorization servers over the issuers', () => {
    const options = { authorizationServers: ['https://as.example.com'] };
    expect(protectedResourceMetadata(input(options))?.authorization_servers).toEqual([
      'https://as.example.com',
    ]);
  });

  it('does not share its arrays with the options or the input', () => {
    const bearerMethods = ['header'] as const;
    const document = protectedResourceMetadata(input(true, { bearerMethods }));
    expect(document?.bearer_methods_supported).not.toBe(bearerMethods);
  });

  describe('without a configured resource', () => {
    it.each([
      [WELL_KNOWN, ORIGIN],
      [`${WELL_KNOWN}?x=1`, ORIGIN],
      [`${WELL_KNOWN}/mcp`, `${ORIGIN}/mcp`],
      [`${WELL_KNOWN}/v1/mcp?session=1`, `${ORIGIN}/v1/mcp`],
      [`${WELL_KNOWN}/mcp/`, `${ORIGIN}/mcp/`],
    ])('%s describes %s (RFC 9728 §3.1)', (requestPath, resource) => {
      expect(protectedResourceMetadata(input(true, { requestPath }))?.resource).toBe(resource);
    });

    it('describes the origin when no request path is given', () => {
      expect(protectedResourceMetadata(input(true, { requestPath: undefined }))?.resource).toBe(
        ORIGIN,
      );
    });

    it.each([
      '/mcp',
      '/',
      `${WELL_KNOWN}X`,
      `${WELL_KNOWN}/`,
      `${WELL_KNOWN}/../admin`,
      `${WELL_KNOWN}/%2e%2e/admin`,
      `${WELL_KNOWN}//evil.example`,
      `${WELL_KNOWN}/mcp\\..\\admin`,
      `https://evil.example${WELL_KNOWN}`,
    ])('serves nothing for %j', (requestPath) => {
      expect(protectedResourceMetadata(input(true, { requestPath }))).toBeUndefined();
    });

    it.each(['/@evil.example', '/:@evil.example', '/a;b=c', "/x'y", '/$&+,=:@'])(
      'keeps the origin of the request for the odd but plain suffix %j',
      (suffix) => {
        const resource = protectedResourceMetadata(
          input(true, { requestPath: WELL_KNOWN + suffix }),
        )?.resource;
        expect(resource).toBe(ORIGIN + suffix);
        expect(new URL(resource!).origin).toBe(ORIGIN);
        expect(new URL(resource!).pathname).toBe(suffix);
      },
    );

    it.each([
      'http://api.example.com', // behind a TLS-terminating proxy without publicOrigin
      'https://api.example.com/',
      'https://api.example.com/mcp',
      'https://API.example.com',
      'https://api.example.com:443',
      'https://user@api.example.com',
      'ftp://api.example.com',
      'api.example.com',
      'null',
      '',
    ])('serves nothing for the origin %j', (origin) => {
      expect(protectedResourceMetadata(input(true, { origin }))).toBeUndefined();
      expect(
        protectedResourceMetadata(input(true, { origin, requestPath: undefined })),
      ).toBeUndefined();
    });

    it.each(['http://127.0.0.1:3000', 'http://localhost:8080', 'http://[::1]:8080'])(
      'serves a loopback http origin %s (local development)',
      (origin) => {
        expect(
          protectedResourceMetadata(input(true, { origin, requestPath: `${WELL_KNOWN}/mcp` }))
            ?.resource,
        ).toBe(`${origin}/mcp`);
      },
    );
  });

  describe('with a configured resource', () => {
    const mcp = { resource: 'https://mcp.example.com/mcp' };

    it('serves it at its own metadata path only, whatever the request origin', () => {
      for (const requestPath of [`${WELL_KNOWN}/mcp`, `${WELL_KNOWN}/mcp?x=1`, undefined]) {
        expect(protectedResourceMetadata(input(mcp, { requestPath }))?.resource).toBe(
          'https://mcp.example.com/mcp',
        );
      }
      // The origin the request came through does not matter, even one that could not be served.
      expect(
        protectedResourceMetadata(
          input(mcp, { origin: 'http://internal:8080', requestPath: `${WELL_KNOWN}/mcp` }),
        )?.resource,
      ).toBe('https://mcp.example.com/mcp');
    });

    it.each([WELL_KNOWN, `${WELL_KNOWN}/mcp/`, `${WELL_KNOWN}/other`, `${WELL_KNOWN}/mcp/x`])(
      'serves nothing at %s (RFC 9728 §3.3: its resource would not match)',
      (requestPath) => {
        expect(protectedResourceMetadata(input(mcp, { requestPath }))).toBeUndefined();
      },
    );

    it('serves an origin-only resource at the well-known path itself', () => {
      for (const resource of ['https://api.example.com', 'https://api.example.com/']) {
        expect(protectedResourceMetadata(input({ resource }))?.resource).toBe(resource);
        expect(
          protectedResourceMetadata(input({ resource }, { requestPath: `${WELL_KNOWN}/mcp` })),
        ).toBeUndefined();
      }
    });

    it('serves under a configured well-known path', () => {
      const options = { ...mcp, path: '/.well-known/mcp-resource' };
      expect(
        protectedResourceMetadata(input(options, { requestPath: '/.well-known/mcp-resource/mcp' }))
          ?.resource,
      ).toBe(mcp.resource);
      expect(
        protectedResourceMetadata(input(options, { requestPath: `${WELL_KNOWN}/mcp` })),
      ).toBeUndefined();
    });
  });
});
