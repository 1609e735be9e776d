// Minimal X.509 v3 certificates (RFC 5280 §4.1) built with a few DER helpers, so tests need
// neither openssl nor fixture files that expire: a self-signed certificate for an attacker's
// `x5c`, a TLS server certificate for 127.0.0.1, a client certificate for mutual TLS (RFC 8705
// §2.2 self-signed, or issued by a test CA). RSA, EC (P-256/384/521) and Ed25519 keys.
import { createPublicKey, sign as cryptoSign, X509Certificate, type KeyObject } from 'node:crypto';
import { isIPv4 } from 'node:net';

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest >>>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One DER TLV (X.690 §8.1): tag, definite length, contents. */
export const tlv = (tag: number, ...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
};
export const sequence = (...parts: Buffer[]): Buffer => tlv(0x30, ...parts);
const set = (...parts: Buffer[]): Buffer => tlv(0x31, ...parts);
const oid = (hex: string): Buffer => tlv(0x06, Buffer.from(hex, 'hex'));
const utf8 = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));
const bitString = (bytes: Buffer): Buffer => tlv(0x03, Buffer.from([0]), bytes);
const octetString = (bytes: Buffer): Buffer => tlv(0x04, bytes);
const TRUE = tlv(0x01, Buffer.from([0xff]));

/** A non-negative INTEGER, with the leading zero X.690 §8.3 asks for when the high bit is set. */
function integer(value: number): Buffer {
  const bytes: number[] = [];
  for (let rest = value; bytes.length === 0 || rest > 0; rest = Math.floor(rest / 256)) {
    bytes.unshift(rest % 256);
  }
  if (bytes[0]! >= 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

// 2.5.4.3 commonName
const COMMON_NAME = oid('550403');
const name = (commonName: string): Buffer => sequence(set(sequence(COMMON_NAME, utf8(commonName))));

function utcTime(date: Date): Buffer {
  const iso = date.toISOString(); // 2026-01-02T03:04:05.000Z
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

/** The signature AlgorithmIdentifier and digest for a signing key (RFC 4055 §5, RFC 5758 §3.2, RFC 8410 §3). */
function signatureAlgorithm(key: KeyObject): { identifier: Buffer; digest: string | null } {
  switch (key.asymmetricKeyType) {
    case 'rsa': // sha256WithRSAEncryption, NULL parameters
      return { identifier: sequence(oid('2a864886f70d01010b'), tlv(0x05)), digest: 'sha256' };
    case 'ec': // ecdsa-with-SHA256, parameters absent
      return { identifier: sequence(oid('2a8648ce3d040302')), digest: 'sha256' };
    case 'ed25519': // id-Ed25519, parameters absent
      return { identifier: sequence(oid('2b6570')), digest: null };
    default:
      throw new Error(`no signature algorithm for a ${key.asymmetricKeyType} key`);
  }
}

/** A GeneralName (RFC 5280 §4.2.1.6): iPAddress [7] for an IPv4 literal, else dNSName [2]. */
function generalName(host: string): Buffer {
  if (isIPv4(host)) return tlv(0x87, Buffer.from(host.split('.').map(Number)));
  return tlv(0x82, Buffer.from(host, 'ascii'));
}

function extensions(options: CertificateOptions): Buffer[] {
  const list: Buffer[] = [];
  if (options.ca === true) {
    // basicConstraints (2.5.29.19), critical, cA TRUE (RFC 5280 §4.2.1.9)
    list.push(sequence(oid('551d13'), TRUE, octetString(sequence(TRUE))));
  }
  if (options.altNames !== undefined && options.altNames.length > 0) {
    // subjectAltName (2.5.29.17) (RFC 5280 §4.2.1.6)
    list.push(sequence(oid('551d11'), octetString(sequence(...options.altNames.map(generalName)))));
  }
  return list.length === 0 ? [] : [tlv(0xa3, sequence(...list))];
}

export interface CertificateOptions {
  /** The subject's common name. */
  readonly commonName: string;
  /** The key the certificate certifies. */
  readonly publicKey: KeyObject;
  /** The key that signs it: the subject's own private key for a self-signed certificate. */
  readonly signingKey: KeyObject;
  /** The issuer's common name; the subject's when absent (self-issued). */
  readonly issuerName?: string;
  readonly serialNumber?: number;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Adds basicConstraints cA=TRUE, for a test CA. */
  readonly ca?: boolean;
  /** DNS names and IPv4 literals for subjectAltName (a TLS server's, e.g. `127.0.0.1`). */
  readonly altNames?: readonly string[];
}

/** A DER X.509 v3 certificate; throws unless node parses it and its signature verifies. */
export function createCertificate(options: CertificateOptions): Buffer {
  const { identifier, digest } = signatureAlgorithm(options.signingKey);
  const now = Date.now();
  const tbs = sequence(
    tlv(0xa0, integer(2)), // [0] EXPLICIT version v3
    integer(options.serialNumber ?? 1),
    identifier,
    name(options.issuerName ?? options.commonName),
    sequence(
      utcTime(options.notBefore ?? new Date(now - 86_400_000)),
      utcTime(options.notAfter ?? new Date(now + 86_400_000)),
    ),
    name(options.commonName),
    options.publicKey.export({ type: 'spki', format: 'der' }),
    ...extensions(options),
  );
  const certificate = sequence(
    tbs,
    identifier,
    bitString(cryptoSign(digest, tbs, options.signingKey)),
  );
  if (!new X509Certificate(certificate).verify(createPublicKey(options.signingKey))) {
    throw new Error('the hand-built certificate does not verify');
  }
  return certificate;
}

/** A self-signed certificate for `commonName`; throws unless node can parse and verify it. */
export function selfSignedCertificate(
  privateKey: KeyObject,
  publicKey: KeyObject,
  commonName: string,
): Buffer {
  return createCertificate({ commonName, publicKey, signingKey: privateKey });
}

/** The PEM form (RFC 7468 §2, §5.1) OpenSSL writes: 64-character lines, each ending in LF. */
export function certificatePem(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** The RFC 8705 §3.1 `x5t#S256` of a certificate, computed by node from its DER. */
export function certificateThumbprintOf(der: Uint8Array): string {
  const hex = new X509Certificate(der).fingerprint256.replaceAll(':', '');
  return Buffer.from(hex, 'hex').toString('base64url');
}
