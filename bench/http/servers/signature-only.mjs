// The minimal verifier every framework's "minimal verifier" server runs in one hook: split the
// token at its last dot and `crypto.verify` the signing input with a KeyObject imported at
// start-up. No header or payload decoding, no claims, no cache: the least work any server that
// checks a signature per request must do, and so the yardstick for fresh tokens.
import { createPublicKey, verify } from 'node:crypto';
import { issuerEnv } from './env.mjs';

const BEARER = 'Bearer ';

/** Imports the issuer's one RS256 key from its JWKS (fetched once, before listening). */
export async function loadVerifyKey() {
  const { jwksUri } = issuerEnv();
  const response = await fetch(jwksUri);
  if (!response.ok) throw new Error(`JWKS fetch failed: ${response.status}`);
  const { keys } = await response.json();
  if (!Array.isArray(keys) || keys.length !== 1) throw new Error('expected exactly one key');
  return createPublicKey({ key: keys[0], format: 'jwk' });
}

/** True when `authorization` is `Bearer <token>` whose RS256 signature `key` accepts. */
export function signatureValid(authorization, key) {
  if (typeof authorization !== 'string' || !authorization.startsWith(BEARER)) return false;
  const dot = authorization.lastIndexOf('.');
  if (dot <= BEARER.length) return false;
  // RFC 7515 §5.2: the signing input is the ASCII of `header.payload`, as sent.
  const data = Buffer.from(authorization.slice(BEARER.length, dot), 'latin1');
  const signature = Buffer.from(authorization.slice(dot + 1), 'base64url');
  return verify('sha256', data, key, signature);
}

/** The body every minimal verifier answers: it does not decode the payload, so no `sub`. */
export const MINIMAL_BODY = { sub: 'signature-only' };
