import { invalid } from './claims-check.js';
import { detailList, seen, type ErrorDetail } from '../errors/error-detail.js';
import type { JwtClaims, TokenBinding } from '../lib/types.js';

export const BEARER: TokenBinding = Object.freeze({ type: 'bearer' });

// A SHA-256 digest in unpadded base64url is exactly 43 characters (RFC 7638 §3, RFC 8705 §3.1).
const SHA256_B64URL = /^[A-Za-z0-9_-]{43}$/;

/**
 * The token's binding. Fail closed: a `cnf` that is not an object, a confirmation method this
 * library cannot check (`jwk`, `kid`, `jku`, `x5t`, …) or both at once is refused, because
 * accepting it as a bearer token would ignore the issuer's demand for proof of possession.
 */
export function tokenBinding(claims: JwtClaims): TokenBinding {
  const cnf = claims.cnf;
  if (cnf === undefined) return BEARER;
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) {
    throw unsupported('Token cnf claim is not an object', { cnf: seen(cnf) });
  }
  const members = Object.keys(cnf);
  const jkt = (cnf as Record<string, unknown>).jkt;
  const x5t = (cnf as Record<string, unknown>)['x5t#S256'];
  if (members.length !== 1 || (jkt === undefined && x5t === undefined)) {
    throw unsupported('Token cnf claim holds a confirmation method that is not supported', {
      members: detailList(members),
    });
  }
  if (jkt !== undefined) {
    if (typeof jkt !== 'string' || !SHA256_B64URL.test(jkt)) {
      throw unsupported('Token cnf.jkt is not a SHA-256 thumbprint', { jkt: seen(jkt) });
    }
    return { type: 'dpop', jkt };
  }
  if (typeof x5t !== 'string' || !SHA256_B64URL.test(x5t)) {
    throw unsupported('Token cnf["x5t#S256"] is not a SHA-256 thumbprint', { x5t: seen(x5t) });
  }
  return { type: 'mtls', x5tS256: x5t };
}

function unsupported(description: string, detail: ErrorDetail): ReturnType<typeof invalid> {
  return invalid('CONFIRMATION_UNSUPPORTED', description, detail);
}
