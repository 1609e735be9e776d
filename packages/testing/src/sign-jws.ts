import { constants, sign as nodeSign } from 'node:crypto';
import type { CompactJWSHeaderParameters } from 'jose';
import type { TestAlgorithm } from './test-algorithm.js';
import { digestOf } from './algorithms.js';
import type { IssuerKey } from './key-ring.js';
import { loadJose } from './load-jose.js';

const encoder = new TextEncoder();

/**
 * Signs `payload` as a compact JWS (RFC 7515 §7.1) under exactly `header`.
 *
 * Well-formed tokens go through jose. Adversarial ones (a header `alg` that lies or is missing,
 * `crit`/`b64`, a key signing under an algorithm other than its own, weak RSA keys) are
 * refused by jose on purpose, so those are signed here with `node:crypto` under `alg`.
 */
export async function signJws(
  payload: Record<string, unknown>,
  header: Record<string, unknown>,
  key: IssuerKey,
  alg: TestAlgorithm,
): Promise<string> {
  const payloadBytes = encoder.encode(JSON.stringify(payload));
  const wellFormed =
    header['alg'] === alg &&
    alg === key.alg &&
    key.cryptoKey !== undefined &&
    !('crit' in header) &&
    !('b64' in header);
  if (wellFormed && key.cryptoKey !== undefined) {
    const { CompactSign } = await loadJose();
    return new CompactSign(payloadBytes)
      .setProtectedHeader(header as CompactJWSHeaderParameters)
      .sign(key.cryptoKey);
  }
  const signingInput = `${base64url(encoder.encode(JSON.stringify(header)))}.${base64url(payloadBytes)}`;
  return `${signingInput}.${base64url(rawSignature(signingInput, key, alg))}`;
}

function rawSignature(signingInput: string, key: IssuerKey, alg: TestAlgorithm): Uint8Array {
  const data = Buffer.from(signingInput, 'ascii');
  const digest = digestOf(alg);
  if (alg.startsWith('PS')) {
    // RFC 7518 §3.5: RSASSA-PSS with MGF1 on the same hash and a salt as long as the hash.
    return nodeSign(digest, data, {
      key: key.privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    });
  }
  if (alg.startsWith('ES')) {
    // RFC 7518 §3.4: R || S, not DER.
    return nodeSign(digest, data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  }
  return nodeSign(digest, data, key.privateKey);
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}
