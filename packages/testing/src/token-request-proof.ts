import type { IncomingMessage } from 'node:http';
import { TEST_ALGORITHMS } from './test-algorithm.js';
import { jwkThumbprint } from './jwk-thumbprint.js';
import { loadJose } from './load-jose.js';
import { OAuthError } from './oauth-error.js';

/**
 * Checks the DPoP proof of a token request (RFC 9449 §5) and answers the thumbprint of its key,
 * or `undefined` when the request carries no `DPoP` header (a bearer token is issued).
 */
export type TokenRequestProofCheck = (
  req: IncomingMessage,
  tokenEndpoint: string,
) => Promise<string | undefined>;

// A proof is a few hundred bytes (an RSA 4096 jwk about 1 KiB); the gate's limit is 8 KiB too.
const MAX_PROOF_LENGTH = 8 * 1024;
// RFC 9449 §11.1: a short acceptance window, and a little skew for clocks ahead of ours.
const MAX_AGE_SECONDS = 60;
const SKEW_SECONDS = 5;
const MAX_JTI_LENGTH = 256;
// Bounds the replay memory: 10 000 ids of at most 256 characters plus a jkt.
const MAX_REMEMBERED = 10_000;

/**
 * The minimal RFC 9449 §4.3 check a test authorization server needs: one compact `dpop+jwt`
 * signed by its public `jwk` under an asymmetric algorithm, `htm` POST, `htu` this endpoint,
 * a fresh `iat` and a `jti` not seen before. No server nonces. Failures answer 400
 * `invalid_dpop_proof` (RFC 9449 §5).
 */
export function createTokenRequestProofCheck(): TokenRequestProofCheck {
  // `${jkt}:${jti}` → expiry (epoch ms), in insertion order, so expired ids leave from the front.
  const seen = new Map<string, number>();

  function remember(key: string, expiresAtMs: number, nowMs: number): void {
    for (const [old, expiry] of seen) {
      if (expiry > nowMs) break;
      seen.delete(old);
    }
    if (seen.has(key)) throw invalidProof('the proof was used before (jti replayed)');
    // Fail closed: when full, refuse rather than forget ids that could then be replayed.
    if (seen.size >= MAX_REMEMBERED) {
      throw new OAuthError('temporarily_unavailable', 503, 'too many recent DPoP proofs');
    }
    seen.set(key, expiresAtMs);
  }

  return async (req, tokenEndpoint) => {
    const values: string[] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      if (req.rawHeaders[i]?.toLowerCase() === 'dpop') values.push(req.rawHeaders[i + 1] ?? '');
    }
    if (values.length === 0) return undefined;
    // RFC 9449 §4.3 point 1: not more than one DPoP header.
    if (values.length > 1) throw invalidProof('more than one DPoP header');
    const proof = values[0] ?? '';
    if (proof.length > MAX_PROOF_LENGTH || !/^[\w-]+\.[\w-]+\.[\w-]*$/.test(proof)) {
      throw invalidProof('the DPoP header is not a compact JWS');
    }
    const { EmbeddedJWK, jwtVerify } = await loadJose();
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      // EmbeddedJWK refuses a jwk with private members (RFC 9449 §4.3 point 7); `algorithms`
      // excludes none and HMAC (point 5); `typ` is compared as a media type (point 4).
      const verified = await jwtVerify(proof, EmbeddedJWK, {
        typ: 'dpop+jwt',
        algorithms: [...TEST_ALGORITHMS],
      });
      header = verified.protectedHeader as Record<string, unknown>;
      claims = verified.payload as Record<string, unknown>;
    } catch (cause) {
      throw invalidProof(`the DPoP proof does not verify: ${(cause as Error).message}`);
    }
    if (claims['htm'] !== 'POST') throw invalidProof('htm is not POST');
    if (typeof claims['htu'] !== 'string' || targetUri(claims['htu']) !== tokenEndpoint) {
      throw invalidProof('htu is not the token endpoint');
    }
    const jti = claims['jti'];
    if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) {
      throw invalidProof('jti is missing or too long');
    }
    const iat = claims['iat'];
    const nowMs = Date.now();
    const now = nowMs / 1000;
    if (typeof iat !== 'number' || iat < now - MAX_AGE_SECONDS - SKEW_SECONDS) {
      throw invalidProof('iat is missing or too old');
    }
    if (iat > now + SKEW_SECONDS) throw invalidProof('iat is in the future');
    const jkt = jwkThumbprint(header['jwk'] as Record<string, unknown>);
    remember(`${jkt}:${jti}`, (iat + MAX_AGE_SECONDS + SKEW_SECONDS) * 1000, nowMs);
    return jkt;
  };
}

function invalidProof(description: string): OAuthError {
  return new OAuthError('invalid_dpop_proof', 400, description);
}

/** RFC 9449 §4.3 point 9: htu compared without query and fragment, in normal form. */
function targetUri(htu: string): string | undefined {
  if (!URL.canParse(htu)) return undefined;
  const url = new URL(htu);
  url.search = '';
  url.hash = '';
  return url.href;
}
