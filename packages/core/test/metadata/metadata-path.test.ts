import { describe, expect, it } from 'vitest';
import {
  DEFAULT_METADATA_PATH,
  isPlainPath,
  matchMetadataPath,
  metadataPathOf,
} from '../../src/metadata/metadata-path.js';

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

describe('matchMetadataPath', () => {
  it('is the registered well-known path by default (RFC 9728 §3)', () => {
    expect(DEFAULT_METADATA_PATH).toBe(WELL_KNOWN);
  });

  it.each([
    [WELL_KNOWN, ''],
    [`${WELL_KNOWN}?`, ''],
    [`${WELL_KNOWN}?x=1&y=/../`, ''],
    [`${WELL_KNOWN}/mcp`, '/mcp'],
    [`${WELL_KNOWN}/mcp?session=1#not-a-fragment-in-a-query`, '/mcp'],
    [`${WELL_KNOWN}/api/v1/mcp`, '/api/v1/mcp'],
    [`${WELL_KNOWN}/mcp/`, '/mcp/'],
    [`${WELL_KNOWN}/a-b_c.d~e/x:y@z!$&'()*+,;=`, "/a-b_c.d~e/x:y@z!$&'()*+,;="],
    [`${WELL_KNOWN}/...`, '/...'],
    [`${WELL_KNOWN}/.mcp`, '/.mcp'],
  ])('%s is the document of the resource path %j', (target, resourcePath) => {
    expect(matchMetadataPath(target)).toEqual({ resourcePath });
  });

  it.each([
    // another name, another case, another place
    `${WELL_KNOWN}X`,
    `${WELL_KNOWN}-x`,
    `${WELL_KNOWN}.json`,
    '/.WELL-KNOWN/oauth-protected-resource',
    '/.well-known/OAUTH-PROTECTED-RESOURCE',
    '/.well-known/oauth-authorization-server',
    `//${WELL_KNOWN.slice(1)}`,
    `/x${WELL_KNOWN}`,
    WELL_KNOWN.slice(0, -1),
    `https://attacker.example${WELL_KNOWN}`,
    `http://127.0.0.1${WELL_KNOWN}/mcp`,
    '',
    '/',
    '*',
    // the root resource's document is the well-known path itself (RFC 9728 §3.1)
    `${WELL_KNOWN}/`,
    // empty and dot segments (RFC 3986 §3.3, §5.2.4)
    `${WELL_KNOWN}//mcp`,
    `${WELL_KNOWN}/mcp//x`,
    `${WELL_KNOWN}/mcp//`,
    `${WELL_KNOWN}/.`,
    `${WELL_KNOWN}/..`,
    `${WELL_KNOWN}/./mcp`,
    `${WELL_KNOWN}/../admin`,
    `${WELL_KNOWN}/mcp/..`,
    `${WELL_KNOWN}/mcp/../../admin`,
    `${WELL_KNOWN}/mcp/./`,
    // percent-encoding: dots, slashes, letters, anything
    `${WELL_KNOWN}/%2e%2e/admin`,
    `${WELL_KNOWN}/%2E%2E`,
    `${WELL_KNOWN}/.%2e`,
    `${WELL_KNOWN}/%2e`,
    `${WELL_KNOWN}/mcp%2f..%2fadmin`,
    `${WELL_KNOWN}/mcp%2Fadmin`,
    `${WELL_KNOWN}/%6dcp`,
    `${WELL_KNOWN}/m%20cp`,
    `${WELL_KNOWN}/%`,
    `${WELL_KNOWN}%2fmcp`,
    // backslashes (read as slashes by some servers and by WHATWG URL for http)
    `${WELL_KNOWN}\\mcp`,
    `${WELL_KNOWN}/mcp\\..\\admin`,
    `${WELL_KNOWN}/..\\admin`,
    // fragments, controls, spaces, non-ASCII, quotes
    `${WELL_KNOWN}#x`,
    `${WELL_KNOWN}/mcp#x`,
    `${WELL_KNOWN}/mcp\u0000`,
    `${WELL_KNOWN}/mcp\r\nx-injected: 1`,
    `${WELL_KNOWN}/m cp`,
    `${WELL_KNOWN}/m\u00e9`,
    `${WELL_KNOWN}/\u2025`,
    `${WELL_KNOWN}/a"b`,
    `${WELL_KNOWN}/a<b>`,
    `${WELL_KNOWN}/a|b`,
    `${WELL_KNOWN}/a[b]`,
    // too long to be a real resource path
    `${WELL_KNOWN}/${'a'.repeat(1024)}`,
  ])('%j is not a metadata path', (target) => {
    expect(matchMetadataPath(target)).toBeUndefined();
  });

  it('refuses what is not a string', () => {
    expect(matchMetadataPath(undefined as never)).toBeUndefined();
    expect(matchMetadataPath(['/.well-known/oauth-protected-resource'] as never)).toBeUndefined();
  });

  it('matches under another well-known path when one is configured', () => {
    const path = '/.well-known/mcp-resource';
    expect(matchMetadataPath('/.well-known/mcp-resource/mcp', path)).toEqual({
      resourcePath: '/mcp',
    });
    expect(matchMetadataPath(WELL_KNOWN, path)).toBeUndefined();
    expect(matchMetadataPath('/.well-known/mcp-resourceX', path)).toBeUndefined();
  });

  it('accepts a resource path right up to the length bound', () => {
    const longest = `/${'a'.repeat(1023)}`;
    expect(matchMetadataPath(`${WELL_KNOWN}${longest}`)).toEqual({ resourcePath: longest });
  });
});

describe('metadataPathOf', () => {
  it.each([
    ['', WELL_KNOWN],
    ['/', WELL_KNOWN],
    ['/mcp', `${WELL_KNOWN}/mcp`],
    ['/mcp/', `${WELL_KNOWN}/mcp/`],
    ['/a/b', `${WELL_KNOWN}/a/b`],
  ])('puts the resource path %j after the well-known path (RFC 9728 §3.1)', (path, expected) => {
    expect(metadataPathOf(path)).toBe(expected);
    if (path !== '/') expect(matchMetadataPath(expected)).toEqual({ resourcePath: path });
  });
});

describe('isPlainPath', () => {
  it('accepts the empty path and plain absolute paths only', () => {
    expect(['', '/a', '/a/b', '/a/'].map(isPlainPath)).toEqual([true, true, true, true]);
    expect(['/', 'a', '//a', '/a//b', '/./a', '/a/..', '/%41'].map(isPlainPath)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
