// RFC 9440 §2.1–2.2: the `Client-Cert` header field is a Structured Field Item (RFC 8941 §3.3)
// whose value is a Byte Sequence: the DER certificate in base64 between colons, as in
// `Client-Cert: :MIIBqDCCAU6gAwIBAgIBBzAKBggqhkjOPQQDAjA6…:`.

/** A Byte Sequence Item and nothing else (RFC 8941 §4.2: SP around it is discarded). */
const BYTE_SEQUENCE = /^ *:([A-Za-z0-9+/]*={0,2}): *$/;

/**
 * The bytes of a header value holding one Byte Sequence (RFC 8941 §3.3.5), or `undefined` for
 * anything else: another item type, a list, parameters (RFC 9440 defines none), characters
 * outside base64 (RFC 4648 §4; base64url is not it), or a length no base64 has. Decoded as
 * RFC 8941 §4.2.7 asks, without failing on missing `=` padding or non-zero pad bits: the
 * binding is to the certificate's DER bytes (RFC 8705 §3.1), which each spelling decodes to
 * alike, and `atob` (forgiving-base64, on every runtime) decodes exactly so.
 */
export function byteSequence(value: string): Uint8Array | undefined {
  const base64 = BYTE_SEQUENCE.exec(value)?.[1];
  // One character left over after whole quanta cannot encode a byte (RFC 4648 §4).
  if (base64 === undefined || base64.replace(/=+$/, '').length % 4 === 1) return undefined;
  let binary: string;
  try {
    binary = atob(base64);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
