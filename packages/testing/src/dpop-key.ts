import type { DpopKey, DpopKeyOptions } from './dpop-types.js';
import { assertKnownKeys } from './known-keys.js';
import type { ProofSigner } from './dpop-proof.js';
import { assertTestAlgorithm } from './algorithms.js';
import { buildDpopProof } from './dpop-proof.js';
import { jwkThumbprint } from './jwk-thumbprint.js';
import { generateIssuerKey } from './key-ring.js';
import type { IssuerKey } from './key-ring.js';

/** The signing material behind each key this module made; a look-alike object has none. */
const material = new WeakMap<DpopKey, IssuerKey>();

// RFC 7517 §4, RFC 7518 §6: the public members per key type. Anything else (`d`, `p`, `q`, …)
// would be a private part, which RFC 9449 §4.2 forbids in the `jwk` header.
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
  RSA: ['kty', 'n', 'e'],
};

/**
 * Generates a client's DPoP key pair (RFC 9449 §2): it makes proofs for requests
 * (`key.proof({ method, url, accessToken })`) and binds tokens minted by the test issuer
 * (`issuer.accessToken({ dpop: key })` sets `cnf.jkt` to `key.thumbprint`). Proof options can
 * override any header member or claim, or sign with something else, to build the broken proofs
 * a resource server must refuse. Option mistakes reject with `TypeError`.
 *
 * @example
 * ```ts
 * import { createDpopKey, createTestIssuer } from '@tokengate/testing';
 *
 * const issuer = await createTestIssuer();
 * const key = await createDpopKey(); // ES256
 * const token = await issuer.accessToken({ dpop: key });
 * const url = 'http://127.0.0.1:3000/orders';
 * await fetch(url, {
 *   headers: {
 *     authorization: `DPoP ${token}`,
 *     dpop: await key.proof({ method: 'GET', url, accessToken: token }),
 *   },
 * });
 * // A proof signed with HMAC, which a server must refuse (RFC 9449 §4.3):
 * await key.proof({ method: 'GET', url, signWith: { alg: 'HS256', secret: 'not-a-key' } });
 * await issuer.close();
 * ```
 */
export async function createDpopKey(options: DpopKeyOptions = {}): Promise<DpopKey> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options must be an object');
  }
  assertKnownKeys(options, ['alg'], 'createDpopKey');
  const alg = options.alg ?? 'ES256';
  assertTestAlgorithm(alg, 'alg');
  const key = await generateIssuerKey(alg);
  const exported = key.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const publicJwk: Record<string, string> = {};
  for (const name of PUBLIC_MEMBERS[String(exported['kty'])] ?? []) {
    publicJwk[name] = String(exported[name]);
  }
  Object.freeze(publicJwk);
  const dpopKey: DpopKey = {
    alg,
    publicJwk,
    thumbprint: jwkThumbprint(publicJwk),
    privateKey: key.privateKey,
    publicKey: key.publicKey,
    async proof(proofOptions) {
      const signWith = (proofOptions as { signWith?: unknown } | null | undefined)?.signWith;
      return buildDpopProof(publicJwk, resolveSigner(signWith, key), proofOptions);
    },
  };
  Object.freeze(dpopKey);
  material.set(dpopKey, key);
  return dpopKey;
}

const HMAC_ALGS: readonly string[] = ['HS256', 'HS384', 'HS512'];

function resolveSigner(signWith: unknown, own: IssuerKey): ProofSigner {
  if (signWith === undefined) return { kind: 'key', key: own };
  const other = material.get(signWith as DpopKey);
  if (other !== undefined) return { kind: 'key', key: other };
  const { alg, secret } = (signWith ?? {}) as { alg?: unknown; secret?: unknown };
  if (alg === 'none') {
    assertKnownKeys(signWith as object, ['alg'], 'proof: signWith');
    return { kind: 'none' };
  }
  if (typeof alg === 'string' && HMAC_ALGS.includes(alg)) {
    assertKnownKeys(signWith as object, ['alg', 'secret'], 'proof: signWith');
    const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
    if (bytes instanceof Uint8Array && bytes.byteLength > 0) {
      return { kind: 'hmac', alg: alg as 'HS256' | 'HS384' | 'HS512', secret: bytes };
    }
    throw new TypeError('signWith.secret must be a non-empty string or Uint8Array');
  }
  throw new TypeError(
    "signWith must be a key from createDpopKey(), { alg: 'none' } or { alg: 'HS256', secret }",
  );
}
