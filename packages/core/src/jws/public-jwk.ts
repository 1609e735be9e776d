import { decodeBase64Url } from '../lib/base64.js';
import type { AlgorithmSpec } from './algorithms.js';
import { isOnCurve } from './curve-point.js';

/**
 * The public members of a JWK a verifier uses (RFC 7518 §6.2.1, §6.3.1; RFC 8037 §2).
 *
 * @example
 * ```ts
 * const jwk: PublicJwk = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };
 * const jkt = await jwkThumbprint(jwk); // what a DPoP-bound token's cnf.jkt holds
 * ```
 */
export interface PublicJwk {
  /** Key type (RFC 7518 §6.1, RFC 8037 §2). */
  readonly kty: 'RSA' | 'EC' | 'OKP';
  /** RSA modulus, base64url. */
  readonly n?: string;
  /** RSA public exponent, base64url. */
  readonly e?: string;
  /** Curve: `P-256`, `P-384`, `P-521` (EC) or `Ed25519` (OKP). */
  readonly crv?: string;
  /** EC x coordinate, or the OKP public key, base64url. */
  readonly x?: string;
  /** EC y coordinate, base64url. */
  readonly y?: string;
}

/** What a public JWK is, read from its members alone, before any backend imports it. */
export interface PublicKeyFacts {
  readonly jwk: PublicJwk;
  readonly keyType: AlgorithmSpec['keyType'];
  readonly namedCurve: AlgorithmSpec['namedCurve'];
  /** The public members in a fixed order: two keys are the same key when these are equal. */
  readonly fingerprint: string;
}

/** RFC 8725 §3.5 via NIST SP 800-57: RSA keys below 2048 bits are not trusted. */
export const MIN_RSA_BITS = 2048;

/** RFC 7518 §6.2.1.2–3: `x` and `y` are the full coordinate size of the curve. */
const CURVES: Readonly<
  Record<
    string,
    { name: 'P-256' | 'P-384' | 'P-521'; namedCurve: AlgorithmSpec['namedCurve']; bytes: number }
  >
> = {
  'P-256': { name: 'P-256', namedCurve: 'prime256v1', bytes: 32 },
  'P-384': { name: 'P-384', namedCurve: 'secp384r1', bytes: 48 },
  'P-521': { name: 'P-521', namedCurve: 'secp521r1', bytes: 66 },
};

/** RFC 8037 §2: an Ed25519 public key is 32 bytes. */
const ED25519_BYTES = 32;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Reads a JWK's public members and refuses, the same way on every backend, what no verifier
 * should use: an unknown `kty` or curve (Ed448, X25519 and `oct` among them), members that are
 * not base64url, coordinates of the wrong size or off the curve, an RSA modulus below
 * {@link MIN_RSA_BITS}.
 */
export function readPublicJwk(record: Record<string, unknown>): PublicKeyFacts | undefined {
  const { kty, n, e, crv, x, y } = record;
  if (kty === 'RSA') {
    if (!isBase64Url(n) || !isBase64Url(e)) return undefined;
    if (modulusBits(decodeBase64Url(n)) < MIN_RSA_BITS) return undefined;
    return facts({ kty, n, e }, 'rsa', undefined);
  }
  if (kty === 'EC') {
    const curve = typeof crv === 'string' && Object.hasOwn(CURVES, crv) ? CURVES[crv] : undefined;
    if (curve === undefined || !isBase64Url(x) || !isBase64Url(y)) return undefined;
    const xBytes = decodeBase64Url(x);
    const yBytes = decodeBase64Url(y);
    if (xBytes.length !== curve.bytes || yBytes.length !== curve.bytes) return undefined;
    if (!isOnCurve(curve.name, xBytes, yBytes)) return undefined;
    return facts({ kty, crv: curve.name, x, y }, 'ec', curve.namedCurve);
  }
  if (kty === 'OKP' && crv === 'Ed25519' && isBase64Url(x) && hasBytes(x, ED25519_BYTES)) {
    return facts({ kty, crv, x }, 'ed25519', undefined);
  }
  return undefined;
}

function facts(
  jwk: PublicJwk,
  keyType: AlgorithmSpec['keyType'],
  namedCurve: AlgorithmSpec['namedCurve'],
): PublicKeyFacts {
  const fingerprint = `${jwk.kty}.${jwk.n ?? ''}.${jwk.e ?? ''}.${jwk.crv ?? ''}.${jwk.x ?? ''}.${jwk.y ?? ''}`;
  return { jwk, keyType, namedCurve, fingerprint };
}

function isBase64Url(value: unknown): value is string {
  return typeof value === 'string' && value.length % 4 !== 1 && BASE64URL.test(value);
}

function hasBytes(value: string, bytes: number): boolean {
  return decodeBase64Url(value).length === bytes;
}

/** The bit length of a big-endian unsigned integer, leading zero bytes ignored. */
function modulusBits(bytes: Uint8Array): number {
  let first = 0;
  while (first < bytes.length && bytes[first] === 0) first += 1;
  if (first === bytes.length) return 0;
  return (bytes.length - first - 1) * 8 + (32 - Math.clz32(bytes[first]!));
}
