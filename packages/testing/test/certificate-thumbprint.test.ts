import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { x509Thumbprint } from '../src/index.js';
import {
  certificatePem,
  certificateThumbprintOf,
  selfSignedCertificate,
} from '../../../test/support/x509.js';

function clientCertificate(type: 'ec' | 'ed25519' = 'ec'): Buffer {
  const { privateKey, publicKey } =
    type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('ed25519');
  return selfSignedCertificate(privateKey, publicKey, 'tokengate-test-client');
}

describe('x509Thumbprint()', () => {
  it('is the RFC 8705 §3.1 x5t#S256 of PEM, DER and X509Certificate alike', () => {
    for (const der of [clientCertificate('ec'), clientCertificate('ed25519')]) {
      // Differential: node's own SHA-256 fingerprint of the certificate.
      const expected = certificateThumbprintOf(der);
      expect(x509Thumbprint(der)).toBe(expected);
      expect(x509Thumbprint(new Uint8Array(der))).toBe(expected);
      expect(x509Thumbprint(certificatePem(der))).toBe(expected);
      expect(x509Thumbprint(certificatePem(der).replaceAll('\n', '\r\n'))).toBe(expected);
      expect(x509Thumbprint(new X509Certificate(der))).toBe(expected);
      expect(expected).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
  });

  it('tells certificates apart', () => {
    expect(x509Thumbprint(clientCertificate())).not.toBe(x509Thumbprint(clientCertificate()));
  });

  it('refuses input that is not exactly one certificate with TypeError', () => {
    const der = clientCertificate();
    const pem = certificatePem(der);
    const cases: unknown[] = [
      '',
      'not a certificate',
      x509Thumbprint(der), // a thumbprint is not a certificate; use { x5tS256 } for that
      pem + pem,
      pem.replace('CERTIFICATE-----', 'PUBLIC KEY-----'),
      new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]),
      der.subarray(0, der.length - 10),
      42,
      null,
      { raw: der },
    ];
    for (const input of cases) {
      expect(() => x509Thumbprint(input as string), String(input).slice(0, 40)).toThrow(TypeError);
    }
  });
});
