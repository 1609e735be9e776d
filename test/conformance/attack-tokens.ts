// A factory of hostile tokens: compact JWS built by hand so every byte is under the test's
// control (hand-written JSON with duplicate members, lying headers, foreign signatures,
// mangled base64url). Signing is synchronous node:crypto, never a JOSE library that would
// refuse to produce the very tokens we need.
import { constants, createHmac, sign as cryptoSign, type KeyObject } from 'node:crypto';

/** JSON text as written (a string is sent verbatim), raw bytes, or a value to stringify. */
export type JsonPart = string | Buffer | object | number | boolean | null;

/** Produces the signature bytes over the ASCII signing input `<header>.<payload>`. */
export type Signer = (signingInput: Buffer) => Buffer;

export const b64u = (data: string | Uint8Array): string => Buffer.from(data).toString('base64url');

function partBytes(part: JsonPart): Buffer {
  if (Buffer.isBuffer(part)) return part;
  return Buffer.from(typeof part === 'string' ? part : JSON.stringify(part), 'utf8');
}

/** `<b64u(header)>.<b64u(payload)>.<signature>`; the signature is a signer, raw bytes or text. */
export function compact(header: JsonPart, payload: JsonPart, signature: Signer | Buffer): string {
  const signingInput = `${b64u(partBytes(header))}.${b64u(partBytes(payload))}`;
  const bytes =
    typeof signature === 'function' ? signature(Buffer.from(signingInput, 'ascii')) : signature;
  return `${signingInput}.${b64u(bytes)}`;
}

// RFC 7518 §3.3–3.5 and RFC 8037 §3.1 signers over node:crypto.
export const rsaSigner =
  (key: KeyObject, digest = 'sha256'): Signer =>
  (input) =>
    cryptoSign(digest, input, key);

export const pssSigner =
  (key: KeyObject, digest = 'sha256'): Signer =>
  (input) =>
    cryptoSign(digest, input, {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    });

/** ECDSA as JOSE wants it (R||S), or as DER when `der` (what CVE-2022-21449 era libs mixed up). */
export const ecdsaSigner =
  (key: KeyObject, digest = 'sha256', der = false): Signer =>
  (input) =>
    cryptoSign(digest, input, { key, dsaEncoding: der ? 'der' : 'ieee-p1363' });

export const hmacSigner =
  (secret: string | Buffer, digest: 'sha256' | 'sha384' | 'sha512'): Signer =>
  (input) =>
    createHmac(digest, secret).update(input).digest();

// ---- ECDSA P-256 scalars (CVE-2022-21449 "psychic signatures") -------------------------

/** The order n of the P-256 group (SEC 2 §2.4.2). */
export const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

export function scalar32(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
}

export function splitRs(signature: Buffer): { r: bigint; s: bigint } {
  return {
    r: BigInt(`0x${signature.subarray(0, 32).toString('hex')}`),
    s: BigInt(`0x${signature.subarray(32, 64).toString('hex')}`),
  };
}

export const joinRs = (r: bigint, s: bigint): Buffer => Buffer.concat([scalar32(r), scalar32(s)]);

/** A real ES256 signature rewritten by `rewrite(r, s)` into other raw bytes. */
export const ecdsaRewrite =
  (key: KeyObject, rewrite: (r: bigint, s: bigint, raw: Buffer) => Buffer): Signer =>
  (input) => {
    const raw = ecdsaSigner(key)(input);
    const { r, s } = splitRs(raw);
    return rewrite(r, s, raw);
  };

// ---- Segment surgery ----------------------------------------------------------------------

export type SegmentIndex = 0 | 1 | 2;

export function segmentsOf(token: string): [string, string, string] {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('not a three-segment token');
  return parts as [string, string, string];
}

export function replaceSegment(token: string, index: SegmentIndex, value: string): string {
  const parts = segmentsOf(token);
  parts[index] = value;
  return parts.join('.');
}

/** Flips bit `bit` of byte `offset` (negative counts from the end) of a decoded segment. */
export function flipBit(token: string, index: SegmentIndex, offset: number, bit: number): string {
  const bytes = Buffer.from(segmentsOf(token)[index], 'base64url');
  const at = offset < 0 ? bytes.length + offset : offset;
  if (at < 0 || at >= bytes.length) throw new Error(`offset ${offset} outside the segment`);
  bytes[at] = (bytes[at] as number) ^ (1 << bit);
  return replaceSegment(token, index, b64u(bytes));
}

/** Byte offset of the first occurrence of `text` in a decoded segment (for targeted flips). */
export function offsetOf(token: string, index: SegmentIndex, text: string): number {
  const at = Buffer.from(segmentsOf(token)[index], 'base64url').indexOf(text);
  if (at === -1) throw new Error(`${JSON.stringify(text)} not found in segment ${index}`);
  return at;
}

/** Keeps the first `length` characters of a segment. */
export function truncateSegment(token: string, index: SegmentIndex, length: number): string {
  return replaceSegment(token, index, segmentsOf(token)[index].slice(0, length));
}

const B64U_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The same bytes in a non-canonical spelling (RFC 4648 §3.5): the unused low bits of the
 * last character set to 1. A lenient decoder yields identical bytes.
 */
export function nonCanonicalSegment(token: string, index: SegmentIndex): string {
  const segment = segmentsOf(token)[index];
  const unusedBits = segment.length % 4 === 2 ? 4 : segment.length % 4 === 3 ? 2 : 0;
  if (unusedBits === 0) throw new Error('segment length leaves no unused bits');
  const last = B64U_ALPHABET.indexOf(segment.at(-1) as string);
  const spelled = B64U_ALPHABET[last | 1] as string;
  return replaceSegment(token, index, `${segment.slice(0, -1)}${spelled}`);
}

// ---- The issuer's public key in every encoding an HMAC-confusion attacker tries ------------
// (jsonwebtoken CVE-2022-23541, fast-jwt CVE-2023-48223: a verifier that takes "the key" and
// lets the token choose HS256 ends up using public key bytes as the HMAC secret.)

export const KEY_ENCODINGS = [
  'PEM SPKI',
  'PEM SPKI without final newline',
  'PEM SPKI with CRLF line ends',
  'PEM SPKI with junk whitespace',
  'DER SPKI bytes',
  'the JWK as published (JSON text)',
  'PEM PKCS#1',
  'DER PKCS#1 bytes',
  'the modulus n (base64url text)',
  'the modulus n (raw bytes)',
] as const;

export type KeyEncoding = (typeof KEY_ENCODINGS)[number];

/** The encodings that exist for EC keys (PKCS#1 and a modulus are RSA-only). */
export const EC_KEY_ENCODINGS: readonly KeyEncoding[] = KEY_ENCODINGS.slice(0, 6);

export function encodePublicKey(
  encoding: KeyEncoding,
  publicKey: KeyObject,
  publicJwk: Record<string, unknown>,
): string | Buffer {
  const spkiPem = (): string => publicKey.export({ type: 'spki', format: 'pem' }) as string;
  switch (encoding) {
    case 'PEM SPKI':
      return spkiPem();
    case 'PEM SPKI without final newline':
      return spkiPem().trimEnd();
    case 'PEM SPKI with CRLF line ends':
      return spkiPem().replace(/\n/g, '\r\n');
    case 'PEM SPKI with junk whitespace':
      return `  \n\t${spkiPem()}\n\n  `;
    case 'DER SPKI bytes':
      return publicKey.export({ type: 'spki', format: 'der' });
    case 'the JWK as published (JSON text)':
      return JSON.stringify(publicJwk);
    case 'PEM PKCS#1':
      return publicKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    case 'DER PKCS#1 bytes':
      return publicKey.export({ type: 'pkcs1', format: 'der' });
    case 'the modulus n (base64url text)':
      return String(publicJwk['n']);
    case 'the modulus n (raw bytes)':
      return Buffer.from(String(publicJwk['n']), 'base64url');
  }
}
