import { normalizeTyp } from '../claims/claims-check.js';
import { seen } from '../errors/error-detail.js';
import { ALGORITHMS } from '../jws/algorithms.js';
import { decodeCompactJws } from '../jws/compact-jws.js';
import { hasPrivateMembers, keyFitsAlgorithm } from '../jws/jwk-import.js';
import type { Algorithm, JwtClaims } from '../lib/types.js';
import type { DpopPolicy } from './dpop-options.js';
import { refused } from './proof-error.js';
import type { ProofKey } from './proof-keys.js';

/** A proof whose form, type, algorithm and key passed; its signature is not checked yet. */
export interface ProofParts {
  readonly alg: Algorithm;
  readonly claims: JwtClaims;
  readonly key: ProofKey;
  readonly signingInput: Uint8Array;
  readonly signature: Uint8Array;
}

/** A proof larger than this is refused before it is decoded (RFC 9449 §4.2 proofs are small). */
export const MAX_PROOF_LENGTH = 8192;

/**
 * Compact JWS syntax (RFC 7515 §7.1), ASCII only: the decoders downstream read a character's
 * low byte (see jws/token-charset.ts), so nothing else may reach them.
 */
const COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** RFC 9449 §4.2: the proof's media type, compared as RFC 7515 §4.1.9 says. */
const DPOP_TYP = 'dpop+jwt';

/**
 * RFC 9449 §4.3 checks 1–7, before the signature: one well-formed JWT, `typ` `dpop+jwt`, an
 * allowed asymmetric `alg`, no `crit`, and a `jwk` header that is a public key (no private
 * member) fit for that `alg`, imported (or found among the keys already imported).
 */
export function readProof(policy: DpopPolicy, proof: unknown): ProofParts {
  if (typeof proof !== 'string' || proof.length === 0) {
    throw refused('DPOP_PROOF_MISSING', 'The request has no DPoP proof');
  }
  if (proof.length > MAX_PROOF_LENGTH) {
    throw refused('DPOP_PROOF_INVALID', 'DPoP proof is too large', {
      length: proof.length,
      maxLength: MAX_PROOF_LENGTH,
    });
  }
  if (!COMPACT.test(proof)) {
    // RFC 9449 §4.3 check 1: exactly one proof; a list-joined header (`a, b`) holds two.
    throw proof.includes(',')
      ? refused('DPOP_PROOF_DUPLICATE', 'The request must carry exactly one DPoP proof')
      : refused('DPOP_PROOF_INVALID', 'DPoP proof is not a compact JWS');
  }
  let decoded: ReturnType<typeof decodeCompactJws>;
  try {
    decoded = decodeCompactJws(proof);
  } catch {
    throw refused('DPOP_PROOF_INVALID', 'DPoP proof is not a well-formed JWT');
  }
  const { header, claims } = decoded;
  const typ = header.typ;
  if (typ !== DPOP_TYP && (typeof typ !== 'string' || normalizeTyp(typ) !== DPOP_TYP)) {
    throw refused('DPOP_PROOF_INVALID', 'DPoP proof type must be dpop+jwt', { typ: seen(typ) });
  }
  const alg = header.alg;
  // The policy's algorithms are asymmetric ones we implement: never `none`, never HMAC.
  if (!policy.algorithmSet.has(alg)) {
    throw refused('DPOP_ALG_NOT_ALLOWED', 'DPoP proof algorithm is not allowed', {
      alg: seen(alg),
      allowed: policy.algorithms,
    });
  }
  // RFC 7515 §4.1.11: no extension is understood, so none may be critical.
  if (header.crit !== undefined) {
    throw refused('DPOP_PROOF_INVALID', 'DPoP proof has critical header parameters', {
      crit: seen(header.crit),
    });
  }
  const key = proofKey(policy, header.jwk, alg as Algorithm);
  return {
    alg: alg as Algorithm,
    claims,
    key,
    signingInput: decoded.signingInput,
    signature: decoded.signature,
  };
}

/** RFC 9449 §4.3 checks 5–6: the `jwk` header, a public key whose type and curve fit `alg`. */
function proofKey(policy: DpopPolicy, jwk: unknown, alg: Algorithm): ProofKey {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw refused('DPOP_KEY_INVALID', 'DPoP proof has no jwk header', { jwk: seen(jwk) });
  }
  // RFC 9449 §4.2: "MUST NOT contain a private key". Refused, not stripped: a client that
  // sends its private key has leaked it, and whoever saw this request can sign proofs.
  if (hasPrivateMembers(jwk)) {
    throw refused('DPOP_KEY_INVALID', 'DPoP proof jwk must not hold a private key', {
      private: true,
    });
  }
  const record = jwk as Readonly<Record<string, unknown>>;
  // RFC 7517 §4.2–4.4: a key marked for encryption, for other operations, or for another
  // algorithm must not verify this proof.
  const { use, key_ops: keyOps, alg: keyAlg } = record;
  if (
    (use !== undefined && use !== 'sig') ||
    (keyOps !== undefined && !(Array.isArray(keyOps) && keyOps.includes('verify'))) ||
    (keyAlg !== undefined && keyAlg !== alg)
  ) {
    throw refused('DPOP_KEY_INVALID', 'DPoP proof jwk is not meant for this signature', {
      use: seen(use),
      alg: seen(keyAlg),
    });
  }
  const key = policy.keys.get(record);
  if (key === undefined) {
    throw refused('DPOP_KEY_INVALID', 'DPoP proof jwk is not a usable public key', {
      kty: seen(record['kty']),
      crv: seen(record['crv']),
    });
  }
  // RFC 8725 §3.1: the algorithm must fit the key (RSA for RS*/PS*, the curve of ES*).
  if (!keyFitsAlgorithm(key.key, alg)) {
    throw refused('DPOP_KEY_INVALID', 'DPoP proof jwk does not fit its algorithm', {
      kty: key.jwk.kty,
      crv: seen(key.jwk.crv),
      alg,
      expected: ALGORITHMS[alg].keyType,
    });
  }
  return key;
}
