// Real DPoP proofs for the tests: node:crypto keys and signatures (no mocked crypto), and
// `jose` for the thumbprints, so the code under test is checked against an independent one.
import {
  constants,
  createHash,
  generateKeyPairSync,
  randomUUID,
  sign,
  type KeyObject,
} from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Algorithm } from '../../src/lib/types.js';

export interface ProofKeyPair {
  readonly alg: Algorithm;
  readonly privateKey: KeyObject;
  readonly publicJwk: Record<string, unknown>;
  /** RFC 7638 thumbprint by jose: what the token's `cnf.jkt` holds. */
  readonly jkt: string;
}

const HASHES: Readonly<Record<Algorithm, string | null>> = {
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  PS256: 'sha256',
  PS384: 'sha384',
  PS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
  EdDSA: null,
};

const CURVES: Partial<Record<Algorithm, string>> = {
  ES256: 'P-256',
  ES384: 'P-384',
  ES512: 'P-521',
};

export async function proofKeyPair(alg: Algorithm): Promise<ProofKeyPair> {
  const { privateKey, publicKey } =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : alg.startsWith('ES')
        ? generateKeyPairSync('ec', { namedCurve: CURVES[alg]! })
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const jkt = await calculateJwkThumbprint(publicJwk as JWK, 'sha256');
  return { alg, privateKey, publicJwk, jkt };
}

function base64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString(
    'base64url',
  );
}

/** Signs `<header>.<payload>` as `alg` says, JOSE's raw R||S for ECDSA (RFC 7518 §3.4). */
export function signJws(
  pair: Pick<ProofKeyPair, 'alg' | 'privateKey'>,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): string {
  const input = `${base64url(header)}.${base64url(payload)}`;
  const alg = pair.alg;
  const options = alg.startsWith('ES')
    ? { key: pair.privateKey, dsaEncoding: 'ieee-p1363' as const }
    : alg.startsWith('PS')
      ? {
          key: pair.privateKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: Number(alg.slice(2)) / 8,
        }
      : pair.privateKey;
  const signature = sign(HASHES[alg], Buffer.from(input), options);
  return `${input}.${signature.toString('base64url')}`;
}

export function ath(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('base64url');
}

export interface ProofRequest {
  readonly method: string;
  readonly url: string;
  readonly accessToken: string;
  readonly nowSeconds?: number;
  /** Header members to add or replace (`undefined` removes one). */
  readonly header?: Record<string, unknown>;
  /** Claims to add or replace (`undefined` removes one). */
  readonly claims?: Record<string, unknown>;
}

/** A proof for one request, valid unless `header` or `claims` say otherwise. */
export function proofFor(pair: ProofKeyPair, request: ProofRequest): string {
  const header = withoutUndefined({
    typ: 'dpop+jwt',
    alg: pair.alg,
    jwk: pair.publicJwk,
    ...request.header,
  });
  const claims = withoutUndefined({
    jti: randomUUID(),
    htm: request.method,
    htu: request.url,
    iat: request.nowSeconds ?? Math.floor(Date.now() / 1000),
    ath: ath(request.accessToken),
    ...request.claims,
  });
  return signJws(pair, header, claims);
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

/** The request most tests present: `GET` on this URL with this access token. */
export const REQUEST_URL = 'https://api.example.com/orders';
export const ACCESS_TOKEN =
  'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlLW5vdC1jaGVja2Vk';

export interface Presentation {
  readonly proof: string;
  readonly method: string;
  readonly url: string;
  readonly accessToken: string;
  readonly jkt: string;
}

/**
 * A presentation of a fresh proof by `pair` for `GET REQUEST_URL`: `proof` changes what the
 * proof says, `actual` what the request (or its token) really is.
 */
export function present(
  pair: ProofKeyPair,
  proof: Partial<ProofRequest> = {},
  actual: Partial<Presentation> = {},
): Presentation {
  return {
    proof: proofFor(pair, { method: 'GET', url: REQUEST_URL, accessToken: ACCESS_TOKEN, ...proof }),
    method: 'GET',
    url: REQUEST_URL,
    accessToken: ACCESS_TOKEN,
    jkt: pair.jkt,
    ...actual,
  };
}
