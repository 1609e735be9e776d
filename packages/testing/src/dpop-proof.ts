import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { DpopProofOptions } from './dpop-types.js';
import type { IssuerKey } from './key-ring.js';
import { assertKnownKeys } from './known-keys.js';
import { mergeDeleting } from './merge.js';
import { signJws } from './sign-jws.js';

/** What actually signs a proof, resolved from `signWith` by the key that makes it. */
export type ProofSigner =
  | { readonly kind: 'key'; readonly key: IssuerKey }
  | { readonly kind: 'none' }
  | {
      readonly kind: 'hmac';
      readonly alg: 'HS256' | 'HS384' | 'HS512';
      readonly secret: Uint8Array;
    };

// RFC 9110 §5.6.2: a method is a token.
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const encoder = new TextEncoder();

/**
 * A DPoP proof JWT (RFC 9449 §4.2): header `{ typ: 'dpop+jwt', alg, jwk }`, claims
 * `{ jti, htm, htu, iat, ath?, nonce? }`, then the caller's overrides, signed by `signer`.
 */
export async function buildDpopProof(
  publicJwk: Readonly<Record<string, string>>,
  signer: ProofSigner,
  options: DpopProofOptions,
): Promise<string> {
  validateProofOptions(options);
  const alg = signer.kind === 'key' ? signer.key.alg : signer.kind === 'none' ? 'none' : signer.alg;
  const header = mergeDeleting({ typ: 'dpop+jwt', alg, jwk: { ...publicJwk } }, options.header);
  const base: Record<string, unknown> = {
    jti: options.jti ?? randomUUID(),
    htm: options.method,
    htu: targetUri(options.url),
    iat: options.iat ?? Math.floor(Date.now() / 1000),
  };
  // RFC 9449 §4.2: ath is the base64url SHA-256 of the (ASCII) access token.
  if (options.accessToken !== undefined) base['ath'] = accessTokenHash(options.accessToken);
  if (options.nonce !== undefined) base['nonce'] = options.nonce;
  const claims = mergeDeleting(base, options.claims);
  if (signer.kind === 'key') return signJws(claims, header, signer.key, signer.key.alg);
  const signingInput = `${encodeJson(header)}.${encodeJson(claims)}`;
  if (signer.kind === 'none') return `${signingInput}.`;
  const mac = createHmac(`sha${signer.alg.slice(2)}`, signer.secret).update(signingInput, 'ascii');
  return `${signingInput}.${mac.digest('base64url')}`;
}

/** `ath` (RFC 9449 §4.2): base64url(SHA-256(ASCII(access token))). */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'utf8').digest('base64url');
}

/**
 * `htu`: the URL without query and fragment (RFC 9449 §4.2). The WHATWG parser already puts it
 * in the normal form RFC 9449 §4.3 compares (lowercase scheme and host, no default port, `/` for
 * an empty path); a test that wants another spelling sets `claims.htu`.
 */
function targetUri(url: string | URL): string {
  const parsed = new URL(url);
  parsed.search = '';
  parsed.hash = '';
  return parsed.href;
}

function validateProofOptions(options: DpopProofOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('proof options must be an object with method and url');
  }
  assertKnownKeys(options, PROOF_OPTION_KEYS, 'proof');
  if (typeof options.method !== 'string' || !METHOD.test(options.method)) {
    throw new TypeError('method must be an HTTP method token, e.g. GET');
  }
  const url = options.url;
  let parsed: URL | undefined;
  if (url instanceof URL) parsed = url;
  else if (typeof url === 'string' && URL.canParse(url)) parsed = new URL(url);
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new TypeError('url must be an absolute http(s) URL');
  }
  for (const name of ['accessToken', 'nonce', 'jti'] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new TypeError(`${name} must be a non-empty string`);
    }
  }
  if (options.iat !== undefined && !Number.isFinite(options.iat)) {
    throw new TypeError('iat must be a finite number of seconds since the epoch');
  }
  for (const name of ['header', 'claims'] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'object' || value === null)) {
      throw new TypeError(`${name} must be an object`);
    }
  }
}

function encodeJson(value: unknown): string {
  return Buffer.from(encoder.encode(JSON.stringify(value))).toString('base64url');
}

const PROOF_OPTION_KEYS = Object.keys({
  method: true,
  url: true,
  accessToken: true,
  nonce: true,
  iat: true,
  jti: true,
  header: true,
  claims: true,
  signWith: true,
} satisfies { readonly [K in keyof Required<DpopProofOptions>]: true });
