import { backend } from '#crypto-backend';
import { IdpUnavailableError } from '../errors/errors.js';
import type { Algorithm } from '../lib/types.js';
import { ALGORITHMS } from './algorithms.js';
import type { JwksKey } from './jwk-import.js';

/**
 * Checks a JWS signature with an imported key; never throws or rejects. Synchronous on Node
 * (`crypto.verify` on the calling thread), a promise on Web Crypto, whose `verify` is async:
 * callers await only when handed a promise, so Node's path gains no turn of the event loop.
 */
export function signatureIsValid(
  alg: Algorithm,
  key: JwksKey,
  signingInput: Uint8Array,
  signature: Uint8Array,
): boolean | Promise<boolean> {
  const spec = ALGORITHMS[alg];
  if (!wellFormed(spec.signatureBytes, signature)) return false;
  return backend.verify(alg, spec, key, signingInput, signature);
}

/** Whether this backend can check signatures on a thread pool (`threadPool: true`): Node only. */
export const threadPoolAvailable = backend.verifyOffThread !== undefined;

/**
 * The same check on libuv's thread pool, leaving the event loop free meanwhile. The pool is
 * shared with `dns.lookup` and `fs`, whose calls can block its threads for seconds, so the
 * check gets a deadline: past it the answer is unknown, which is a 503 (`IdpUnavailableError`),
 * never a 401 for a token that may be valid. Resolves `false` for a bad signature. Only called
 * when {@link threadPoolAvailable} (the verifier refuses the option otherwise).
 */
export function signatureIsValidOffThread(
  alg: Algorithm,
  key: JwksKey,
  signingInput: Uint8Array,
  signature: Uint8Array,
  timeoutMs: number,
): Promise<boolean> {
  const spec = ALGORITHMS[alg];
  const offThread = backend.verifyOffThread;
  if (offThread === undefined || !wellFormed(spec.signatureBytes, signature)) {
    return Promise.resolve(false);
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(poolBusy(timeoutMs)), timeoutMs);
    offThread(alg, spec, key, signingInput, signature, (valid) => {
      clearTimeout(timer);
      resolve(valid);
    });
  });
}

function poolBusy(timeoutMs: number): IdpUnavailableError {
  return new IdpUnavailableError({
    description: 'The token could not be checked in time; retry later',
    cause: new Error(`thread pool signature check did not finish within ${timeoutMs} ms`),
    retryAfterSeconds: 1,
  });
}

// RFC 7518 §3.4: ECDSA signatures are exactly R||S at the curve's size; DER or truncated forms
// are refused, and so are zero R or S ("psychic signatures", CVE-2022-21449) whatever the
// crypto library does.
function wellFormed(signatureBytes: number | undefined, signature: Uint8Array): boolean {
  if (signatureBytes === undefined) return true;
  if (signature.length !== signatureBytes) return false;
  const half = signatureBytes / 2;
  return !isZero(signature, 0, half) && !isZero(signature, half, signatureBytes);
}

function isZero(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i += 1) if (bytes[i] !== 0) return false;
  return true;
}
