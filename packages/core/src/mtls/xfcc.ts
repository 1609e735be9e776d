// Envoy's x-forwarded-client-cert (XFCC): elements separated by `,`, one per proxy that handled
// the request; in each, `key=value` pairs separated by `;`, keys case-insensitive, a value that
// holds `,`, `;` or `=` double-quoted, with `\"` for a quote inside. `Cert` is the client
// certificate, URL-encoded PEM. Only one element is accepted: with several, which proxy's
// client is "the" client depends on a topology this library cannot see.

/** Why an XFCC value was refused; becomes the error's `detail.reason`. */
export type XfccFailure = 'several elements' | 'syntax' | 'no Cert' | 'repeated Cert';

const OWS = (code: number) => code === 0x20 || code === 0x09;
// The keys Envoy writes (By, Hash, Cert, Chain, Subject, URI, DNS) and any other token-like name.
const isKeyCharacter = (code: number) =>
  (code >= 0x30 && code <= 0x39) ||
  (code >= 0x41 && code <= 0x5a) ||
  (code >= 0x61 && code <= 0x7a) ||
  code === 0x2d ||
  code === 0x5f;

/**
 * The `Cert` value of the header's one element, quotes and escapes removed (still
 * URL-encoded), or why there is none to trust.
 */
export function xfccCertificate(value: string): { readonly cert: string } | XfccFailure {
  let cert: string | undefined;
  let at = 0;
  const length = value.length;
  for (;;) {
    while (at < length && OWS(value.charCodeAt(at))) at += 1;
    const keyStart = at;
    while (at < length && isKeyCharacter(value.charCodeAt(at))) at += 1;
    if (at === keyStart || value.charCodeAt(at) !== 0x3d) return 'syntax'; // '='
    const key = value.slice(keyStart, at);
    at += 1;
    let pairValue: string;
    if (value.charCodeAt(at) === 0x22) {
      // '"': a quoted value, `\` escaping the next character.
      pairValue = '';
      at += 1;
      let from = at;
      for (;;) {
        if (at >= length) return 'syntax';
        const code = value.charCodeAt(at);
        if (code === 0x22) break;
        if (code === 0x5c) {
          if (at + 1 >= length) return 'syntax';
          pairValue += value.slice(from, at);
          from = at + 1;
          at += 2;
        } else at += 1;
      }
      pairValue += value.slice(from, at);
      at += 1;
      while (at < length && OWS(value.charCodeAt(at))) at += 1;
    } else {
      const valueStart = at;
      while (at < length) {
        const code = value.charCodeAt(at);
        if (code === 0x3b || code === 0x2c) break; // ';' ','
        if (code === 0x22) return 'syntax';
        at += 1;
      }
      pairValue = value.slice(valueStart, at).trimEnd();
    }
    if (key.length === 4 && key.toLowerCase() === 'cert') {
      if (cert !== undefined) return 'repeated Cert';
      cert = pairValue;
    }
    if (at >= length) break;
    const separator = value.charCodeAt(at);
    if (separator === 0x2c) return 'several elements'; // ','
    if (separator !== 0x3b) return 'syntax'; // ';' (anything else follows a closing quote)
    at += 1;
  }
  return cert === undefined || cert === '' ? 'no Cert' : { cert };
}
