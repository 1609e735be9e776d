// Distinct hostile tokens for the flood check, built from one valid token without signing:
// every call returns a string never returned before, so no cache can absorb the flood.
import { randomFillSync, randomUUID } from 'node:crypto';

// Random bytes are drawn from one buffer refilled 1 MiB at a time: a `randomBytes()` call per
// token would cost more than rejecting the token.
const entropy = Buffer.alloc(1 << 20);
let entropyUsed = entropy.length;

/** `bytes` fresh random bytes as unpadded base64url. */
function randomSegment(bytes) {
  if (entropyUsed + bytes > entropy.length) {
    randomFillSync(entropy);
    entropyUsed = 0;
  }
  entropyUsed += bytes;
  return entropy.toString('base64url', entropyUsed - bytes, entropyUsed);
}

const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (segment) => JSON.parse(Buffer.from(segment, 'base64url').toString());

/** Token makers derived from `validToken` (a compact JWS from the trusted issuer). */
export function createForgers(validToken) {
  const [headerSegment, payloadSegment, signatureSegment] = validToken.split('.');
  const header = decode(headerSegment);
  const claims = decode(payloadSegment);
  const signatureBytes = Buffer.from(signatureSegment, 'base64url').length;
  let serial = 0;
  const signature = () => randomSegment(signatureBytes);
  const freshClaims = () => encode({ ...claims, jti: `forged-${serial++}` });

  return {
    /** Real header and kid, plausible claims, random signature: costs a real signature check. */
    forged: () => `${headerSegment}.${freshClaims()}.${signature()}`,
    /** Same, but with a kid the issuer never published: tempts a JWKS refetch. */
    unknownKid: () => `${encode({ ...header, kid: randomUUID() })}.${freshClaims()}.${signature()}`,
    /** Not a JWS at all, in three shapes that fail at different stages of decoding. */
    garbage() {
      const shape = serial++ % 3;
      if (shape === 0) return randomSegment(760);
      if (shape === 1) return `${randomSegment(600)}.${randomSegment(300)}.${signature()}`;
      return `${headerSegment}.${randomSegment(600)}.${signature()}`;
    },
  };
}
