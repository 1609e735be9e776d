import { backend } from '#crypto-backend';
import { UseDpopNonceError } from '../errors/dpop-errors.js';
import { detailTime, seen } from '../errors/error-detail.js';
import { signatureIsValid } from '../jws/signature.js';
import { decodeBase64Url } from '../lib/base64.js';
import type { DpopPolicy } from './dpop-options.js';
import { normalizeHttpUrl } from './htu.js';
import { jwkThumbprint } from './jwk-thumbprint.js';
import { refused } from './proof-error.js';
import { readProof, type ProofParts } from './proof-header.js';
import { rememberProof } from './proof-replay.js';

/**
 * What a DPoP request presents: its proof, what the proof must match, and the token's key.
 *
 * @example
 * ```ts
 * const presentation: DpopPresentation = {
 *   proof: req.headers.dpop as string,
 *   method: req.method!,
 *   url: `https://api.example.com${req.url}`,
 *   accessToken: token,
 *   jkt: auth.binding.type === 'dpop' ? auth.binding.jkt : '',
 * };
 * await checkDpopProof(policy, presentation, Date.now());
 * ```
 */
export interface DpopPresentation {
  /** The value of the request's one `DPoP` header. */
  readonly proof: string;
  /** The request method, as received (RFC 9110 §9.1: case-sensitive). */
  readonly method: string;
  /** The absolute request URL (public origin and target); query and fragment are ignored. */
  readonly url: string;
  /** The access token the request carries, for `ath` (RFC 9449 §4.2). */
  readonly accessToken: string;
  /** The token's `cnf.jkt` (RFC 9449 §6.1). */
  readonly jkt: string;
}

/** RFC 9449 §4.2 (and RFC 7519 §4.1.7): a `jti` is short; longer ones would only fill the store. */
export const MAX_JTI_LENGTH = 256;

/** Everything the later checks need, passed along instead of captured in closures. */
interface Proof extends ProofParts {
  readonly policy: DpopPolicy;
  readonly presentation: DpopPresentation;
  readonly nowMs: number;
  readonly iat: number;
  readonly jti: string;
}

/**
 * The checks of RFC 9449 §4.3, in this order: one proof, a compact JWS of at most 8 KiB, `typ`
 * `dpop+jwt`, `alg` in the policy, no `crit`, `jwk` a public key fit for `alg`, the signature,
 * `htm`, `htu` (normalized, query and fragment ignored), `iat` in the window, `jti`, `ath`, the
 * server nonce when the policy has them, the key's thumbprint against the token's `cnf.jkt`, and
 * last the replay store, so proofs failing any other check never fill it.
 *
 * Throws `InvalidDpopProofError` (401 `invalid_dpop_proof`, a code per check),
 * `UseDpopNonceError` (401 `use_dpop_nonce` with a fresh nonce), or `IdpUnavailableError` (503
 * `DPOP_REPLAY_UNAVAILABLE`) when the store fails or misses `replayTimeoutMs`. Synchronous on
 * Node with a synchronous store (the memory one); otherwise returns a promise.
 *
 * @example
 * ```ts
 * import { checkDpopProof, dpopPolicy } from '@tokengate/core';
 *
 * declare const request: { proof: string; method: string; url: string; token: string; jkt: string };
 * const policy = dpopPolicy({ mode: 'required' });
 * await checkDpopProof(policy, {
 *   proof: request.proof,
 *   method: request.method,
 *   url: request.url,
 *   accessToken: request.token,
 *   jkt: request.jkt,
 * }, Date.now());
 * ```
 */
export function checkDpopProof(
  policy: DpopPolicy,
  presentation: DpopPresentation,
  nowMs: number,
): void | Promise<void> {
  const parts = readProof(policy, presentation.proof);
  const valid = signatureIsValid(parts.alg, parts.key.key, parts.signingInput, parts.signature);
  if (valid === true) return checkClaims(parts, policy, presentation, nowMs);
  if (valid === false) throw badSignature(parts);
  return valid.then((ok) => {
    if (!ok) throw badSignature(parts);
    return checkClaims(parts, policy, presentation, nowMs);
  });
}

/** RFC 9449 §4.3 checks 8–11: `htm`, `htu`, `iat`, `jti`; then `ath` once its hash is known. */
function checkClaims(
  parts: ProofParts,
  policy: DpopPolicy,
  presentation: DpopPresentation,
  nowMs: number,
): void | Promise<void> {
  const { htm, htu, iat, jti } = parts.claims;
  if (typeof htm !== 'string') throw missingClaim('htm', htm);
  if (htm !== presentation.method) {
    throw refused('DPOP_METHOD_MISMATCH', 'DPoP proof is for another HTTP method', {
      htm: seen(htm),
      method: seen(presentation.method),
    });
  }
  if (typeof htu !== 'string') throw missingClaim('htu', htu);
  checkUrl(htu, presentation.url);
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw missingClaim('iat', iat);
  const nowSeconds = nowMs / 1000;
  const tolerance = policy.clockToleranceSeconds;
  if (iat > nowSeconds + tolerance) {
    throw refused('DPOP_PROOF_ISSUED_IN_FUTURE', 'DPoP proof was issued in the future', {
      iat: detailTime(iat),
      now: detailTime(nowSeconds),
      leewaySeconds: tolerance,
    });
  }
  if (iat < nowSeconds - policy.proofMaxAgeSeconds - tolerance) {
    throw refused('DPOP_PROOF_EXPIRED', 'DPoP proof is too old', {
      iat: detailTime(iat),
      now: detailTime(nowSeconds),
      maxAgeSeconds: policy.proofMaxAgeSeconds,
      leewaySeconds: tolerance,
    });
  }
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) {
    throw missingClaim('jti', jti);
  }
  const proof: Proof = { ...parts, policy, presentation, nowMs, iat, jti };
  // RFC 9449 §4.2: `ath` is the base64url SHA-256 of the ASCII access token.
  const digest = backend.sha256(presentation.accessToken);
  return digest instanceof Promise
    ? digest.then((bytes) => checkAth(proof, bytes))
    : checkAth(proof, digest);
}

/**
 * RFC 9449 §4.3 check 9: `htu` against the request URL. The request URL's normal form is
 * computed first; an `htu` already equal to it needs no normalizing of its own (normal forms
 * are fixed points).
 */
function checkUrl(htu: string, url: string): void {
  const target = normalizeHttpUrl(url);
  if (target === undefined) {
    throw refused('DPOP_URL_MISMATCH', 'The request URL cannot be matched by a DPoP proof', {
      url: seen(url),
    });
  }
  if (htu === target) return;
  const normal = normalizeHttpUrl(htu);
  if (normal === undefined) {
    throw refused('DPOP_PROOF_INVALID', 'DPoP proof htu is not an http(s) URI', {
      htu: seen(htu),
    });
  }
  if (normal !== target) {
    throw refused('DPOP_URL_MISMATCH', 'DPoP proof is for another URL', {
      htu: seen(normal),
      url: seen(target),
    });
  }
}

/** RFC 9449 §4.3 check 11 (`ath`), then the nonce (check 10) when the policy issues them. */
function checkAth(proof: Proof, digest: Uint8Array): void | Promise<void> {
  const ath = proof.claims.ath;
  if (typeof ath !== 'string') throw missingClaim('ath', ath);
  if (!athMatches(ath, digest)) {
    throw refused('DPOP_ATH_MISMATCH', 'DPoP proof is for another access token', {
      ath: seen(ath),
    });
  }
  const nonces = proof.policy.nonces;
  if (nonces === undefined) return checkBinding(proof);
  const nonce = proof.claims.nonce;
  const accepted = typeof nonce === 'string' ? nonces.accepts(nonce, proof.nowMs) : false;
  if (accepted === true) return checkBinding(proof);
  if (accepted === false) return nonceRequired(proof);
  return accepted.then((ok) => (ok ? checkBinding(proof) : nonceRequired(proof)));
}

/** RFC 9449 §9: a missing, unknown or outdated nonce asks the client to retry with this one. */
function nonceRequired(proof: Proof): Promise<never> {
  const nonce = proof.claims.nonce;
  const fresh = proof.policy.nonces!.current(proof.nowMs);
  const error = (current: string): UseDpopNonceError =>
    new UseDpopNonceError(current, {
      description: 'DPoP proof must carry the nonce the server provides',
      detail: { nonce: nonce === undefined ? null : seen(nonce) },
    });
  if (typeof fresh === 'string') throw error(fresh);
  return fresh.then((current) => {
    throw error(current);
  });
}

/** A SHA-256 digest in unpadded base64url: 43 characters. */
const ATH_LENGTH = 43;

/**
 * Whether `ath` is the base64url spelling of `digest`. Compared decoded, which costs a tenth of
 * encoding the digest; exact all the same: 43 base64url characters decode to 32 bytes only
 * when every one is in the alphabet, and the last one's two unused bits must be zero (RFC 4648
 * §3.5), so no second spelling of the hash passes.
 */
function athMatches(ath: string, digest: Uint8Array): boolean {
  if (ath.length !== ATH_LENGTH) return false;
  const bytes = decodeBase64Url(ath);
  if (bytes.length !== digest.length) return false;
  // Only `A`, `E`, `I`, … `w`, `0`, `4`, `8` (values with the low two bits clear) may end it.
  if ((BASE64URL_ALPHABET.indexOf(ath.charAt(ATH_LENGTH - 1)) & 0x03) !== 0) return false;
  for (let i = 0; i < bytes.length; i += 1) if (bytes[i] !== digest[i]) return false;
  return true;
}

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** RFC 9449 §6.1, §7.1: the proof key must be the key the token is bound to (`cnf.jkt`). */
function checkBinding(proof: Proof): void | Promise<void> {
  const key = proof.key;
  let thumbprint = key.thumbprint;
  if (thumbprint === undefined) {
    const computed = jwkThumbprint(key.jwk);
    if (computed instanceof Promise) {
      return computed.then((value) => {
        key.thumbprint = value;
        return checkThumbprint(proof, value);
      });
    }
    thumbprint = key.thumbprint = computed;
  }
  return checkThumbprint(proof, thumbprint);
}

function checkThumbprint(proof: Proof, thumbprint: string): void | Promise<void> {
  if (thumbprint !== proof.presentation.jkt) {
    throw refused('DPOP_BINDING_MISMATCH', 'DPoP proof key is not the key the token is bound to', {
      jkt: seen(proof.presentation.jkt),
      thumbprint,
    });
  }
  // A key bound to a valid token: worth keeping imported for this client's next proofs.
  proof.policy.keys.admit(proof.key);
  return rememberProof(proof.policy, proof.presentation.jkt, proof.jti, proof.iat);
}

function badSignature(parts: ProofParts): Error {
  return refused('DPOP_SIGNATURE_INVALID', 'DPoP proof signature is invalid', {
    alg: parts.alg,
  });
}

function missingClaim(claim: string, value: unknown): Error {
  return refused('DPOP_PROOF_INVALID', `DPoP proof ${claim} claim is missing or invalid`, {
    claim,
    value: seen(value),
  });
}
