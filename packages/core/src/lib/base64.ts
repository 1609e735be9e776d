// Base64 (RFC 4648 §4, §5) and UTF-8 over the primitives every runtime has (`btoa`,
// `TextEncoder`, `Uint8Array`), so the neutral build needs no `Buffer`. The Node crypto backend
// keeps Buffer's native decoder for tokens (jws/node-crypto.ts); these serve everything else.

const UTF8 = new TextEncoder();

/** Base64 (`url` false) or unpadded base64url (`url` true) of `bytes`. */
export function encodeBase64(bytes: Uint8Array, url: boolean): string {
  let binary = '';
  // Chunked: String.fromCharCode(...bytes) would overflow the stack on a large input.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  const base64 = btoa(binary);
  return url ? base64.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_') : base64;
}

/** Base64 of the UTF-8 bytes of `text`. */
export function encodeBase64Text(text: string, url: boolean): string {
  return encodeBase64(UTF8.encode(text), url);
}

/** The UTF-8 bytes of `text`. */
export function utf8Bytes(text: string): Uint8Array {
  return UTF8.encode(text);
}

/** base64url character code → 6-bit value, or -1. `+`, `/` and `=` are not base64url. */
const BASE64URL_VALUES = (() => {
  const table = new Int8Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (let i = 0; i < alphabet.length; i += 1) table[alphabet.charCodeAt(i)] = i;
  return table;
})();

const EMPTY = new Uint8Array(0);

/**
 * Decodes unpadded base64url. Any character outside the alphabet makes the result empty, so a
 * caller that compares the output length with the input length (jws/compact-jws.ts) refuses it;
 * a trailing lone character (length 4n+1) yields no byte for it. Stray low bits of the last
 * character are ignored here and checked by the caller (RFC 4648 §3.5).
 */
export function decodeBase64Url(segment: string): Uint8Array {
  const length = segment.length;
  const out = new Uint8Array((length * 3) >>> 2);
  let buffer = 0;
  let bits = 0;
  let at = 0;
  for (let i = 0; i < length; i += 1) {
    const code = segment.charCodeAt(i);
    const value = code < 128 ? BASE64URL_VALUES[code]! : -1;
    if (value === -1) return EMPTY;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at] = (buffer >>> bits) & 0xff;
      at += 1;
    }
  }
  return at === out.length ? out : out.subarray(0, at);
}
