// Client certificates a TLS-terminating proxy forwards in a header (RFC 8705 §3), as the AWS
// ALB and nginx write them (Envoy's XFCC: xfcc.test.ts), and what a hostile or broken header
// gets: a typed 400.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  certificateThumbprint,
  clientCertificatePolicy,
  type ClientCertificateSource,
} from '../../src/mtls/client-certificate.js';
import { MAX_CERTIFICATE_HEADER_LENGTH } from '../../src/mtls/certificate-header.js';
import { byteSequence } from '../../src/mtls/byte-sequence.js';
import { certificatePem } from '../../../../test/support/x509.js';
import {
  albEncode,
  chainPem,
  envoyEncode,
  expected,
  expectMalformed,
  intermediate,
  leaf,
  leafPem,
  mutationOutcomes,
  nginxEncode,
  root,
  thumbprint,
} from './header-fixtures.js';

const ALB = clientCertificatePolicy({ header: 'X-Amzn-Mtls-Clientcert', format: 'aws-alb' });
const NGINX = clientCertificatePolicy({ header: 'X-SSL-Client-Cert', format: 'url-encoded-pem' });

it('has fixtures that exercise the escapes: base64 holding `+`, `/` and padding', () => {
  expect(chainPem).toMatch(/\+/);
  expect(chainPem).toMatch(/\//);
});

describe('the AWS ALB header (mutual TLS passthrough and verify)', () => {
  it('reads the leaf, the first of the chain', async () => {
    const value = albEncode(chainPem);
    expect(value).toMatch(/^-----BEGIN%20CERTIFICATE-----%0AM/);
    expect(await thumbprint(ALB, ['Host', 'api', 'X-Amzn-Mtls-Clientcert', value])).toBe(expected);
  });

  it('reads the verify mode leaf header, any header name in any case', async () => {
    const leafOnly = clientCertificatePolicy({
      header: 'x-amzn-mtls-clientcert-leaf',
      format: 'aws-alb',
    });
    expect(await thumbprint(leafOnly, ['X-AMZN-MTLS-CLIENTCERT-LEAF', albEncode(leafPem)])).toBe(
      expected,
    );
  });

  it('gives undefined without the header or with an empty one', () => {
    expect(thumbprint(ALB, ['Authorization', 'Bearer x'])).toBeUndefined();
    expect(thumbprint(ALB, ['X-Amzn-Mtls-Clientcert', ''])).toBeUndefined();
    expect(thumbprint(ALB, ['X-Amzn-Mtls-Clientcert', '  '])).toBeUndefined();
  });

  it('reads only the header it names, never the socket', async () => {
    const socket = { encrypted: true, getPeerCertificate: () => ({ raw: root }) };
    expect(certificateThumbprint(ALB, { rawHeaders: [], socket })).toBeUndefined();
    expect(
      await certificateThumbprint(ALB, {
        rawHeaders: ['x-amzn-mtls-clientcert', albEncode(leafPem)],
        socket,
      }),
    ).toBe(expected);
  });

  it('refuses a chain with a broken certificate after the leaf', () => {
    const broken = leafPem + certificatePem(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]));
    expectMalformed(ALB, ['x-amzn-mtls-clientcert', albEncode(broken)], 'not a certificate');
  });

  it('reads a chain of ten certificates, and refuses eleven', async () => {
    const ten = leafPem + certificatePem(intermediate).repeat(9);
    expect(await thumbprint(ALB, ['x-amzn-mtls-clientcert', albEncode(ten)])).toBe(expected);
    const eleven = leafPem + certificatePem(intermediate).repeat(10);
    expectMalformed(ALB, ['x-amzn-mtls-clientcert', albEncode(eleven)], 'PEM');
  });
});

describe("nginx's $ssl_client_escaped_cert, in a header the user names", () => {
  it('reads one URL-encoded PEM certificate', async () => {
    expect(await thumbprint(NGINX, ['X-SSL-Client-Cert', nginxEncode(leafPem)])).toBe(expected);
  });

  it('reads CRLF line ends and unwrapped base64', async () => {
    const crlf = leafPem.replace(/\n/g, '\r\n');
    const oneLine = `-----BEGIN CERTIFICATE-----${leaf.toString('base64')}-----END CERTIFICATE-----`;
    expect(await thumbprint(NGINX, ['x-ssl-client-cert', nginxEncode(crlf)])).toBe(expected);
    expect(await thumbprint(NGINX, ['x-ssl-client-cert', nginxEncode(oneLine)])).toBe(expected);
  });

  it('refuses a chain: one certificate only', () => {
    expectMalformed(NGINX, ['x-ssl-client-cert', nginxEncode(chainPem)], 'PEM');
  });
});

describe('RFC 9440 Client-Cert: the DER certificate as a Structured Field Byte Sequence', () => {
  const RFC9440 = clientCertificatePolicy({ header: 'Client-Cert', format: 'rfc9440' });
  const field = (der: Buffer) => `:${der.toString('base64')}:`;
  /** A prefix of the certificate that needs `==` padding, to spell it other ways. */
  const short = leaf.subarray(0, leaf.length - (leaf.length % 3) - 2);

  it('reads the leaf: the same thumbprint as the PEM headers give', async () => {
    expect(field(leaf)).toMatch(/^:[A-Za-z0-9+/]+=*:$/);
    expect(await thumbprint(RFC9440, ['Client-Cert', field(leaf)])).toBe(expected);
    expect(await thumbprint(RFC9440, ['client-cert', ` ${field(leaf)}  `])).toBe(expected);
    expect(await thumbprint(NGINX, ['X-SSL-Client-Cert', nginxEncode(leafPem)])).toBe(expected);
  });

  it('gives undefined without the header or with an empty one', () => {
    expect(thumbprint(RFC9440, [])).toBeUndefined();
    expect(thumbprint(RFC9440, ['Client-Cert', ''])).toBeUndefined();
    expect(thumbprint(RFC9440, ['Client-Cert', '   '])).toBeUndefined();
  });

  it('decodes as RFC 8941 §4.2.7 asks: missing padding and pad bits do not fail', async () => {
    // Neither changes the decoded bytes, and the binding is to those bytes (RFC 8705 §3.1).
    const unpadded = `:${short.toString('base64').replace(/=+$/, '')}:`;
    const noisyPadBits = `:${short
      .toString('base64')
      .replace(/A==$/, 'B==')
      .replace(/Q==$/, 'R==')
      .replace(/g==$/, 'h==')
      .replace(/w==$/, 'x==')}:`;
    expect(noisyPadBits).not.toBe(`:${short.toString('base64')}:`);
    for (const value of [unpadded, noisyPadBits]) {
      expect(Buffer.from(byteSequence(value)!)).toEqual(short);
      // A prefix of a certificate is not one: it got past the Byte Sequence to the DER check.
      expectMalformed(RFC9440, ['Client-Cert', value], 'not a certificate');
    }
    const bare = leaf.toString('base64').replace(/=+$/, '');
    expect(await thumbprint(RFC9440, ['Client-Cert', `:${bare}:`])).toBe(expected);
  });

  it.each([
    ['PEM instead of DER', () => leafPem],
    ['URL-encoded PEM', () => nginxEncode(leafPem)],
    ['no colons', () => leaf.toString('base64')],
    ['one colon', () => `:${leaf.toString('base64')}`],
    ['base64url instead of base64', () => `:${leaf.toString('base64url')}:`],
    ['a space inside', () => `:${leaf.toString('base64').replace(/^(.{20})/, '$1 ')}:`],
    ['a line break inside', () => `:${leaf.toString('base64').replace(/^(.{20})/, '$1\n')}:`],
    ['parameters, which RFC 9440 does not define', () => `${field(leaf)};hash=sha256`],
    ['a list of two', () => `${field(leaf)}, ${field(leaf)}`],
    ['a string item', () => `"${leaf.toString('base64')}"`],
    ['padding in the middle', () => `:${leaf.toString('base64').replace(/^(.{8})./, '$1=')}:`],
    ['one character past whole quanta', () => `:${leaf.toString('base64').replace(/=+$/, '')}A:`],
    ['anything outside ASCII', () => `:${leaf.toString('base64')}\u00e9:`],
  ])('refuses %s', (_name, value) => {
    expectMalformed(RFC9440, ['Client-Cert', value()], 'byte sequence');
  });

  it.each([
    ['DER with a trailing byte', () => Buffer.concat([leaf, Buffer.from([0])])],
    ['a truncated certificate', () => leaf.subarray(0, leaf.length - 1)],
    ['a DER INTEGER', () => Buffer.from([2, 1, 1])],
    ['nothing', () => Buffer.alloc(0)],
  ])('refuses %s', (_name, der) => {
    expectMalformed(RFC9440, ['Client-Cert', field(der())], 'not a certificate');
  });

  it('refuses two header lines and a header over 32 KiB', () => {
    expectMalformed(
      RFC9440,
      ['Client-Cert', field(leaf), 'CLIENT-CERT', field(leaf)],
      'repeated header',
    );
    const huge = field(leaf) + ' '.repeat(MAX_CERTIFICATE_HEADER_LENGTH);
    expectMalformed(RFC9440, ['Client-Cert', huge], 'too large');
  });

  it('answers every mutation with a thumbprint, undefined, or a TokengateError', async () => {
    const outcomes = await mutationOutcomes(RFC9440, field(leaf), ':=;,+/ ', 0x1f123bb5);
    expect(outcomes.get('CERTIFICATE_HEADER_MALFORMED')).toBeGreaterThan(1000);
    expect(
      [...outcomes.keys()].every((key) =>
        ['CERTIFICATE_HEADER_MALFORMED', 'same', 'other', 'none'].includes(key),
      ),
    ).toBe(true);
  });
});

describe('hostile headers', () => {
  const asIs = (encoded: string) => encoded;
  const sources: readonly (readonly [
    string,
    ClientCertificateSource,
    (pem: string) => string,
    (encoded: string) => string,
  ])[] = [
    ['aws-alb', { header: 'x-amzn-mtls-clientcert', format: 'aws-alb' }, albEncode, asIs],
    [
      'envoy-xfcc',
      { header: 'x-forwarded-client-cert', format: 'envoy-xfcc' },
      envoyEncode,
      (encoded) => `By=spiffe://edge;Cert="${encoded}"`,
    ],
    [
      'url-encoded-pem',
      { header: 'x-ssl-client-cert', format: 'url-encoded-pem' },
      nginxEncode,
      asIs,
    ],
  ];
  const body = () => leaf.toString('base64');
  /** Base64 ending in `==`: a prefix of the certificate one byte past a multiple of three. */
  const padded = () => leaf.subarray(0, leaf.length - (leaf.length % 3) - 2).toString('base64');
  const pem = (base64: string) =>
    `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`;

  describe.each(sources)('%s', (_format, source, escape, wrap) => {
    const policy = clientCertificatePolicy(source);
    const encode = (text: string) => wrap(escape(text));
    const name = policy.header!;

    it('refuses two header lines, whichever the proxy wrote', () => {
      const value = encode(leafPem);
      expectMalformed(
        policy,
        [name, value, 'Accept', '*/*', name.toUpperCase(), value],
        'repeated header',
      );
      expectMalformed(policy, [name, value, name, ''], 'repeated header');
    });

    it('refuses a header over 32 KiB before decoding it', () => {
      const huge = encode(leafPem) + ' '.repeat(MAX_CERTIFICATE_HEADER_LENGTH);
      expectMalformed(policy, [name, huge], 'too large');
    });

    it.each([
      ['junk base64', () => pem(`${body().slice(0, 40)}*!${body().slice(42)}`), 'PEM'],
      ['base64url instead of base64', () => pem(leaf.toString('base64url')), 'PEM'],
      ['missing padding', () => pem(padded().replace(/=+$/, '')), 'PEM'],
      // RFC 4648 §3.5: the bits after the last byte are zero; `B` in `…B==` sets one of them.
      [
        'non-canonical bits before the padding',
        () =>
          pem(
            padded()
              .replace(/A==$/, 'B==')
              .replace(/Q==$/, 'R==')
              .replace(/g==$/, 'h==')
              .replace(/w==$/, 'x=='),
          ),
        'PEM',
      ],
      ['padding in the middle', () => pem(`${body().slice(0, 8)}=${body().slice(9)}`), 'PEM'],
      ['trailing garbage after the PEM', () => `${leafPem}garbage`, 'PEM'],
      ['text before the PEM', () => `subject=CN=x\n${leafPem}`, 'PEM'],
      ['another label', () => leafPem.replace(/CERTIFICATE/g, 'PUBLIC KEY'), 'PEM'],
      ['no END line', () => leafPem.replace('-----END CERTIFICATE-----', ''), 'PEM'],
      ['an empty block', () => pem(''), 'PEM'],
      [
        'DER with a trailing byte',
        () => pem(Buffer.concat([leaf, Buffer.from([0])]).toString('base64')),
        'not a certificate',
      ],
      [
        'a truncated certificate',
        () => pem(leaf.subarray(0, leaf.length - 1).toString('base64')),
        'not a certificate',
      ],
      [
        'a public key, not a certificate',
        () =>
          pem(
            generateKeyPairSync('ec', { namedCurve: 'P-256' })
              .publicKey.export({ type: 'spki', format: 'der' })
              .toString('base64'),
          ),
        'not a certificate',
      ],
      ['a DER INTEGER', () => pem('AgEB'), 'not a certificate'],
    ])('refuses %s', (_name, text, reason) => {
      expectMalformed(policy, [name, encode(text())], reason);
    });

    it('refuses bad percent-encoding and anything outside ASCII', () => {
      const value = escape(leafPem);
      for (const bad of [
        `${value}%`,
        `${value}%4`,
        `%G0${value}`,
        `${value}%C3%A9`,
        `${value}\u00e9`,
        `${value}%00`,
      ]) {
        expectMalformed(policy, [name, wrap(bad)], 'encoding');
      }
    });

    it('answers every mutation with a thumbprint, undefined, or a TokengateError', async () => {
      const outcomes = await mutationOutcomes(policy, encode(leafPem), '%,;="\\', 0x2545f491);
      expect(outcomes.get('CERTIFICATE_HEADER_MALFORMED')).toBeGreaterThan(1000);
      expect(
        [...outcomes.keys()].every((key) =>
          ['CERTIFICATE_HEADER_MALFORMED', 'same', 'other'].includes(key),
        ),
      ).toBe(true);
    });
  });
});
