// From a proxy's header value to certificate bytes: percent-decoding (RFC 3986 §2.1), PEM
// (RFC 7468 §2, §5) and base64 (RFC 4648 §4), each strict, because a lenient decoder would give
// two spellings of one certificate, or bytes the proxy never sent, a meaning. It runs on each
// request with a certificate-bound token, so it works on bytes, in one pass per stage.

const ascii = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));
const BEGIN = ascii('-----BEGIN CERTIFICATE-----');
const END = ascii('-----END CERTIFICATE-----');

/** Hex digit → value, or -1. */
const HEX = (() => {
  const table = new Int8Array(256).fill(-1);
  for (let i = 0; i < 16; i += 1) {
    table['0123456789abcdef'.charCodeAt(i)] = i;
    table['0123456789ABCDEF'.charCodeAt(i)] = i;
  }
  return table;
})();

const hexValue = (code: number) => (code < 256 ? HEX[code]! : -1);

const PAD = -2;
const SPACE = -3;

/** Byte → its base64 value (RFC 4648 §4: `+` and `/`, not base64url), `PAD`, `SPACE` or -1. */
const BASE64 = (() => {
  const table = new Int8Array(256).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i += 1) table[alphabet.charCodeAt(i)] = i;
  table[0x3d] = PAD; // '='
  for (const code of [0x20, 0x09, 0x0a, 0x0d]) table[code] = SPACE;
  return table;
})();

const isWhitespace = (code: number) =>
  code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;

/**
 * Percent-decodes a header value into ASCII bytes, or `undefined` for a `%` not followed by two
 * hex digits, anything outside ASCII, or a control character other than whitespace (PEM is
 * text, RFC 7468 §2). `+` stays `+`: the ALB leaves `+`, `=` and `/` unescaped, so reading it
 * as a form-encoded space would corrupt the base64 it belongs to.
 */
export function percentDecode(value: string): Uint8Array | undefined {
  const out = new Uint8Array(value.length);
  let length = 0;
  for (let i = 0; i < value.length; i += 1) {
    let code = value.charCodeAt(i);
    if (code === 0x25) {
      // '%'
      const high = i + 2 < value.length ? hexValue(value.charCodeAt(i + 1)) : -1;
      const low = hexValue(value.charCodeAt(i + 2));
      if (high < 0 || low < 0) return undefined;
      code = high * 16 + low;
      i += 2;
      if (code > 0x7e || (code < 0x20 && !isWhitespace(code))) return undefined;
    } else if (code > 0x7e || (code < 0x20 && code !== 0x09)) {
      // A header value holds no raw CR or LF (RFC 9110 §5.5); line breaks come escaped.
      return undefined;
    }
    out[length] = code;
    length += 1;
  }
  return out.subarray(0, length);
}

/**
 * The DER bytes of each `CERTIFICATE` block of a PEM text, in order, or `undefined` when the
 * text is anything else: text before, between or after the blocks (whitespace aside), another
 * label, more than `maxBlocks` blocks, or base64 that is not canonical.
 */
export function pemCertificates(text: Uint8Array, maxBlocks: number): Uint8Array[] | undefined {
  const blocks: Uint8Array[] = [];
  let at = skipWhitespace(text, 0);
  while (at < text.length) {
    if (blocks.length === maxBlocks || !matches(text, at, BEGIN)) return undefined;
    const bodyStart = at + BEGIN.length;
    const bodyEnd = find(text, bodyStart, END);
    if (bodyEnd < 0) return undefined;
    const der = decodeBase64(text, bodyStart, bodyEnd);
    if (der === undefined) return undefined;
    blocks.push(der);
    at = skipWhitespace(text, bodyEnd + END.length);
  }
  return blocks.length === 0 ? undefined : blocks;
}

function skipWhitespace(text: Uint8Array, from: number): number {
  let at = from;
  while (at < text.length && isWhitespace(text[at]!)) at += 1;
  return at;
}

function matches(text: Uint8Array, at: number, marker: Uint8Array): boolean {
  if (at + marker.length > text.length) return false;
  for (let i = 0; i < marker.length; i += 1) if (text[at + i] !== marker[i]) return false;
  return true;
}

/** Where `marker` starts at or after `from`; -1 without one. Base64 holds no `-`. */
function find(text: Uint8Array, from: number, marker: Uint8Array): number {
  for (let at = text.indexOf(0x2d, from); at >= 0; at = text.indexOf(0x2d, at + 1)) {
    if (matches(text, at, marker)) return at;
  }
  return -1;
}

/**
 * Decodes the base64 between `from` and `to`, whitespace ignored (RFC 7468 §3 lets lines break
 * anywhere). Strict otherwise (RFC 4648 §3.3, §3.5): only the alphabet, `=` padding only at the
 * end and only to a multiple of four, and zero bits after the last byte, so each certificate has
 * one spelling.
 */
function decodeBase64(text: Uint8Array, from: number, to: number): Uint8Array | undefined {
  const out = new Uint8Array(Math.floor(((to - from) * 3) / 4));
  let length = 0;
  let buffer = 0;
  let bits = 0;
  let characters = 0;
  let padding = 0;
  for (let i = from; i < to; i += 1) {
    const value = BASE64[text[i]!]!;
    if (value === SPACE) continue;
    characters += 1;
    if (value === PAD) {
      padding += 1;
      continue;
    }
    if (value < 0 || padding > 0) return undefined;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[length] = (buffer >>> bits) & 0xff;
      length += 1;
    }
  }
  // 4 leftover bits (two characters of a quantum) need "==", 2 leftover bits (three) need "=",
  // a whole quantum none; 6 (one character) cannot be; the leftover bits must be zero.
  const expectedPadding = bits === 4 ? 2 : bits === 2 ? 1 : 0;
  if (characters === 0 || characters % 4 !== 0 || bits === 6 || padding !== expectedPadding) {
    return undefined;
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) return undefined;
  return out.subarray(0, length);
}
