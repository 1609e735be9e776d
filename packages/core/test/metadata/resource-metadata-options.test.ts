import { describe, expect, it } from 'vitest';
import {
  resourceMetadataPolicy,
  type ResourceMetadataOptions,
} from '../../src/metadata/resource-metadata-options.js';

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

describe('resourceMetadataPolicy', () => {
  it('is off for undefined and false, the defaults for true', () => {
    expect(resourceMetadataPolicy(undefined)).toBeUndefined();
    expect(resourceMetadataPolicy(false)).toBeUndefined();
    const defaults = {
      resource: undefined,
      resourceOrigin: undefined,
      resourceMetadataPath: undefined,
      authorizationServers: undefined,
      scopesSupported: undefined,
      resourceName: undefined,
      resourceDocumentation: undefined,
      resourcePolicyUri: undefined,
      resourceTosUri: undefined,
      path: WELL_KNOWN,
    };
    expect(resourceMetadataPolicy(true)).toEqual(defaults);
    expect(resourceMetadataPolicy({})).toEqual(defaults);
    expect(Object.isFrozen(resourceMetadataPolicy(true))).toBe(true);
  });

  it('keeps every member as given', () => {
    expect(
      resourceMetadataPolicy({
        resource: 'https://mcp.example.com/mcp',
        authorizationServers: ['https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123'],
        scopesSupported: ['mcp/tools', 'openid', 'https://api.example.com/orders.read'],
        resourceName: 'Example MCP server — résumé',
        resourceDocumentation: 'https://docs.example.com/mcp?lang=en#auth',
        resourcePolicyUri: 'https://example.com/privacy',
        resourceTosUri: 'https://example.com/terms',
        path: '/.well-known/oauth-protected-resource',
      }),
    ).toEqual({
      resource: 'https://mcp.example.com/mcp',
      resourceOrigin: 'https://mcp.example.com',
      resourceMetadataPath: `${WELL_KNOWN}/mcp`,
      authorizationServers: ['https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123'],
      scopesSupported: ['mcp/tools', 'openid', 'https://api.example.com/orders.read'],
      resourceName: 'Example MCP server — résumé',
      resourceDocumentation: 'https://docs.example.com/mcp?lang=en#auth',
      resourcePolicyUri: 'https://example.com/privacy',
      resourceTosUri: 'https://example.com/terms',
      path: WELL_KNOWN,
    });
  });

  it.each([
    ['https://api.example.com', 'https://api.example.com', WELL_KNOWN],
    ['https://api.example.com/', 'https://api.example.com', WELL_KNOWN],
    ['https://api.example.com:8443/mcp', 'https://api.example.com:8443', `${WELL_KNOWN}/mcp`],
    ['https://api.example.com/mcp/', 'https://api.example.com', `${WELL_KNOWN}/mcp/`],
    ['https://api.example.com/v1/mcp', 'https://api.example.com', `${WELL_KNOWN}/v1/mcp`],
    ['https://xn--bcher-kva.example/mcp', 'https://xn--bcher-kva.example', `${WELL_KNOWN}/mcp`],
    // loopback http, for local development and tests
    ['http://127.0.0.1:3000/mcp', 'http://127.0.0.1:3000', `${WELL_KNOWN}/mcp`],
    ['http://localhost:8080', 'http://localhost:8080', WELL_KNOWN],
    ['http://[::1]:8080/mcp', 'http://[::1]:8080', `${WELL_KNOWN}/mcp`],
  ])('the resource %s lives at %s%s (RFC 9728 §3.1)', (resource, origin, path) => {
    const policy = resourceMetadataPolicy({ resource });
    expect(policy?.resource).toBe(resource);
    expect(policy?.resourceOrigin).toBe(origin);
    expect(policy?.resourceMetadataPath).toBe(path);
  });

  it('takes a single string as a list, like every list option', () => {
    const policy = resourceMetadataPolicy({
      authorizationServers: 'https://idp.example.com' as never,
      scopesSupported: 'mcp' as never,
    });
    expect(policy?.authorizationServers).toEqual(['https://idp.example.com']);
    expect(policy?.scopesSupported).toEqual(['mcp']);
  });

  it('serves under another /.well-known/ path when told to', () => {
    const policy = resourceMetadataPolicy({
      path: '/.well-known/mcp-resource',
      resource: 'https://mcp.example.com/mcp',
    });
    expect(policy?.path).toBe('/.well-known/mcp-resource');
    expect(policy?.resourceMetadataPath).toBe('/.well-known/mcp-resource/mcp');
  });
});

describe('resourceMetadataPolicy option mistakes are TypeErrors naming the option', () => {
  const cases: [string, unknown, RegExp][] = [
    ['a string', 'yes', /^resourceMetadata must be true or an object/],
    ['a number', 1, /^resourceMetadata must be true or an object/],
    ['null', null, /^resourceMetadata must be true or an object/],
    ['an array', [], /^resourceMetadata must be true or an object/],
    [
      'a misspelt member',
      { resourse: 'https://api.example.com' },
      /^resourceMetadata: unknown option "resourse"; did you mean `resource`\?/,
    ],
    [
      'a member of another spelling',
      { scopes_supported: ['a'] },
      /^resourceMetadata: unknown option "scopes_supported"/,
    ],
  ];
  const member = (name: keyof ResourceMetadataOptions, values: unknown[], pattern?: RegExp) => {
    for (const value of values) {
      cases.push([
        `${name}: ${JSON.stringify(value)}`,
        { [name]: value },
        pattern ?? new RegExp(`^resourceMetadata\\.${name}`),
      ]);
    }
  };
  member('resource', [
    '',
    42,
    ['https://api.example.com'],
    'api.example.com/mcp',
    '/mcp',
    'not a url',
    'ftp://api.example.com/mcp',
    'ws://api.example.com/mcp',
    'http://api.example.com/mcp', // plain http beyond loopback
    'http://10.0.0.1/mcp',
    'http://0.0.0.0/mcp',
    'http://127.0.0.1.attacker.example/mcp',
    'https://api.example.com/mcp#section', // RFC 9728 §1.2: no fragment
    'https://api.example.com/mcp#',
    'https://api.example.com/mcp?tenant=a', // RFC 8707 §2: no query
    'https://api.example.com/mcp?',
    'https://API.example.com/mcp', // not as URL serialises it
    'HTTPS://api.example.com/mcp',
    'https://api.example.com:443/mcp',
    'https://api.example.com/a/../mcp',
    'https://api.example.com/./mcp',
    'https://api.example.com//mcp',
    'https://api.example.com/m cp',
    'https://api.example.com/m%20cp', // serialised, but percent-encoded
    'https://api.example.com/%2e%2e',
    'https://api.example.com/bücher',
    'https://api.example.com\\mcp',
    ' https://api.example.com/mcp',
  ]);
  member('authorizationServers', [
    [],
    [''],
    [42],
    'http://idp.example.com',
    ['https://idp.example.com', 'http://idp.example.com'],
    ['https://idp.example.com/?tenant=a'], // RFC 8414 §2: no query or fragment
    ['https://idp.example.com#x'],
    ['idp.example.com'],
  ]);
  member('scopesSupported', [
    [],
    [''],
    [42],
    ['orders read'], // RFC 6749 §3.3: one token, no space
    'orders read',
    ['a"b'],
    ['a\\b'],
    ['café'],
    ['a\tb'],
    ['a\u0000'],
  ]);
  member('resourceName', ['', 42, ['name']]);
  for (const link of ['resourceDocumentation', 'resourcePolicyUri', 'resourceTosUri'] as const) {
    member(link, ['', 'docs', '/docs', 'http://docs.example.com', 'javascript:alert(1)', 42]);
  }
  member('path', [
    '',
    42,
    'oauth-protected-resource',
    '/oauth-protected-resource', // not under /.well-known/ (RFC 8615 §3)
    '/api/.well-known/oauth-protected-resource',
    '/.well-known/',
    '/.well-known/oauth-protected-resource/',
    '/.well-known//oauth-protected-resource',
    '/.well-known/../oauth-protected-resource',
    '/.well-known/%2e%2e/x',
    '/.well-known/oauth protected resource',
    '/.well-known/oauth-protected-resource?x',
    '/.well-known/oauth-protected-resource#x',
  ]);

  it.each(cases)('%s', (_name, options, pattern) => {
    expect(() => resourceMetadataPolicy(options as ResourceMetadataOptions)).toThrow(TypeError);
    expect(() => resourceMetadataPolicy(options as ResourceMetadataOptions)).toThrow(pattern);
  });

  it('does not echo credentials in a URL', () => {
    let message = '';
    try {
      resourceMetadataPolicy({ resource: 'https://user:s3cret@api.example.com/mcp' });
    } catch (error) {
      message = (error as TypeError).message;
    }
    expect(message).toMatch(/^resourceMetadata\.resource must not contain credentials/);
    expect(message).not.toContain('s3cret');
  });

  it('names the serialised form of a resource written another way', () => {
    expect(() => resourceMetadataPolicy({ resource: 'https://API.Example.com:443/mcp' })).toThrow(
      /e\.g\. "https:\/\/api\.example\.com\/mcp"/,
    );
  });
});
