// `private_key_jwt` client authentication (OpenID Connect Core §9, RFC 7523 §2.2, §3): the
// client proves itself with a JWT signed by its private key instead of a shared secret. Signed
// with Web Crypto (`crypto.subtle`), which Node, Deno, Bun and Workers share, so this file needs
// no `node:` module; it sits in lib/ so every outgoing client (introspection, token requests)
// can use it without loading the verifier's jws/ folder.
import { describe } from './options.js';
import { decodeBase64Url, encodeBase64, encodeBase64Text, utf8Bytes } from './base64.js';
import type { Algorithm } from './types.js';

// Named through `crypto.subtle` rather than the DOM lib, which this package does not load.
type WebCryptoKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
type WebJwk = Extract<Parameters<typeof crypto.subtle.importKey>[1], { kty?: string }>;

/**
 * A private JSON Web Key (RFC 7517 §4; RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2).
 *
 * @example
 * ```ts
 * const privateKey: PrivateJwk = JSON.parse(process.env.CLIENT_PRIVATE_JWK!); // { kty: 'EC', crv: 'P-256', x, y, d, kid }
 * const issuer = introspectionIssuer({ issuer, introspectionEndpoint, clientId, clientAuth: { method: 'private_key_jwt', privateKey } });
 * ```
 */
export interface PrivateJwk {
  /** Key type: `RSA`, `EC` or `OKP`. */
  readonly kty: string;
  /** The private key (EC, OKP) or private exponent (RSA), base64url. */
  readonly d?: string;
  /** Key id, sent as the assertion's `kid` header unless the options name another. */
  readonly kid?: string;
  /** The signing algorithm; default: the key type's usual one (RS256 for RSA). */
  readonly alg?: string;
  readonly [member: string]: unknown;
}

/**
 * Node's `KeyObject`, by the two members read: it is exported to a JWK once, at creation.
 *
 * @example
 * ```ts
 * const privateKey: KeyObjectLike = crypto.createPrivateKey(readFileSync('client-key.pem'));
 * const clientAuth = { method: 'private_key_jwt', privateKey, kid: 'client-key-1' } as const;
 * ```
 */
export interface KeyObjectLike {
  /** Must be `private`. */
  readonly type: string;
  /** Node's `keyObject.export({ format: 'jwk' })`. */
  export(options: { format: 'jwk' }): object;
}

/**
 * The private key of `private_key_jwt`: a JWK, a Web Crypto `CryptoKey` or a Node `KeyObject`.
 *
 * @example
 * ```ts
 * const fromJwk: ClientAssertionKey = JSON.parse(process.env.CLIENT_PRIVATE_JWK!);
 * const fromPem: ClientAssertionKey = crypto.createPrivateKey(readFileSync('client-key.pem'));
 * ```
 */
export type ClientAssertionKey = PrivateJwk | WebCryptoKey | KeyObjectLike;

export interface ClientAssertionSigner {
  readonly alg: Algorithm;
  readonly kid: string | undefined;
  /**
   * A fresh assertion for one request: `iss` = `sub` = the client id, `aud`, a random `jti`
   * (servers refuse a replayed one, RFC 7523 §3 point 7), `iat` now and `exp` a minute later.
   * Rejects when the platform refuses the key (the caller reports it as an outage).
   */
  sign(clientId: string, audience: string, nowSeconds: number): Promise<string>;
}

/** Sign parameters per algorithm (RFC 7518 §3.3–3.5, RFC 8037 §3.1), as Web Crypto names them. */
const SIGNING: Readonly<
  Record<Algorithm, { kty: string; crv?: string; name: string; hash?: string; salt?: number }>
> = {
  RS256: { kty: 'RSA', name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  RS384: { kty: 'RSA', name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' },
  RS512: { kty: 'RSA', name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' },
  PS256: { kty: 'RSA', name: 'RSA-PSS', hash: 'SHA-256', salt: 32 },
  PS384: { kty: 'RSA', name: 'RSA-PSS', hash: 'SHA-384', salt: 48 },
  PS512: { kty: 'RSA', name: 'RSA-PSS', hash: 'SHA-512', salt: 64 },
  ES256: { kty: 'EC', crv: 'P-256', name: 'ECDSA', hash: 'SHA-256' },
  ES384: { kty: 'EC', crv: 'P-384', name: 'ECDSA', hash: 'SHA-384' },
  ES512: { kty: 'EC', crv: 'P-521', name: 'ECDSA', hash: 'SHA-512' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519', name: 'Ed25519' },
};

/** The members of a private key; `alg`, `use`, `key_ops` and `ext` are checked, then dropped. */
const KEY_MEMBERS = ['kty', 'crv', 'x', 'y', 'd', 'n', 'e', 'p', 'q', 'dp', 'dq', 'qi'] as const;

/**
 * Validates the key once, at creation (`TypeError` naming `name`), and imports it in the
 * background: Web Crypto imports asynchronously, so a key the platform refuses (a malformed
 * RSA prime) shows on the first request as a rejection the caller turns into a 503.
 */
export function clientAssertionSigner(
  options: { readonly privateKey: unknown; readonly alg?: unknown; readonly kid?: unknown },
  name: string,
): ClientAssertionSigner {
  const key = options.privateKey;
  if (options.kid !== undefined && (typeof options.kid !== 'string' || options.kid === '')) {
    throw new TypeError(`${name}.kid must be a non-empty string, got ${describe(options.kid)}`);
  }
  const requested = algorithmOption(options.alg, `${name}.alg`);
  let imported: Promise<WebCryptoKey>;
  let alg: Algorithm;
  let kid = options.kid as string | undefined;
  if (isCryptoKey(key)) {
    alg = cryptoKeyAlgorithm(key, requested, `${name}.privateKey`);
    imported = Promise.resolve(key);
  } else {
    const jwk = privateJwk(key, `${name}.privateKey`);
    alg = jwkAlgorithm(jwk, requested, `${name}.privateKey`);
    if (kid === undefined && typeof jwk.kid === 'string' && jwk.kid !== '') kid = jwk.kid;
    const spec = SIGNING[alg];
    const members: Record<string, unknown> = {};
    for (const member of KEY_MEMBERS) if (jwk[member] !== undefined) members[member] = jwk[member];
    imported = crypto.subtle.importKey(
      'jwk',
      members as WebJwk,
      spec.name === 'ECDSA'
        ? { name: 'ECDSA', namedCurve: spec.crv as string }
        : spec.hash === undefined
          ? { name: spec.name }
          : { name: spec.name, hash: spec.hash },
      false,
      ['sign'],
    );
    // Reported by the first sign(), not as an unhandled rejection at startup.
    imported.catch(() => undefined);
  }
  const spec = SIGNING[alg];
  const params =
    spec.name === 'RSA-PSS'
      ? { name: spec.name, saltLength: spec.salt as number }
      : spec.name === 'ECDSA'
        ? { name: spec.name, hash: spec.hash as string }
        : { name: spec.name };
  const header = encodeBase64Text(
    JSON.stringify(kid === undefined ? { alg, typ: 'JWT' } : { alg, typ: 'JWT', kid }),
    true,
  );

  return {
    alg,
    kid,
    async sign(clientId, audience, nowSeconds) {
      const iat = Math.floor(nowSeconds);
      const payload = encodeBase64Text(
        JSON.stringify({
          iss: clientId,
          sub: clientId,
          aud: audience,
          jti: crypto.randomUUID(),
          iat,
          // Short-lived: it authenticates one request sent right now (RFC 7523 §3 point 4).
          exp: iat + 60,
        }),
        true,
      );
      const signingInput = `${header}.${payload}`;
      const signature = await crypto.subtle.sign(params, await imported, utf8Bytes(signingInput));
      // ECDSA answers in IEEE P1363 form, the raw R||S JWS wants (RFC 7518 §3.4).
      return `${signingInput}.${encodeBase64(new Uint8Array(signature), true)}`;
    },
  };
}

function algorithmOption(value: unknown, name: string): Algorithm | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !Object.hasOwn(SIGNING, value)) {
    throw new TypeError(
      `${name} must be one of ${Object.keys(SIGNING).join(', ')}, got ${describe(value)}`,
    );
  }
  return value as Algorithm;
}

/** Web Crypto keys say what they are (WebCryptoAPI §14: `[Symbol.toStringTag]`), in any realm. */
function isCryptoKey(key: unknown): key is WebCryptoKey {
  return Object.prototype.toString.call(key) === '[object CryptoKey]';
}

/** A private JWK from a JWK or a Node `KeyObject`, checked for what a signing key must be. */
function privateJwk(key: unknown, name: string): PrivateJwk {
  let jwk = key;
  const keyObject = key as Partial<KeyObjectLike> | null;
  if (typeof keyObject?.export === 'function' && typeof keyObject.type === 'string') {
    if (keyObject.type !== 'private') {
      throw new TypeError(`${name} must be a private key, got a ${keyObject.type} KeyObject`);
    }
    try {
      jwk = keyObject.export({ format: 'jwk' });
    } catch (cause) {
      throw new TypeError(`${name}: this KeyObject cannot be exported as a JWK`, { cause });
    }
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw new TypeError(
      `${name} must be a private JWK, a CryptoKey or a KeyObject, got ${describe(key)}`,
    );
  }
  const candidate = jwk as PrivateJwk;
  // Without `d` it is a public key, which can sign nothing (RFC 7518 §6.2.2.1, §6.3.2.1).
  if (typeof candidate.kty !== 'string' || typeof candidate.d !== 'string' || candidate.d === '') {
    throw new TypeError(`${name} must be a private JWK (kty and d), got a public or unknown key`);
  }
  if (candidate.use !== undefined && candidate.use !== 'sig') {
    throw new TypeError(`${name} has use ${describe(candidate.use)}; a signing key needs "sig"`);
  }
  const ops = candidate.key_ops;
  if (ops !== undefined && (!Array.isArray(ops) || !ops.includes('sign'))) {
    throw new TypeError(`${name} has key_ops without "sign" (RFC 7517 §4.3)`);
  }
  return candidate;
}

/** The algorithm a JWK signs with: the option, else its `alg`, else its type's usual one. */
function jwkAlgorithm(jwk: PrivateJwk, requested: Algorithm | undefined, name: string): Algorithm {
  const own = jwk.alg === undefined ? undefined : algorithmOption(jwk.alg, `${name}.alg`);
  if (requested !== undefined && own !== undefined && requested !== own) {
    throw new TypeError(`${name} is for ${own}, not ${requested}`);
  }
  const alg = requested ?? own ?? defaultAlgorithm(jwk);
  const spec = SIGNING[alg];
  if (jwk.kty !== spec.kty || (spec.crv !== undefined && jwk.crv !== spec.crv)) {
    throw new TypeError(
      `${name} (kty ${describe(jwk.kty)}${jwk.crv === undefined ? '' : `, crv ${describe(jwk.crv)}`}) cannot sign ${alg}`,
    );
  }
  // RFC 7518 §3.3, §3.5: RSA keys of 2048 bits or more.
  if (jwk.kty === 'RSA' && (typeof jwk.n !== 'string' || decodeBase64Url(jwk.n).length < 256)) {
    throw new TypeError(`${name}: RSA keys must be at least 2048 bits`);
  }
  return alg;
}

function defaultAlgorithm(jwk: PrivateJwk): Algorithm {
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'EC' && jwk.crv === 'P-384') return 'ES384';
  if (jwk.kty === 'EC' && jwk.crv === 'P-521') return 'ES512';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  return 'RS256'; // refused by the kty check that follows, which names the key
}

/** The algorithm a `CryptoKey` signs with, from what it was imported for. */
function cryptoKeyAlgorithm(
  key: WebCryptoKey,
  requested: Algorithm | undefined,
  name: string,
): Algorithm {
  if (key.type !== 'private' || !key.usages.includes('sign')) {
    throw new TypeError(`${name} must be a private CryptoKey usable to sign`);
  }
  const algorithm = key.algorithm as { name: string; hash?: { name: string }; namedCurve?: string };
  const fits = (Object.keys(SIGNING) as Algorithm[]).filter((alg) => {
    const spec = SIGNING[alg];
    return (
      spec.name === algorithm.name &&
      (spec.name === 'ECDSA'
        ? spec.crv === algorithm.namedCurve
        : spec.hash === undefined || spec.hash === algorithm.hash?.name)
    );
  });
  // An ECDSA key may hash with anything; JOSE ties each curve to one hash (RFC 7518 §3.4).
  const alg = requested ?? fits[0];
  if (alg === undefined || !fits.includes(alg)) {
    throw new TypeError(
      `${name} (${algorithm.name}) cannot sign ${requested ?? 'any supported algorithm'}`,
    );
  }
  return alg;
}
