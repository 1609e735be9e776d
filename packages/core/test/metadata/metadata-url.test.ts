// The URLs that lead to a resource's metadata: RFC 9728 §3.1's insertion of the well-known path,
// and the `resource_metadata` parameter of the challenges (§5.1).
import { describe, expect, it } from 'vitest';
import { matchMetadataPath } from '../../src/metadata/metadata-path.js';
import {
  challengeMetadataUrl,
  isResourceOrigin,
  protectedResourceMetadata,
  resourceMetadataUrl,
} from '../../src/metadata/resource-metadata.js';
import { resourceMetadataPolicy } from '../../src/metadata/resource-metadata-options.js';

const WELL_KNOWN = '/.well-known/oauth-protected-resource';
const ORIGIN = 'https://api.example.com';

/** The document a request for `url` gets from a gate with `resourceMetadata: true`. */
function documentAt(url: string) {
  const { origin, pathname } = new URL(url);
  return protectedResourceMetadata({
    options: resourceMetadataPolicy(true)!,
    origin,
    requestPath: pathname,
    issuers: ['https://idp.example.com'],
    bearerMethods: ['header'],
    dpopRequired: false,
    mtls: false,
  });
}

describe('resourceMetadataUrl', () => {
  it.each([
    ['https://api.example.com', '', `https://api.example.com${WELL_KNOWN}`],
    ['https://api.example.com', '/', `https://api.example.com${WELL_KNOWN}`],
    ['https://mcp.example.com', '/mcp', `https://mcp.example.com${WELL_KNOWN}/mcp`],
    [
      'https://mcp.example.com:8443',
      '/v1/mcp/',
      `https://mcp.example.com:8443${WELL_KNOWN}/v1/mcp/`,
    ],
    ['http://127.0.0.1:3000', '/mcp', `http://127.0.0.1:3000${WELL_KNOWN}/mcp`],
  ])('%s + %j → %s (RFC 9728 §3.1)', (origin, path, url) => {
    expect(resourceMetadataUrl(origin, path)).toBe(url);
  });

  it('inserts a configured well-known path', () => {
    expect(resourceMetadataUrl(ORIGIN, '/mcp', '/.well-known/mcp-resource')).toBe(
      `${ORIGIN}/.well-known/mcp-resource/mcp`,
    );
  });

  it('is the URL whose document describes that very resource (RFC 9728 §3.3)', () => {
    for (const resource of [
      'https://api.example.com',
      'https://mcp.example.com/mcp',
      'https://mcp.example.com/a/b/',
      'http://127.0.0.1:3000/mcp',
    ]) {
      const url = new URL(resource);
      const path = url.pathname === '/' ? '' : url.pathname;
      const metadataUrl = resourceMetadataUrl(url.origin, path);
      expect(documentAt(metadataUrl)?.resource).toBe(resource);
      expect(matchMetadataPath(new URL(metadataUrl).pathname)).toEqual({ resourcePath: path });
    }
  });

  it.each([
    ['http://api.example.com', ''],
    ['https://api.example.com/', ''],
    ['https://api.example.com/mcp', ''],
    ['not an origin', ''],
    [ORIGIN, 'mcp'],
    [ORIGIN, '//mcp'],
    [ORIGIN, '/../admin'],
    [ORIGIN, '/%2e%2e'],
    [ORIGIN, '/mcp?x'],
    [ORIGIN, '/mcp#x'],
    [ORIGIN, '/a"b'],
  ])('refuses the origin %j with the path %j', (origin, path) => {
    expect(() => resourceMetadataUrl(origin, path)).toThrow(TypeError);
  });
});

describe('challengeMetadataUrl', () => {
  it("points at the configured resource's document, else at the origin's", () => {
    const mcp = resourceMetadataPolicy({ resource: 'https://mcp.example.com/mcp' })!;
    expect(challengeMetadataUrl(mcp, 'http://10.0.0.7:8080')).toBe(
      `https://mcp.example.com${WELL_KNOWN}/mcp`,
    );
    const plain = resourceMetadataPolicy(true)!;
    expect(challengeMetadataUrl(plain, ORIGIN)).toBe(`${ORIGIN}${WELL_KNOWN}`);
    const custom = resourceMetadataPolicy({ path: '/.well-known/mcp-resource' })!;
    expect(challengeMetadataUrl(custom, ORIGIN)).toBe(`${ORIGIN}/.well-known/mcp-resource`);
  });

  it('points nowhere for an origin whose document would not be served', () => {
    const plain = resourceMetadataPolicy(true)!;
    for (const origin of ['http://api.example.com', 'https://api.example.com/', '']) {
      expect(challengeMetadataUrl(plain, origin)).toBeUndefined();
    }
  });
});

describe('isResourceOrigin', () => {
  it('accepts serialised https origins and loopback http ones', () => {
    expect(
      ['https://a.example', 'https://a.example:8443', 'http://127.0.0.1:1', 'http://localhost'].map(
        isResourceOrigin,
      ),
    ).toEqual([true, true, true, true]);
    expect(
      [
        'https://a.example/',
        'https://a.example:443',
        'http://a.example',
        'http://localhost.',
        'http://0.0.0.0',
        'https://A.example',
        42 as never,
      ].map(isResourceOrigin),
    ).toEqual([false, false, false, false, false, false, false]);
  });
});
