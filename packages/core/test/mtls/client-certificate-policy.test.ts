import { describe, expect, it } from 'vitest';
import {
  clientCertificatePolicy,
  type ClientCertificateSource,
} from '../../src/mtls/client-certificate.js';

describe('clientCertificatePolicy', () => {
  it('reads the TLS socket by default, and no header', () => {
    for (const source of [undefined, 'socket'] as const) {
      const policy = clientCertificatePolicy(source);
      expect(policy).toEqual({
        source: 'socket',
        header: undefined,
        format: undefined,
        headerNames: [],
      });
      expect(Object.isFrozen(policy)).toBe(true);
    }
  });

  it('reads a header only when named, its name in lower case', () => {
    const policy = clientCertificatePolicy({ header: 'X-Amzn-Mtls-Clientcert', format: 'aws-alb' });
    expect(policy).toEqual({
      source: 'header',
      header: 'x-amzn-mtls-clientcert',
      format: 'aws-alb',
      headerNames: ['x-amzn-mtls-clientcert'],
    });
    expect(Object.isFrozen(policy) && Object.isFrozen(policy.headerNames)).toBe(true);
    for (const format of ['aws-alb', 'envoy-xfcc', 'url-encoded-pem', 'rfc9440'] as const) {
      expect(clientCertificatePolicy({ header: 'ssl-client-cert', format }).format).toBe(format);
    }
  });

  it.each([
    [
      'a misspelt socket',
      'sockets',
      /^clientCertificate must be 'socket' or \{ header, format \}, got "sockets"$/,
    ],
    ['null', null, /^clientCertificate must be 'socket'/],
    ['an array', [], /^clientCertificate must be 'socket'.*an array$/],
    ['true', true, /^clientCertificate must be 'socket'.*true$/],
    ['no header', { format: 'aws-alb' }, /^clientCertificate\.header must be an HTTP header name/],
    ['an empty header', { header: '', format: 'aws-alb' }, /^clientCertificate\.header must be/],
    [
      'a header with a colon',
      { header: 'x-cert:', format: 'aws-alb' },
      /^clientCertificate\.header/,
    ],
    [
      'a header with a space',
      { header: 'x cert', format: 'aws-alb' },
      /^clientCertificate\.header/,
    ],
    [
      'no format',
      { header: 'x-cert' },
      /^clientCertificate\.format must be 'aws-alb', 'envoy-xfcc', 'url-encoded-pem' or 'rfc9440', got undefined$/,
    ],
    [
      'an unknown format',
      { header: 'x-cert', format: 'pem' },
      /^clientCertificate\.format .*got "pem"$/,
    ],
    [
      'a format in the wrong case',
      { header: 'x-cert', format: 'AWS-ALB' },
      /^clientCertificate\.format/,
    ],
    [
      'a misspelt key',
      { header: 'x-cert', format: 'aws-alb', fromat: 1 },
      /^clientCertificate: unknown option "fromat"; did you mean `format`\?$/,
    ],
  ])('refuses %s with a TypeError naming the option', (_name, source, message) => {
    expect(() => clientCertificatePolicy(source as ClientCertificateSource)).toThrow(TypeError);
    expect(() => clientCertificatePolicy(source as ClientCertificateSource)).toThrow(message);
  });

  it('names the path it is given', () => {
    expect(() =>
      clientCertificatePolicy(
        { header: 'x', format: 'x' } as never,
        'issuers[0].clientCertificate',
      ),
    ).toThrow(/^issuers\[0\]\.clientCertificate\.format must be/);
  });
});
