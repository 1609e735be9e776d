import { decodeBase64Url } from '../lib/base64.js';
import type { Algorithm } from '../lib/types.js';
import type { AlgorithmSpec } from './algorithms.js';
import type { CryptoBackend } from './crypto-backend.js';
import type { JwksKey } from './jwk-import.js';
import type { PublicJwk, PublicKeyFacts } from './public-jwk.js';

// The Web Crypto backend of the crypto seam (jws/crypto-backend.ts): `crypto.subtle`, which
// Deno, Bun, Cloudflare Workers (workerd) and Node share. The package's neutral build resolves
// `#crypto-backend` here; nothing in it needs `node:` modules or `Buffer`.

// Named through `crypto.subtle` rather than the DOM lib, which this package does not load.
type WebCryptoKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
type WebJwk = Extract<Parameters<typeof crypto.subtle.importKey>[1], { kty?: string }>;

/** Parameters of an import or a verification (`hash`, `namedCurve` or `saltLength` as needed). */
interface WebParams {
  readonly name: string;
  readonly hash?: string;
  readonly namedCurve?: string;
  readonly saltLength?: number;
}

/** What this backend keeps per key: the public JWK, or a key imported from SPKI (ALB). */
interface WebKeyMaterial {
  readonly jwk: PublicJwk | undefined;
  readonly spki: WebCryptoKey | undefined;
}

/** Web Crypto's names for JOSE's curves (RFC 7518 §6.2.1.1). */
const CURVE_NAMES = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' } as const;

const ENCODER = new TextEncoder();

/** Import and verify parameters for one algorithm, built once (RFC 7518 §3.3–3.5, RFC 8037). */
interface WebAlgorithm {
  readonly importParams: WebParams;
  readonly verifyParams: WebParams;
}

const WEB_ALGORITHMS = new Map<AlgorithmSpec, WebAlgorithm>();

function webAlgorithm(spec: AlgorithmSpec): WebAlgorithm {
  let found = WEB_ALGORITHMS.get(spec);
  if (found !== undefined) return found;
  const hash = spec.hash ?? 'SHA-256';
  if (spec.keyType === 'ec') {
    const namedCurve = CURVE_NAMES[spec.namedCurve ?? 'prime256v1'];
    // JOSE's R||S is the IEEE P1363 form Web Crypto's ECDSA takes as is (RFC 7518 §3.4).
    found = {
      importParams: { name: 'ECDSA', namedCurve },
      verifyParams: { name: 'ECDSA', hash },
    };
  } else if (spec.keyType === 'ed25519') {
    found = { importParams: { name: 'Ed25519' }, verifyParams: { name: 'Ed25519' } };
  } else if (spec.pssSaltLength !== undefined) {
    found = {
      importParams: { name: 'RSA-PSS', hash },
      verifyParams: { name: 'RSA-PSS', saltLength: spec.pssSaltLength },
    };
  } else {
    found = {
      importParams: { name: 'RSASSA-PKCS1-v1_5', hash },
      verifyParams: { name: 'RSASSA-PKCS1-v1_5' },
    };
  }
  WEB_ALGORITHMS.set(spec, found);
  return found;
}

/**
 * Keeps the public JWK: Web Crypto binds a key to one algorithm and hash, and imports
 * asynchronously, so the `CryptoKey` for each algorithm is imported on first use and kept.
 */
function importJwk(facts: PublicKeyFacts): object {
  const material: WebKeyMaterial = { jwk: facts.jwk, spki: undefined };
  return material;
}

const SPKI_BODY = /-----BEGIN PUBLIC KEY-----|-----END PUBLIC KEY-----|\s/g;

async function importSpkiP256(pem: string): Promise<object> {
  const der = Uint8Array.from(atob(pem.replace(SPKI_BODY, '')), (char) => char.charCodeAt(0));
  // Refused unless the SPKI names an EC key on P-256, the only kind ES256 may use.
  const spki = await crypto.subtle.importKey(
    'spki',
    der,
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  );
  const material: WebKeyMaterial = { jwk: undefined, spki };
  return material;
}

/** The key for `alg`, imported once; `undefined` when the platform refuses it. */
function cryptoKeyFor(
  key: JwksKey,
  alg: Algorithm,
  web: WebAlgorithm,
): Promise<WebCryptoKey | undefined> {
  let pending = key.inputs.get(alg) as Promise<WebCryptoKey | undefined> | undefined;
  if (pending === undefined) {
    const material = key.material as WebKeyMaterial;
    pending =
      material.spki !== undefined
        ? Promise.resolve(material.spki)
        : crypto.subtle
            .importKey('jwk', material.jwk as WebJwk, web.importParams, false, ['verify'])
            .catch(() => undefined);
    key.inputs.set(alg, pending);
  }
  return pending;
}

async function verify(
  alg: Algorithm,
  spec: AlgorithmSpec,
  key: JwksKey,
  signingInput: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const web = webAlgorithm(spec);
  const cryptoKey = await cryptoKeyFor(key, alg, web);
  if (cryptoKey === undefined) return false;
  try {
    return await crypto.subtle.verify(web.verifyParams, cryptoKey, signature, signingInput);
  } catch {
    return false;
  }
}

export const backend: CryptoBackend = {
  name: 'web',
  importJwk,
  importSpkiP256,
  verify,
  // No thread pool outside Node: `threadPool: true` is refused when the verifier is built.
  verifyOffThread: undefined,
  decodeBase64Url,
  // Tokens reaching here passed assertTokenCharset: ASCII, so UTF-8 is one byte per character.
  asciiBytes: (text) => ENCODER.encode(text),
  sha256: async (data) =>
    new Uint8Array(
      await crypto.subtle.digest('SHA-256', typeof data === 'string' ? ENCODER.encode(data) : data),
    ),
};
