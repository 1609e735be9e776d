// Percent-decoding, PEM and base64 as proxies write certificates: each decoder agrees with
// Node's where the input is canonical, and refuses every other spelling.
import { describe, expect, it } from 'vitest';
import {
  pemCertificates as pemBlocks,
  percentDecode as decodeBytes,
} from '../../src/mtls/pem-certificate.js';

/** The decoders take and give bytes; these tests speak text. */
const percentDecode = (value: string) => {
  const bytes = decodeBytes(value);
  return bytes === undefined ? undefined : Buffer.from(bytes).toString('latin1');
};
const pemCertificates = (text: string, maxBlocks: number) =>
  pemBlocks(Buffer.from(text, 'latin1'), maxBlocks);

const pem = (base64: string) =>
  `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`;
const sample = (length: number) =>
  Buffer.from(Array.from({ length }, (_, i) => (i * 151 + length) & 0xff));

describe('percentDecode', () => {
  it('decodes escapes in either case and keeps `+` a plus', () => {
    expect(percentDecode('a%0Ab%0ac%20d+e%2Bf%3D%3d')).toBe('a\nb\nc d+e+f==');
    expect(percentDecode('plain+/=')).toBe('plain+/=');
    expect(percentDecode('')).toBe('');
  });

  it('agrees with decodeURIComponent on encodeURIComponent of ASCII text', () => {
    const text =
      Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('') + '\n\r\t';
    expect(percentDecode(encodeURIComponent(text))).toBe(text);
  });

  it.each([
    ['a lone %', 'abc%'],
    ['one hex digit', 'abc%4'],
    ['a non-hex digit', '%4G'],
    ['a non-ASCII escape', '%C3%A9'],
    ['a raw non-ASCII character', 'caf\u00e9'],
    ['a NUL escape', '%00'],
    ['an escaped DEL', '%7F'],
    ['a raw control character', 'a\u0001b'],
    ['a raw line feed', 'a\nb'],
    ['a character past U+00FF in an escape', '%4\u0141'],
    ['a character past U+00FF', '\u0141'],
  ])('refuses %s', (_name, value) => {
    expect(percentDecode(value)).toBeUndefined();
  });
});

describe('pemCertificates', () => {
  it('decodes every length as Buffer does, with lines of any width or none', () => {
    for (let length = 1; length < 80; length += 1) {
      const bytes = sample(length);
      const base64 = bytes.toString('base64');
      for (const text of [
        pem(base64),
        pem(base64.replace(/(.{64})/g, '$1\n')),
        pem(base64.replace(/(.{4})/g, '$1\r\n')),
        `  ${pem(base64).replace(/\n/g, '\t\n')}  `,
      ]) {
        const blocks = pemCertificates(text, 1);
        expect(blocks?.map((block) => Buffer.from(block).toString('hex'))).toEqual([
          bytes.toString('hex'),
        ]);
      }
    }
  });

  it('reads several blocks in order, up to the limit', () => {
    const texts = [sample(10), sample(11), sample(12)].map((bytes) =>
      pem(bytes.toString('base64')),
    );
    expect(pemCertificates(texts.join(''), 3)?.map((block) => block.length)).toEqual([10, 11, 12]);
    expect(pemCertificates(texts.join('\n'), 3)).toHaveLength(3);
    expect(pemCertificates(texts.join(''), 2)).toBeUndefined();
  });

  it.each([
    ['nothing', ''],
    ['whitespace', ' \n '],
    ['no armor', sample(30).toString('base64')],
    ['text before', `x${pem('AAAA')}`],
    ['text after', `${pem('AAAA')}x`],
    ['another label', pem('AAAA').replace(/CERTIFICATE/g, 'X509 CRL')],
    ['a lowercase label', pem('AAAA').replace('BEGIN CERTIFICATE', 'begin certificate')],
    ['no END', '-----BEGIN CERTIFICATE-----\nAAAA\n'],
    ['an empty body', pem('')],
    ['a character outside the alphabet', pem('AA.A')],
    ['base64url characters', pem('AA-_')],
    ['a length of 4n+1', pem('AAAAA')],
    ['missing padding', pem('AAA')],
    ['too much padding', pem('AA===')],
    ['padding inside', pem('AA==AAAA')],
    ['non-zero bits after the last byte (one =)', pem('AAB=')],
    ['non-zero bits after the last byte (two =)', pem('AB==')],
    ['a nested BEGIN', `-----BEGIN CERTIFICATE-----\n${pem('AAAA')}`],
  ])('refuses %s', (_name, text) => {
    expect(pemCertificates(text, 3)).toBeUndefined();
  });
});
