// A minimal self-signed X.509 v3 certificate (RFC 5280 §4.1) built with a few DER helpers, so
// an `x5c` chain of the attacker's own key needs neither openssl nor a fixture file.
import { sign as cryptoSign, X509Certificate, type KeyObject } from 'node:crypto';

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest >>>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, ...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
};
const sequence = (...parts: Buffer[]): Buffer => tlv(0x30, ...parts);
const set = (...parts: Buffer[]): Buffer => tlv(0x31, ...parts);
const integer = (value: number): Buffer => tlv(0x02, Buffer.from([value]));
const utf8 = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));
const bitString = (bytes: Buffer): Buffer => tlv(0x03, Buffer.from([0]), bytes);

// 1.2.840.113549.1.1.11 sha256WithRSAEncryption, with NULL parameters (RFC 4055 §5).
const SHA256_WITH_RSA = sequence(
  Buffer.from('06092a864886f70d01010b', 'hex'),
  Buffer.from('0500', 'hex'),
);
// 2.5.4.3 commonName
const COMMON_NAME = Buffer.from('0603550403', 'hex');

function utcTime(date: Date): Buffer {
  const iso = date.toISOString(); // 2026-01-02T03:04:05.000Z
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

/** A self-signed RSA certificate for `commonName`; throws unless node can parse and verify it. */
export function selfSignedCertificate(
  privateKey: KeyObject,
  publicKey: KeyObject,
  commonName: string,
): Buffer {
  const name = sequence(set(sequence(COMMON_NAME, utf8(commonName))));
  const now = Date.now();
  const tbs = sequence(
    tlv(0xa0, integer(2)), // [0] EXPLICIT version v3
    integer(1),
    SHA256_WITH_RSA,
    name,
    sequence(utcTime(new Date(now - 86_400_000)), utcTime(new Date(now + 86_400_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const certificate = sequence(
    tbs,
    SHA256_WITH_RSA,
    bitString(cryptoSign('sha256', tbs, privateKey)),
  );
  if (!new X509Certificate(certificate).verify(publicKey)) {
    throw new Error('the hand-built certificate does not verify');
  }
  return certificate;
}
