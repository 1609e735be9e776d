import { X509Certificate, createHash } from 'node:crypto';

/**
 * A client certificate in any form a test may hold it: PEM text, DER bytes, or a Node
 * `X509Certificate`.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import type { TestCertificate } from '@tokengate/testing';
 *
 * const certificate: TestCertificate = readFileSync('client.pem', 'utf8');
 * ```
 */
export type TestCertificate = string | Uint8Array | X509Certificate;

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/;

/**
 * The X.509 certificate SHA-256 thumbprint (`x5t#S256`, RFC 8705 §3.1, RFC 7515 §4.1.8): the
 * base64url SHA-256 digest of the certificate's DER encoding. It is the value a
 * certificate-bound access token carries in `cnf["x5t#S256"]`. PEM input must hold exactly one
 * certificate; input that does not parse as a certificate throws `TypeError`.
 *
 * @example
 * ```ts
 * import { X509Certificate } from 'node:crypto';
 * import { x509Thumbprint } from '@tokengate/testing';
 *
 * declare const pem: string; // e.g. from `openssl req -x509 …`
 * const x5tS256 = x509Thumbprint(new X509Certificate(pem));
 * ```
 */
export function x509Thumbprint(certificate: TestCertificate): string {
  return createHash('sha256').update(certificateDer(certificate)).digest('base64url');
}

/** The DER bytes of a certificate, checked to parse as one so a typo cannot bind to junk. */
export function certificateDer(certificate: TestCertificate): Uint8Array {
  if (certificate instanceof X509Certificate) return certificate.raw;
  let der: Uint8Array;
  if (typeof certificate === 'string') {
    const blocks = certificate.match(new RegExp(PEM_CERTIFICATE.source, 'g')) ?? [];
    const body = blocks.length === 1 ? PEM_CERTIFICATE.exec(certificate)?.[1] : undefined;
    if (body === undefined) {
      throw new TypeError('certificate must be a PEM text holding exactly one CERTIFICATE block');
    }
    der = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  } else if (certificate instanceof Uint8Array) {
    der = certificate;
  } else {
    throw new TypeError('certificate must be PEM text, DER bytes or an X509Certificate');
  }
  try {
    // Parsing proves the bytes are one certificate; `raw` is its exact DER encoding.
    return new X509Certificate(der).raw;
  } catch (cause) {
    throw new TypeError('certificate does not parse as an X.509 certificate', { cause });
  }
}
