// The shape of a DER X.509 certificate (RFC 5280 §4.1, X.690 §10), checked the same way on every
// runtime (Web Crypto has no X.509 parser, and both crypto backends must reach the same verdict).
// The thumbprint is taken over these exact bytes (RFC 8705 §3.1), so what matters is that they
// are one whole certificate and nothing else: no trailing bytes, no BER length forms, the
// fields of TBSCertificate in their order. Names, keys and extensions are not interpreted: the
// binding is to the bytes the authorization server saw, not to anything they say.

/** One TLV: its tag and where its contents start and end. */
interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const OBJECT_IDENTIFIER = 0x06;
const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;
const VERSION = 0xa0; // [0] EXPLICIT
const ISSUER_UNIQUE_ID = 0x81; // [1] IMPLICIT
const SUBJECT_UNIQUE_ID = 0x82; // [2] IMPLICIT
const EXTENSIONS = 0xa3; // [3] EXPLICIT

/**
 * Reads the TLV at `at`, which must end by `limit`. DER only (X.690 §10.1): definite lengths in
 * their shortest form, low tag numbers (every tag read here is one).
 */
function readTlv(bytes: Uint8Array, at: number, limit: number): Tlv | undefined {
  if (at + 2 > limit) return undefined;
  const tag = bytes[at]!;
  if ((tag & 0x1f) === 0x1f) return undefined;
  let length = bytes[at + 1]!;
  let start = at + 2;
  if (length >= 0x80) {
    const count = length & 0x7f;
    // 0x80 is BER's indefinite length; more than 3 length bytes is over 16 MiB.
    if (count === 0 || count > 3 || start + count > limit) return undefined;
    length = 0;
    for (let i = 0; i < count; i += 1) length = length * 256 + bytes[start + i]!;
    // Shortest form: no leading zero byte, and the long form only from 128 on.
    if (bytes[start] === 0 || length < 0x80) return undefined;
    start += count;
  }
  const end = start + length;
  return end > limit ? undefined : { tag, start, end };
}

/** An AlgorithmIdentifier: a SEQUENCE opening with an OID (RFC 5280 §4.1.1.2). */
function isAlgorithmIdentifier(bytes: Uint8Array, tlv: Tlv): boolean {
  if (tlv.tag !== SEQUENCE) return false;
  const algorithm = readTlv(bytes, tlv.start, tlv.end);
  return (
    algorithm !== undefined &&
    algorithm.tag === OBJECT_IDENTIFIER &&
    algorithm.end > algorithm.start
  );
}

/** Validity: two times, UTCTime or GeneralizedTime (RFC 5280 §4.1.2.5). */
function isValidity(bytes: Uint8Array, tlv: Tlv): boolean {
  if (tlv.tag !== SEQUENCE) return false;
  const notBefore = readTlv(bytes, tlv.start, tlv.end);
  if (notBefore === undefined || !isTime(notBefore.tag)) return false;
  const notAfter = readTlv(bytes, notBefore.end, tlv.end);
  return notAfter !== undefined && isTime(notAfter.tag) && notAfter.end === tlv.end;
}

const isTime = (tag: number) => tag === UTC_TIME || tag === GENERALIZED_TIME;

/** TBSCertificate's fields in order (RFC 5280 §4.1), filling it exactly. */
function isTbsCertificate(bytes: Uint8Array, tbs: Tlv): boolean {
  let field = readTlv(bytes, tbs.start, tbs.end);
  if (field?.tag === VERSION) {
    const version = readTlv(bytes, field.start, field.end);
    if (version?.tag !== INTEGER || version.end !== field.end) return false;
    field = readTlv(bytes, field.end, tbs.end);
  }
  if (field?.tag !== INTEGER || field.end === field.start) return false; // serialNumber
  const signature = readTlv(bytes, field.end, tbs.end);
  if (signature === undefined || !isAlgorithmIdentifier(bytes, signature)) return false;
  const issuer = readTlv(bytes, signature.end, tbs.end);
  if (issuer?.tag !== SEQUENCE) return false;
  const validity = readTlv(bytes, issuer.end, tbs.end);
  if (validity === undefined || !isValidity(bytes, validity)) return false;
  const subject = readTlv(bytes, validity.end, tbs.end);
  if (subject?.tag !== SEQUENCE) return false;
  const subjectPublicKeyInfo = readTlv(bytes, subject.end, tbs.end);
  if (subjectPublicKeyInfo === undefined || subjectPublicKeyInfo.tag !== SEQUENCE) return false;
  // Then only the optional unique IDs and extensions, each at most once and in this order.
  let at = subjectPublicKeyInfo.end;
  for (const tag of [ISSUER_UNIQUE_ID, SUBJECT_UNIQUE_ID, EXTENSIONS]) {
    if (at === tbs.end) return true;
    const optional = readTlv(bytes, at, tbs.end);
    if (optional === undefined) return false;
    if (optional.tag === tag) at = optional.end;
  }
  return at === tbs.end;
}

/**
 * Whether `bytes` are exactly one DER-encoded X.509 certificate: `Certificate ::= SEQUENCE {
 * tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }` (RFC 5280 §4.1) and not
 * one byte more.
 */
export function isDerCertificate(bytes: Uint8Array): boolean {
  const certificate = readTlv(bytes, 0, bytes.length);
  if (certificate?.tag !== SEQUENCE || certificate.end !== bytes.length) return false;
  const tbs = readTlv(bytes, certificate.start, certificate.end);
  if (tbs?.tag !== SEQUENCE || !isTbsCertificate(bytes, tbs)) return false;
  const algorithm = readTlv(bytes, tbs.end, certificate.end);
  if (algorithm === undefined || !isAlgorithmIdentifier(bytes, algorithm)) return false;
  const signature = readTlv(bytes, algorithm.end, certificate.end);
  // A BIT STRING opens with its count of unused bits, 0 to 7 (X.690 §8.6.2.2).
  return (
    signature?.tag === BIT_STRING &&
    signature.end === certificate.end &&
    signature.end - signature.start >= 2 &&
    bytes[signature.start]! <= 7
  );
}
