// The `htu` comparison (RFC 9449 §4.3 check 9): syntax- and scheme-based normalization of
// RFC 3986 §6.2.2–6.2.3, query and fragment ignored, and nothing outside http(s) URIs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeHttpUrl } from '../../src/dpop/htu.js';

describe('normalizeHttpUrl', () => {
  it.each([
    ['https://api.example.com/orders', 'https://api.example.com/orders'],
    // §6.2.2.1: scheme and host are case-insensitive; the path is not.
    ['HTTPS://API.Example.COM/Orders', 'https://api.example.com/Orders'],
    // §6.2.3: default port, empty port, empty path.
    ['https://api.example.com:443/a', 'https://api.example.com/a'],
    ['http://api.example.com:80/a', 'http://api.example.com/a'],
    ['https://api.example.com:/a', 'https://api.example.com/a'],
    ['https://api.example.com', 'https://api.example.com/'],
    ['https://api.example.com:0443/a', 'https://api.example.com/a'],
    ['https://api.example.com:8443/a', 'https://api.example.com:8443/a'],
    ['http://api.example.com:443/a', 'http://api.example.com:443/a'],
    // RFC 9449 §4.3: query and fragment are not compared.
    ['https://api.example.com/a?x=1#f', 'https://api.example.com/a'],
    ['https://api.example.com?x=/y', 'https://api.example.com/'],
    ['https://api.example.com#/y', 'https://api.example.com/'],
    // §6.2.2.2: unreserved characters decoded, other encodings in uppercase hex.
    ['https://api.example.com/%7euser/%61', 'https://api.example.com/~user/a'],
    ['https://api.example.com/a%2fb%3A', 'https://api.example.com/a%2Fb%3A'],
    ['https://%41PI.example.com/', 'https://api.example.com/'],
    // §6.2.2.3: dot segments, also when percent-encoded.
    ['https://api.example.com/a/./b/../c', 'https://api.example.com/a/c'],
    ['https://api.example.com/a/b/..', 'https://api.example.com/a/'],
    ['https://api.example.com/../../a', 'https://api.example.com/a'],
    ['https://api.example.com/a/%2E%2E/b', 'https://api.example.com/b'],
    ['https://api.example.com/a/.well-known/x', 'https://api.example.com/a/.well-known/x'],
    ['https://api.example.com//a//', 'https://api.example.com//a//'],
    // IPv6 literals keep their brackets, lowercased.
    ['http://[::1]:8080/x', 'http://[::1]:8080/x'],
    ['https://[2001:DB8::1]/x', 'https://[2001:db8::1]/x'],
    ['http://127.0.0.1:3000/x', 'http://127.0.0.1:3000/x'],
  ])('%s is %s', (input, expected) => {
    expect(normalizeHttpUrl(input)).toBe(expected);
  });

  it.each([
    ['another scheme', 'ftp://api.example.com/a'],
    ['a relative reference', '/orders'],
    ['no authority', 'https:api.example.com/a'],
    ['an empty host', 'https:///a'],
    ['userinfo', 'https://user@api.example.com/a'],
    ['userinfo with a password', 'https://user:pw@api.example.com/a'],
    ['a port that is not a number', 'https://api.example.com:44x/a'],
    ['a port past 65535', 'https://api.example.com:65536/a'],
    ['a broken percent-encoding', 'https://api.example.com/a%2'],
    ['a percent sign', 'https://api.example.com/100%/a'],
    ['a space', 'https://api.example.com/a b'],
    ['a backslash', 'https://api.example.com\\a'],
    ['a tab', 'https://api.example.com/a\tb'],
    ['a non-ASCII host', 'https://bücher.example/a'],
    ['a non-ASCII path', 'https://api.example.com/ä'],
    ['an IPvFuture literal', 'http://[v1.x]/a'],
    ['a zone identifier', 'http://[fe80::1%25eth0]/a'],
    ['an unclosed IPv6 literal', 'http://[::1/a'],
    ['junk after an IPv6 literal', 'http://[::1]x/a'],
    ['an empty string', ''],
  ])('refuses %s', (_name, input) => {
    expect(normalizeHttpUrl(input)).toBeUndefined();
  });

  it('tells apart what RFC 3986 calls different', () => {
    const base = normalizeHttpUrl('https://api.example.com/orders');
    for (const other of [
      'http://api.example.com/orders',
      'https://api.example.com:8443/orders',
      'https://other.example.com/orders',
      'https://api.example.com/Orders',
      'https://api.example.com/orders/',
      'https://api.example.com/orders%2F',
      'https://api.example.com.//orders',
    ]) {
      expect(normalizeHttpUrl(other), other).not.toBe(base);
    }
  });

  it('is idempotent and never throws, whatever the input', () => {
    const piece = fc.constantFrom(
      'http://',
      'HTTPS://',
      'a',
      'B',
      '.',
      '..',
      '/',
      '%2e',
      '%7E',
      '%2f',
      '%',
      ':',
      '443',
      '80',
      '[',
      ']',
      '::1',
      '?',
      '#',
      '@',
      ' ',
      'é',
      '\\',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 16 }), fc.string(), (pieces, tail) => {
        for (const input of [pieces.join(''), `https://${pieces.join('')}`, tail]) {
          const once = normalizeHttpUrl(input);
          if (once !== undefined) expect(normalizeHttpUrl(once)).toBe(once);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
