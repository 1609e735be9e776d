// RFC 9110 §5.6.2 token characters.
const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;

/**
 * The `error` attribute of the `Bearer` challenge in a `WWW-Authenticate` value (RFC 6750 §3),
 * e.g. `invalid_token`, or `undefined`. Other schemes' challenges in the same value, and
 * several header lines joined with commas, are skipped (RFC 9110 §11.6.1).
 */
export function bearerChallengeError(header: string | null): string | undefined {
  if (header === null) return undefined;
  let scheme = '';
  let index = 0;
  while (index < header.length) {
    const char = header[index];
    if (char === ' ' || char === '\t' || char === ',') {
      index += 1;
      continue;
    }
    TOKEN.lastIndex = index;
    const name = TOKEN.exec(header)?.[0];
    if (name === undefined) {
      index += 1; // stray character, e.g. the padding of a token68
      continue;
    }
    index = skipSpaces(header, index + name.length);
    if (header[index] !== '=') {
      scheme = name.toLowerCase(); // a token not followed by "=" starts a new challenge
      continue;
    }
    const parsed = readValue(header, skipSpaces(header, index + 1));
    index = parsed.end;
    if (scheme === 'bearer' && name.toLowerCase() === 'error') return parsed.value;
  }
  return undefined;
}

function skipSpaces(text: string, index: number): number {
  let at = index;
  while (text[at] === ' ' || text[at] === '\t') at += 1;
  return at;
}

/** A token or a quoted-string (RFC 9110 §5.6.4) starting at `index`. */
function readValue(text: string, index: number): { value: string; end: number } {
  if (text[index] !== '"') {
    TOKEN.lastIndex = index;
    const value = TOKEN.exec(text)?.[0] ?? '';
    return { value, end: index + value.length };
  }
  let value = '';
  let at = index + 1;
  while (at < text.length && text[at] !== '"') {
    if (text[at] === '\\') at += 1;
    value += text[at] ?? '';
    at += 1;
  }
  return { value, end: at + 1 };
}
