// Encodings: compact serialization is exactly three segments of unpadded base64url
// (RFC 7515 §2, §7.1) over JSON objects (RFC 7515 §4, RFC 7519 §7.2). Padding, foreign
// alphabets, whitespace, truncation, bit flips, size and nesting bombs, non-object JSON.
import {
  b64u,
  compact,
  flipBit,
  nonCanonicalSegment,
  offsetOf,
  replaceSegment,
  rsaSigner,
  segmentsOf,
  truncateSegment,
  type JsonPart,
  type SegmentIndex,
} from './attack-tokens.js';
import {
  accessClaims,
  D,
  es256,
  invalidRequest,
  invalidToken,
  me,
  ok,
  oidcClaims,
  postForm,
  userToken,
  type AdversarialScenario,
  type AttackContext,
} from './adversarial-kit.js';

/** Raw header and payload text (or bytes), signed honestly by pool A's key. */
const signedParts = (c: AttackContext, header: JsonPart, payload: JsonPart): string =>
  compact(header, payload, rsaSigner(c.pool.key.privateKey));

const poolHeader = (c: AttackContext): string =>
  JSON.stringify({ alg: 'RS256', kid: c.pool.key.kid });

/** Rewrites one segment of an honest token. */
const bend = (
  index: SegmentIndex,
  change: (segment: string) => string,
): ((c: AttackContext) => string) => {
  return (c) => {
    const token = userToken(c);
    return replaceSegment(token, index, change(segmentsOf(token)[index]));
  };
};

const SEGMENT_NAMES = ['header', 'payload', 'signature'] as const;
const B64_ERRORS = [D.headerB64, D.payloadB64, D.signatureB64] as const;

const alphabetScenarios: AdversarialScenario[] = [
  {
    name: 'signature segment padded with "=="',
    request: (c) => me(bend(2, (s) => `${s}==`)(c)),
    expected: invalidToken(D.signatureB64),
  },
  {
    name: 'ES256 signature segment padded with "=="',
    request: (c) => {
      const token = es256(c.ec, oidcClaims(c.ec));
      return me(`${token}==`);
    },
    expected: invalidToken(D.signatureB64),
  },
  // RFC 6750 §2.1 b64token allows "=" only at the very end, so padding before a dot fails the
  // Authorization syntax itself: a malformed request (400), not a bad token.
  {
    name: 'header segment padded with "=" before the dot',
    request: (c) => me(bend(0, (s) => `${s}==`)(c)),
    expected: invalidRequest(D.headerMalformed),
  },
  {
    name: 'payload segment padded with "=" before the dot',
    request: (c) => me(bend(1, (s) => `${s}=`)(c)),
    expected: invalidRequest(D.headerMalformed),
  },
  ...([0, 1, 2] as const).flatMap((index) =>
    (['+', '/'] as const).map((char): AdversarialScenario => ({
      name: `standard-base64 "${char}" in the ${SEGMENT_NAMES[index]}`,
      request: (c) => me(bend(index, (s) => `${char}${s.slice(1)}`)(c)),
      expected: invalidToken(B64_ERRORS[index]),
    })),
  ),
  {
    name: '"~" (a b64token character outside base64url) in the signature',
    request: (c) => me(bend(2, (s) => `${s.slice(0, 10)}~${s.slice(11)}`)(c)),
    expected: invalidToken(D.signatureB64),
  },
  {
    name: 'non-canonical base64url: unused low bits of the last RS256 signature character set',
    // RFC 4648 §3.5: decoders ignore the pad bits, so without a check a second spelling of the
    // same token would verify — token strings would be malleable.
    request: (c) => me(nonCanonicalSegment(userToken(c), 2)),
    expected: invalidToken(D.signatureB64),
  },
  {
    name: 'non-canonical base64url: unused low bits of the last ES256 signature character set',
    // The same rule on the ES256 path.
    request: (c) => me(nonCanonicalSegment(es256(c.ec, oidcClaims(c.ec)), 2)),
    expected: invalidToken(D.signatureB64),
  },
];

const whitespaceScenarios: AdversarialScenario[] = [
  {
    name: 'a space inside the token',
    request: (c) => me(bend(1, (s) => `${s.slice(0, 20)} ${s.slice(20)}`)(c)),
    expected: invalidRequest(D.headerMalformed),
  },
  {
    name: 'a tab inside the token',
    request: (c) => me(bend(1, (s) => `${s.slice(0, 20)}\t${s.slice(20)}`)(c)),
    expected: invalidRequest(D.headerMalformed),
  },
  {
    name: 'a newline inside a form-body token',
    request: (c) => {
      const [h, p, s] = segmentsOf(userToken(c, { scope: 'orders:write' }));
      return postForm('/orders', `access_token=${h}.${p.slice(0, 20)}%0A${p.slice(20)}.${s}`);
    },
    expected: invalidRequest(D.bodyTokenMalformed),
  },
  {
    name: 'a CRLF after a form-body token',
    request: (c) =>
      postForm('/orders', `access_token=${userToken(c, { scope: 'orders:write' })}%0D%0A`),
    expected: invalidRequest(D.bodyTokenMalformed),
  },
  {
    name: 'non-ASCII "é" inside the token',
    request: (c) => me(bend(1, (s) => `${s.slice(0, 20)}é${s.slice(20)}`)(c)),
    expected: invalidRequest(D.headerMalformed),
  },
  {
    name: 'a no-break space (U+00A0) inside the token',
    request: (c) => me(bend(1, (s) => `${s.slice(0, 20)}\u00a0${s.slice(20)}`)(c)),
    expected: invalidRequest(D.headerMalformed),
  },
  {
    // Buffer's base64 decoder reads U+0141 as its low byte, 0x41 "A": a second spelling of
    // the token. A header cannot carry it, but a percent-encoded form body can.
    name: 'a look-alike (U+0100 above an "A") in a form-body token',
    request: (c) => {
      const token = userToken(c, { scope: 'orders:write' });
      const at = token.indexOf('A');
      return postForm('/orders', `access_token=${token.slice(0, at)}%C5%81${token.slice(at + 1)}`);
    },
    expected: invalidRequest(D.bodyTokenMalformed),
  },
];

const JWE_HEADER = b64u(JSON.stringify({ alg: 'RSA-OAEP', enc: 'A256GCM' }));

const segmentCountScenarios: AdversarialScenario[] = [
  {
    name: 'one segment',
    request: () => me('eyJhbGciOiJSUzI1NiJ9'),
    expected: invalidToken(D.segments),
  },
  {
    name: 'two segments (signature dropped with its dot)',
    request: (c) => me(segmentsOf(userToken(c)).slice(0, 2).join('.')),
    expected: invalidToken(D.segments),
  },
  {
    name: 'four segments (an extra segment appended)',
    request: (c) => me(`${userToken(c)}.${b64u('extra')}`),
    expected: invalidToken(D.segments),
  },
  {
    name: 'a trailing dot',
    request: (c) => me(`${userToken(c)}.`),
    expected: invalidToken(D.segments),
  },
  {
    name: 'a leading dot',
    request: (c) => me(`.${userToken(c)}`),
    expected: invalidToken(D.segments),
  },
  {
    name: 'a real-looking five-segment JWE',
    request: () =>
      me(
        [
          JWE_HEADER,
          b64u(Buffer.alloc(256, 7)),
          b64u(Buffer.alloc(12, 1)),
          b64u('ciphertext'),
          b64u(Buffer.alloc(16, 2)),
        ].join('.'),
      ),
    expected: invalidToken(D.segments),
  },
  { name: 'just two dots', request: () => me('..'), expected: invalidToken(D.headerB64) },
  {
    name: 'empty header segment',
    request: (c) => me(bend(0, () => '')(c)),
    expected: invalidToken(D.headerB64),
  },
  {
    name: 'empty payload segment',
    request: (c) => me(bend(1, () => '')(c)),
    expected: invalidToken(D.payloadB64),
  },
  {
    name: 'empty signature segment',
    request: (c) => me(bend(2, () => '')(c)),
    expected: invalidToken(D.signatureB64),
  },
];

/** Longest multiple of 4 below the segment's length, minus `back` blocks. */
const block = (segment: string, back: number): number =>
  (Math.floor(segment.length / 4) - back) * 4;

const truncationScenarios: AdversarialScenario[] = [
  {
    name: 'header truncated on a base64 block (JSON cut short)',
    request: (c) => {
      const token = userToken(c);
      return me(truncateSegment(token, 0, block(segmentsOf(token)[0], 0)));
    },
    expected: invalidToken(D.headerJson),
  },
  {
    name: 'header truncated to 4n+1 characters',
    request: (c) => {
      const token = userToken(c);
      return me(truncateSegment(token, 0, block(segmentsOf(token)[0], 0) + 1));
    },
    expected: invalidToken(D.headerB64),
  },
  {
    name: 'payload truncated on a base64 block (JSON cut short)',
    request: (c) => {
      const token = userToken(c);
      return me(truncateSegment(token, 1, block(segmentsOf(token)[1], 2)));
    },
    expected: invalidToken(D.payloadJson),
  },
  {
    name: 'payload truncated to 4n+1 characters',
    request: (c) => {
      const token = userToken(c);
      return me(truncateSegment(token, 1, block(segmentsOf(token)[1], 2) + 1));
    },
    expected: invalidToken(D.payloadB64),
  },
  {
    name: 'signature truncated by one base64 block (3 bytes)',
    request: (c) => {
      const token = userToken(c);
      return me(truncateSegment(token, 2, block(segmentsOf(token)[2], 1)));
    },
    expected: invalidToken(D.signature),
  },
  {
    name: 'signature truncated to 4n+1 characters',
    request: (c) => {
      const token = userToken(c);
      return me(truncateSegment(token, 2, block(segmentsOf(token)[2], 1) + 1));
    },
    expected: invalidToken(D.signatureB64),
  },
  {
    // Four characters: a whole base64 quantum, so the refusal never depends on stray bits.
    name: 'signature truncated to four characters (three bytes)',
    request: (c) => me(truncateSegment(userToken(c), 2, 4)),
    expected: invalidToken(D.signature),
  },
];

/** A bit flip at a byte found by `at` (an offset, or text to find plus a shift). */
type Position = number | readonly [text: (c: AttackContext) => string, shift: number];

const FLIPS: readonly (readonly [string, SegmentIndex, Position, number, string])[] = [
  ['header byte 0 ("{" → "z")', 0, 0, 0, D.headerJson],
  ['header byte 1 (the quote before alg)', 0, 1, 0, D.headerJson],
  ['header member name "alg" → "clg"', 0, [() => 'alg', 0], 1, D.alg],
  ['header alg value "RS256" → "SS256"', 0, [() => 'RS256', 0], 0, D.alg],
  ['header alg value "RS256" → "RS356"', 0, [() => 'RS256', 2], 0, D.alg],
  ['header kid value, first character', 0, [(c) => c.pool.key.kid, 0], 0, D.noKey],
  ['header kid value, last character', 0, [(c) => c.pool.key.kid, 42], 0, D.noKey],
  ['header last byte ("}" → "|")', 0, -1, 0, D.headerJson],
  ['payload byte 0', 1, 0, 0, D.payloadJson],
  ['payload last byte', 1, -1, 0, D.payloadJson],
  ['payload iss value (host)', 1, [(c) => c.pool.issuer, 7], 0, D.issuer],
  ['payload sub value', 1, [() => 'user-0001', 8], 0, D.signature],
  ['payload scope value', 1, [() => 'orders:read', 0], 0, D.signature],
  ['payload token_use value', 1, [() => '"access"', 1], 1, D.signature],
  ['payload member name "exp"', 1, [() => '"exp"', 1], 0, D.signature],
  ['payload exp digit', 1, [() => '"exp":', 9], 0, D.signature],
  ['payload username value', 1, [() => 'test-user', 0], 0, D.signature],
  ['signature byte 0, bit 7', 2, 0, 7, D.signature],
  ['signature byte 1, bit 0', 2, 1, 0, D.signature],
  ['signature byte 31, bit 3', 2, 31, 3, D.signature],
  ['signature byte 64, bit 5', 2, 64, 5, D.signature],
  ['signature byte 127, bit 1', 2, 127, 1, D.signature],
  ['signature byte 128, bit 6', 2, 128, 6, D.signature],
  ['signature byte 200, bit 2', 2, 200, 2, D.signature],
  ['signature byte 254, bit 4', 2, 254, 4, D.signature],
  ['signature last byte, bit 0', 2, -1, 0, D.signature],
];

const bitFlipScenarios: AdversarialScenario[] = FLIPS.map(
  ([label, index, position, bit, error]) => ({
    name: `bit flip: ${label}`,
    request: (c) => {
      const token = userToken(c);
      const offset =
        typeof position === 'number'
          ? position
          : offsetOf(token, index, position[0](c)) + position[1];
      return me(flipBit(token, index, offset, bit));
    },
    expected: invalidToken(error),
  }),
);

/** base64url length of `bytes` bytes, unpadded. */
const b64Length = (bytes: number): number => Math.ceil((bytes * 4) / 3);

/** An honest pool A token of exactly `length` characters, padded through a claim and a header member. */
function tokenOfLength(c: AttackContext, length: number): string {
  const signatureChars = b64Length(256);
  for (let headerPad = 0; headerPad < 4; headerPad += 1) {
    const header = {
      alg: 'RS256',
      kid: c.pool.key.kid,
      ...(headerPad > 0 ? { pad: 'h'.repeat(headerPad) } : {}),
    };
    const headerChars = b64Length(Buffer.byteLength(JSON.stringify(header)));
    const base = accessClaims(c.pool, { pad: '' });
    const baseBytes = Buffer.byteLength(JSON.stringify(base));
    for (let pad = 0; pad < length; pad += 1) {
      const total = headerChars + 1 + b64Length(baseBytes + pad) + 1 + signatureChars;
      if (total === length) return signedParts(c, header, { ...base, pad: 'p'.repeat(pad) });
      if (total > length) break;
    }
  }
  throw new Error(`no token of exactly ${length} characters`);
}

const nest = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;

const sizeScenarios: AdversarialScenario[] = [
  {
    name: 'control: an honest token of exactly maxTokenBytes (8192) characters',
    request: (c) => me(tokenOfLength(c, 8192)),
    expected: ok('/me'),
  },
  {
    name: 'an honest token of maxTokenBytes + 1 characters',
    request: (c) => me(tokenOfLength(c, 8193)),
    expected: invalidToken(D.tooLarge),
  },
  {
    name: '9000 characters of "a"',
    request: () => me('a'.repeat(9000)),
    expected: invalidToken(D.tooLarge),
  },
  {
    name: 'payload nested 5000 arrays deep (over maxTokenBytes)',
    request: (c) => me(signedParts(c, poolHeader(c), nest(5000))),
    expected: invalidToken(D.tooLarge),
  },
  {
    name: 'payload nested 5000 arrays deep, under a 16 KiB maxTokenBytes',
    app: 'id',
    request: (c) => me(signedParts(c, poolHeader(c), nest(5000))),
    expected: invalidToken(D.payloadObject),
  },
  {
    name: 'payload nested 2700 arrays deep',
    request: (c) => me(signedParts(c, poolHeader(c), nest(2700))),
    expected: invalidToken(D.payloadObject),
  },
  {
    name: 'header nested 2000 arrays deep',
    request: (c) => me(signedParts(c, nest(2000), accessClaims(c.pool))),
    expected: invalidToken(D.headerObject),
  },
  {
    name: 'payload object holding 2500 nested arrays',
    request: (c) => me(signedParts(c, poolHeader(c), `{"a":${nest(2500)}}`)),
    expected: invalidToken(D.issuer),
  },
  {
    name: 'payload of 900 nested objects',
    request: (c) => me(signedParts(c, poolHeader(c), `${'{"a":'.repeat(900)}1${'}'.repeat(900)}`)),
    expected: invalidToken(D.issuer),
  },
];

const NON_OBJECTS: readonly (readonly [string, string])[] = [
  ['an array', '["RS256"]'],
  ['null', 'null'],
  ['a string', '"RS256"'],
  ['a number', '256'],
  ['true', 'true'],
];

const jsonShapeScenarios: AdversarialScenario[] = [
  ...NON_OBJECTS.map(([label, json]): AdversarialScenario => ({
    name: `header is JSON ${label}`,
    request: (c) => me(signedParts(c, json, accessClaims(c.pool))),
    expected: invalidToken(D.headerObject),
  })),
  ...NON_OBJECTS.map(([label, json]): AdversarialScenario => ({
    name: `payload is JSON ${label}`,
    request: (c) => me(signedParts(c, poolHeader(c), json)),
    expected: invalidToken(D.payloadObject),
  })),
  {
    name: 'payload is an array holding the real claims (fast-jwt array payload)',
    request: (c) => me(signedParts(c, poolHeader(c), [accessClaims(c.pool)])),
    expected: invalidToken(D.payloadObject),
  },
  {
    name: 'payload is an empty object',
    request: (c) => me(signedParts(c, poolHeader(c), {})),
    expected: invalidToken(D.issuer),
  },
  {
    name: 'header is an empty object',
    request: (c) => me(signedParts(c, {}, accessClaims(c.pool))),
    expected: invalidToken(D.alg),
  },
  {
    name: 'header JSON preceded by a byte-order mark',
    request: (c) => me(signedParts(c, `\ufeff${poolHeader(c)}`, accessClaims(c.pool))),
    expected: invalidToken(D.headerJson),
  },
  {
    name: 'payload JSON preceded by a byte-order mark',
    request: (c) =>
      me(signedParts(c, poolHeader(c), `\ufeff${JSON.stringify(accessClaims(c.pool))}`)),
    expected: invalidToken(D.payloadJson),
  },
  {
    name: 'header JSON followed by garbage',
    request: (c) => me(signedParts(c, `${poolHeader(c)}x`, accessClaims(c.pool))),
    expected: invalidToken(D.headerJson),
  },
  {
    name: 'header JSON with a comment',
    request: (c) =>
      me(signedParts(c, `{/* */"alg":"RS256","kid":"${c.pool.key.kid}"}`, accessClaims(c.pool))),
    expected: invalidToken(D.headerJson),
  },
  {
    name: 'header in single-quoted pseudo-JSON',
    request: (c) =>
      me(signedParts(c, `{'alg':'RS256','kid':'${c.pool.key.kid}'}`, accessClaims(c.pool))),
    expected: invalidToken(D.headerJson),
  },
  {
    name: 'payload with a trailing comma',
    request: (c) =>
      me(signedParts(c, poolHeader(c), `${JSON.stringify(accessClaims(c.pool)).slice(0, -1)},}`)),
    expected: invalidToken(D.payloadJson),
  },
  {
    name: 'payload with a NaN literal',
    request: (c) =>
      me(
        signedParts(
          c,
          poolHeader(c),
          `${JSON.stringify(accessClaims(c.pool)).slice(0, -1)},"x":NaN}`,
        ),
      ),
    expected: invalidToken(D.payloadJson),
  },
  {
    name: 'control: alg spelled with a JSON escape ("\\u0052S256") is still RS256',
    request: (c) =>
      me(signedParts(c, `{"alg":"\\u0052S256","kid":"${c.pool.key.kid}"}`, accessClaims(c.pool))),
    expected: ok('/me'),
  },
  {
    name: 'alg "\\u006eone" (none behind a JSON escape)',
    request: (c) =>
      me(signedParts(c, `{"alg":"\\u006eone","kid":"${c.pool.key.kid}"}`, accessClaims(c.pool))),
    expected: invalidToken(D.alg),
  },
  {
    name: 'an invalid UTF-8 byte inside iss',
    // RFC 8259 §8.1: JSON text is UTF-8; malformed bytes are refused, never read as U+FFFD.
    request: (c) => {
      const text = JSON.stringify(accessClaims(c.pool));
      const at = text.indexOf(c.pool.issuer) + 4;
      const bytes = Buffer.concat([
        Buffer.from(text.slice(0, at)),
        Buffer.from([0xff]),
        Buffer.from(text.slice(at)),
      ]);
      return me(signedParts(c, poolHeader(c), bytes));
    },
    expected: invalidToken(D.payloadJson),
  },
];

export const ENCODING_SCENARIOS: readonly AdversarialScenario[] = [
  ...alphabetScenarios,
  ...whitespaceScenarios,
  ...segmentCountScenarios,
  ...truncationScenarios,
  ...bitFlipScenarios,
  ...sizeScenarios,
  ...jsonShapeScenarios,
];
