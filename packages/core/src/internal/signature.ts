import { verify as cryptoVerify } from 'node:crypto';
import type { Algorithm } from '../types.js';
import { ALGORITHMS } from './algorithms.js';
import { verifyInputFor, type JwksKey } from './jwk-import.js';

/** Checks a JWS signature with an imported key; never throws. */
export function signatureIsValid(
  alg: Algorithm,
  key: JwksKey,
  signingInput: Buffer,
  signature: Buffer,
): boolean {
  const spec = ALGORITHMS[alg];
  if (spec.signatureBytes !== undefined) {
    // RFC 7518 §3.4: exactly R||S at the curve's size; DER or truncated forms are refused, and
    // so are zero R or S ("psychic signatures", CVE-2022-21449) whatever the crypto library does.
    if (signature.length !== spec.signatureBytes) return false;
    const half = spec.signatureBytes / 2;
    if (isZero(signature, 0, half) || isZero(signature, half, spec.signatureBytes)) return false;
  }
  try {
    return cryptoVerify(spec.digest, signingInput, verifyInputFor(key, alg), signature);
  } catch {
    return false;
  }
}

function isZero(bytes: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i += 1) if (bytes[i] !== 0) return false;
  return true;
}
