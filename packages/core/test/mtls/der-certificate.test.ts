// The DER shape check both crypto backends share (RFC 5280 §4.1, X.690 §10): real certificates
// pass, and so do hand-built ones node:crypto also parses; every departure from the shape fails.
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isDerCertificate } from '../../src/mtls/der-certificate.js';
import { createCertificate, sequence, tlv } from '../../../../test/support/x509.js';

const bytes = (...values: number[]) => Buffer.from(values);
const ascii = (text: string) => Buffer.from(text, 'ascii');

const ECDSA_SHA256 = sequence(tlv(0x06, Buffer.from('2a8648ce3d040302', 'hex')));
const NAME = sequence(
  tlv(0x31, sequence(tlv(0x06, bytes(0x55, 0x04, 0x03)), tlv(0x0c, ascii('x')))),
);
const VALIDITY = sequence(tlv(0x17, ascii('250101000000Z')), tlv(0x18, ascii('20991231000000Z')));
const SPKI = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
  type: 'spki',
  format: 'der',
});
const VERSION_3 = tlv(0xa0, tlv(0x02, bytes(2)));
const SERIAL = tlv(0x02, bytes(0x01, 0x23));
const EXTENSIONS = tlv(
  0xa3,
  sequence(sequence(tlv(0x06, bytes(0x55, 0x1d, 0x13)), tlv(0x04, sequence()))),
);
const SIGNATURE = tlv(0x03, bytes(0, 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01));

/** A certificate from TBSCertificate fields (its signature is not checked here). */
const certificate = (fields: Buffer[], tail: Buffer[] = [ECDSA_SHA256, SIGNATURE]) =>
  sequence(sequence(...fields), ...tail);
const FIELDS = [VERSION_3, SERIAL, ECDSA_SHA256, NAME, VALIDITY, NAME, SPKI];

describe('isDerCertificate', () => {
  it('accepts real certificates of every key type, with and without extensions', () => {
    for (const [type, options] of [
      ['rsa', { modulusLength: 2048 }],
      ['ec', { namedCurve: 'P-384' }],
      ['ed25519', undefined],
    ] as const) {
      const pair = generateKeyPairSync(type as 'ec', options as { namedCurve: string });
      for (const extra of [{}, { ca: true, altNames: ['localhost', '127.0.0.1'] }]) {
        const der = createCertificate({
          commonName: type,
          publicKey: pair.publicKey,
          signingKey: pair.privateKey,
          ...extra,
        });
        expect(isDerCertificate(der)).toBe(true);
      }
    }
  });

  it.each([
    ['v3 with extensions', [...FIELDS, EXTENSIONS]],
    ['v1: no version field', FIELDS.slice(1)],
    [
      'issuer and subject unique IDs',
      [...FIELDS, tlv(0x81, bytes(0, 1)), tlv(0x82, bytes(0, 2)), EXTENSIONS],
    ],
    ['a subject unique ID alone', [...FIELDS, tlv(0x82, bytes(0, 2))]],
  ])('accepts %s, as node:crypto does', (_name, fields) => {
    const der = certificate(fields);
    expect(() => new X509Certificate(der)).not.toThrow();
    expect(isDerCertificate(der)).toBe(true);
  });

  it.each([
    ['nothing', Buffer.alloc(0)],
    ['an empty SEQUENCE', sequence()],
    ['a public key (SPKI)', SPKI],
    ['a trailing byte', Buffer.concat([certificate(FIELDS), bytes(0)])],
    ['a truncated certificate', certificate(FIELDS).subarray(0, -1)],
    ['no signature', sequence(sequence(...FIELDS), ECDSA_SHA256)],
    ['two signatures', certificate(FIELDS, [ECDSA_SHA256, SIGNATURE, SIGNATURE])],
    [
      'a signature that is an OCTET STRING',
      certificate(FIELDS, [ECDSA_SHA256, tlv(0x04, bytes(0, 1))]),
    ],
    [
      'a BIT STRING claiming 8 unused bits',
      certificate(FIELDS, [ECDSA_SHA256, tlv(0x03, bytes(8, 1))]),
    ],
    ['an empty BIT STRING', certificate(FIELDS, [ECDSA_SHA256, tlv(0x03, bytes(0))])],
    ['a signature algorithm without OID', certificate(FIELDS, [sequence(tlv(0x05)), SIGNATURE])],
    [
      'issuer and serial swapped',
      certificate([VERSION_3, ECDSA_SHA256, SERIAL, NAME, VALIDITY, NAME, SPKI]),
    ],
    ['no subject public key', certificate(FIELDS.slice(0, -1))],
    ['an empty serial', certificate([VERSION_3, tlv(0x02), ...FIELDS.slice(2)])],
    [
      'a version that is not an INTEGER',
      certificate([tlv(0xa0, tlv(0x04, bytes(2))), ...FIELDS.slice(1)]),
    ],
    [
      'validity with one time',
      certificate([
        ...FIELDS.slice(0, 4),
        sequence(tlv(0x17, ascii('250101000000Z'))),
        ...FIELDS.slice(5),
      ]),
    ],
    [
      'validity with three times',
      certificate([
        ...FIELDS.slice(0, 4),
        sequence(
          tlv(0x17, ascii('250101000000Z')),
          tlv(0x17, ascii('250101000000Z')),
          tlv(0x17, ascii('250101000000Z')),
        ),
        ...FIELDS.slice(5),
      ]),
    ],
    [
      'validity holding strings',
      certificate([
        ...FIELDS.slice(0, 4),
        sequence(tlv(0x0c, ascii('now')), tlv(0x0c, ascii('later'))),
        ...FIELDS.slice(5),
      ]),
    ],
    ['extensions twice', certificate([...FIELDS, EXTENSIONS, EXTENSIONS])],
    ['extensions before a unique ID', certificate([...FIELDS, EXTENSIONS, tlv(0x81, bytes(0, 1))])],
    ['an unknown field after the key', certificate([...FIELDS, tlv(0x30)])],
  ])('refuses %s', (_name, der) => {
    expect(isDerCertificate(der)).toBe(false);
  });

  it('refuses BER length forms and high tag numbers (X.690 §10.1)', () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const der = createCertificate({
      commonName: 'x',
      publicKey: pair.publicKey,
      signingKey: pair.privateKey,
    });
    expect(der.subarray(0, 2)).toEqual(bytes(0x30, 0x82)); // over 255 bytes: two length bytes
    const body = der.subarray(4);
    const size = body.length;
    const withLength = (...length: number[]) => Buffer.concat([bytes(0x30, ...length), body]);
    expect(isDerCertificate(withLength(0x82, size >> 8, size & 0xff))).toBe(true);
    // indefinite length with its end-of-contents octets, a leading zero length byte
    expect(isDerCertificate(Buffer.concat([withLength(0x80), bytes(0, 0)]))).toBe(false);
    expect(isDerCertificate(withLength(0x83, 0, size >> 8, size & 0xff))).toBe(false);
    expect(isDerCertificate(withLength(0x84, 0, 0, size >> 8, size & 0xff))).toBe(false);
    // a length running past the end
    expect(isDerCertificate(withLength(0x82, (size + 1) >> 8, (size + 1) & 0xff))).toBe(false);
    // the long form for a length under 128
    const longSerial = Buffer.concat([bytes(0x02, 0x81, 0x01), bytes(1)]);
    expect(isDerCertificate(certificate([VERSION_3, longSerial, ...FIELDS.slice(2)]))).toBe(false);
    expect(
      isDerCertificate(certificate([VERSION_3, tlv(0x02, bytes(1)), ...FIELDS.slice(2)])),
    ).toBe(true);
    // a high tag number form (0x1f) where the serial is
    const highTag = bytes(0x1f, 0x02, 0x01, 0x01);
    expect(isDerCertificate(certificate([VERSION_3, highTag, ...FIELDS.slice(2)]))).toBe(false);
  });

  it('never throws on random bytes or on truncations of a real certificate', () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = createCertificate({
      commonName: 'x',
      publicKey: pair.publicKey,
      signingKey: pair.privateKey,
    });
    for (let end = 0; end < der.length; end += 1) {
      expect(isDerCertificate(der.subarray(0, end))).toBe(false);
    }
    let accepted = 0;
    for (let round = 0; round < 2000; round += 1) {
      const mutated = Buffer.from(der);
      const at = round % der.length;
      mutated[at] = mutated[at]! ^ (1 + (round % 255));
      if (isDerCertificate(mutated)) accepted += 1;
    }
    // Flips inside names, keys and signatures keep the shape; the bytes still differ, and so
    // does their thumbprint. Flips in tags and lengths break it.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(2000);
  });
});
