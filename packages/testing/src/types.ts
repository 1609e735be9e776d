import type { TestCertificate } from './certificate-thumbprint.js';
import type { DpopKey } from './dpop-types.js';
import type { AddKeyOptions, RotateKeysOptions, TestJwks, TestKey } from './key-types.js';
import type { TestAlgorithm } from './test-algorithm.js';

/**
 * Options of {@link createTestIssuer}. Every field is optional; mistakes throw `TypeError`.
 *
 * @example
 * ```ts
 * const options: TestIssuerOptions = { kind: 'cognito', userPoolId: 'eu-west-1_Example' };
 * ```
 */
export interface TestIssuerOptions {
  /** Shape of the tokens and of the URL layout. Default `'oidc'`. */
  kind?: 'cognito' | 'oidc';
  /** Algorithm of the first key. Default `'RS256'` (RSA 2048). */
  alg?: TestAlgorithm;
  /** Cognito only: the pool id in URLs and `iss`. Default `'us-east-1_TokenGate'`. */
  userPoolId?: string;
  /** App client id: `client_id`, and `aud` of id tokens. Default `'tokengate-test-client'`. */
  clientId?: string;
  /** `aud` of OIDC access tokens. Default `'https://api.tokengate.test'`. */
  audience?: string;
  /**
   * The `iss` written into tokens and discovery, e.g. a real Cognito URL, while the JWKS is still
   * served locally. Default: derived from the local origin.
   */
  issuer?: string;
  /** Lifetime of minted tokens. Default `3600`. */
  tokenLifetimeSeconds?: number;
  /** `Cache-Control` of JWKS and discovery responses; `''` omits it. Default `'max-age=300'`. */
  jwksCacheControl?: string;
  /** Confidential clients the token endpoint accepts from the start; see {@link TestIssuer.registerClient}. */
  clients?: TestClient[];
}

/**
 * A confidential client of the local token endpoint (client_credentials grant, RFC 6749 §4.4).
 *
 * @example
 * ```ts
 * issuer.registerClient({ clientId: 'orders-worker', clientSecret: 's3cret', scopes: ['orders/read'] });
 * ```
 */
export interface TestClient {
  /** The `client_id` it authenticates with (RFC 6749 §2.3.1). */
  clientId: string;
  /** The `client_secret` it authenticates with (RFC 6749 §2.3.1). */
  clientSecret: string;
  /**
   * Scopes the client may request. A request naming none is granted all of them, as Cognito
   * does; one naming another is refused with `invalid_scope`. Default `[]`.
   */
  scopes?: string[];
}

/**
 * Options of the token helpers ({@link TestIssuer.accessToken} and friends).
 *
 * @example
 * ```ts
 * await issuer.accessToken({ groups: ['admin'], scopes: ['orders/read'], expiresIn: -60 });
 * await issuer.accessToken({ dpop: await createDpopKey() }); // a DPoP-bound token
 * ```
 */
export interface TokenOptions {
  /** Subject. Default `'7d0b8c5e-2f3a-4c1b-9e6d-5a4f3b2c1d0e'` (M2M: the client id). */
  sub?: string;
  /** `username` / `cognito:username` (Cognito) and the local part of `email`. Default `'test-user'`. */
  username?: string;
  /** Client id of this token. Default: the issuer's `clientId`. */
  clientId?: string;
  /** `cognito:groups` (Cognito) or `groups` (OIDC); omitted unless given. */
  groups?: string[];
  /** Granted scopes, written space-separated into `scope`. */
  scopes?: string[];
  /** Seconds from now until `exp`; negative mints an already expired token. */
  expiresIn?: number;
  /** Extra claims merged last; they override defaults and an `undefined` value deletes a claim. */
  claims?: Record<string, unknown>;
  /** Extra protected header parameters; an `undefined` value deletes one. */
  header?: Record<string, unknown>;
  /** Sign with this published key instead of the current one. */
  kid?: string;
  /**
   * Access and M2M tokens: binds the token to a DPoP key, `cnf: { jkt }` (RFC 9449 §6.1). A key
   * from {@link createDpopKey}, or `{ jkt }` for a thumbprint computed elsewhere.
   */
  dpop?:
    | DpopKey
    | {
        /** The base64url RFC 7638 SHA-256 thumbprint of the client's public key. */
        jkt: string;
      };
  /**
   * Access and M2M tokens: binds the token to a client certificate, `cnf: { "x5t#S256" }`
   * (RFC 8705 §3.1). The certificate (PEM, DER or `X509Certificate`), or `{ x5tS256 }`.
   */
  certificate?:
    | TestCertificate
    | {
        /** The base64url SHA-256 thumbprint of the certificate's DER encoding. */
        x5tS256: string;
      };
}

/**
 * Options of {@link TestIssuer.sign}.
 *
 * @example
 * ```ts
 * const options: SignOptions = { kid: null, header: { typ: 'JWT' } };
 * ```
 */
export interface SignOptions {
  /** Header parameters merged over `{ alg, kid }`; an `undefined` value deletes one. */
  header?: Record<string, unknown>;
  /** Sign with this key; `null` signs with the current key and omits the `kid` header. */
  kid?: string | null;
  /**
   * Algorithm to sign with. Without `kid`, the current key is used if its `alg` matches, else the
   * newest key of that `alg`, else the current key's material under this algorithm (a deliberate
   * key/alg mismatch). It must suit the key type (RSA: RS/PS, EC: ES, OKP: EdDSA).
   */
  alg?: TestAlgorithm;
}

/**
 * What {@link TestIssuer.outage} does to the JWKS, discovery and token endpoints.
 * - `refuse`: stop listening, so connections are refused.
 * - `error`: answer `status` (default 503).
 * - `slow`: wait `delayMs` (default 5000), then answer normally.
 * - `garbage`: 200 with a body that is not JSON.
 * - `hang`: send headers and a few bytes of body, then never finish.
 * - `huge`: 200 with a ~10 MB body (the real document padded, so only a size limit stops it).
 *
 * @example
 * ```ts
 * const mode: OutageMode = 'hang';
 * ```
 */
export type OutageMode = 'refuse' | 'error' | 'slow' | 'garbage' | 'hang' | 'huge';

/**
 * Options of {@link TestIssuer.outage}.
 *
 * @example
 * ```ts
 * await issuer.outage('error', { status: 500 });
 * ```
 */
export interface OutageOptions {
  /** `slow` only: milliseconds before answering. Default 5000. */
  delayMs?: number;
  /** `error` only: HTTP status, 200–599. Default 503. */
  status?: number;
  /** `error` only: a `Retry-After` header, in seconds (RFC 9110 §10.2.3). Default: none. */
  retryAfter?: number;
  /**
   * Not for `refuse`: the outage answers only this many requests, then ends by itself, e.g. one
   * 503 before a retry succeeds. Default: until {@link TestIssuer.recover}.
   */
  requests?: number;
}

/**
 * Live request counters of the issuer's endpoints.
 *
 * @example
 * ```ts
 * expect(issuer.stats.jwksRequests).toBe(1);
 * ```
 */
export interface TestIssuerStats {
  /** Requests to the JWKS endpoint. */
  readonly jwksRequests: number;
  /** Requests to the discovery document (`/.well-known/openid-configuration`). */
  readonly discoveryRequests: number;
  /** Requests to the token endpoint, whatever their outcome. */
  readonly tokenRequests: number;
}

/**
 * A running local issuer: keys, a JWKS and discovery endpoint on loopback, and token minting.
 *
 * @example
 * ```ts
 * const issuer = await createTestIssuer({ kind: 'cognito' });
 * const token = await issuer.accessToken({ groups: ['admin'] });
 * await issuer.close();
 * ```
 */
export interface TestIssuer {
  /** Shape of the tokens and URLs, from {@link TestIssuerOptions.kind}. */
  readonly kind: 'cognito' | 'oidc';
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** The `iss` of tokens: the origin (OIDC), `${origin}/${userPoolId}` (Cognito), or `options.issuer`. */
  readonly issuer: string;
  /** The JWKS endpoint, as discovery announces it. */
  readonly jwksUri: string;
  /** The OpenID Connect discovery document's URL. */
  readonly discoveryUri: string;
  /**
   * `${origin}/oauth2/token`, the RFC 6749 §3.2 token endpoint: at the root as on a Cognito
   * domain, whatever the kind. It grants client_credentials to registered clients; a request
   * carrying a valid `DPoP` proof gets a DPoP-bound token, `token_type: "DPoP"` (RFC 9449 §5).
   */
  readonly tokenEndpoint: string;
  /** Cognito: the user pool id in URLs and `iss`; OIDC: `undefined`. */
  readonly userPoolId: string | undefined;
  /** The app client id: `client_id` of access tokens, `aud` of id tokens. */
  readonly clientId: string;
  /** The `aud` of OIDC access tokens. */
  readonly audience: string;
  /** The kid that unkeyed signing uses; changes with {@link TestIssuer.rotateKeys}. */
  readonly currentKid: string;
  /** Live request counters of the endpoints. */
  readonly stats: TestIssuerStats;
  /** Sets every {@link TestIssuer.stats} counter back to 0. */
  resetStats(): void;
  /** The public JWKS currently served. */
  jwks(): TestJwks;
  /** The issuer's key pairs, published ones only, to hand-craft adversarial tokens. */
  keys(): readonly TestKey[];
  /** Signs exactly `claims` (no defaults added); header is `{ alg, kid, ...options.header }`. */
  sign(claims: Record<string, unknown>, options?: SignOptions): Promise<string>;
  /** A signed access token, shaped as `kind` says (Cognito `token_use: "access"` or OIDC). */
  accessToken(options?: TokenOptions): Promise<string>;
  /** A signed id token (`aud` is the client id). */
  idToken(options?: TokenOptions): Promise<string>;
  /** A client-credentials (machine-to-machine) access token. */
  m2mToken(options?: TokenOptions): Promise<string>;
  /** Lets a client use the token endpoint; registering a known id again replaces it (rotation). */
  registerClient(client: TestClient): void;
  /** Publishes a new key without making it current; returns its kid. */
  addKey(options?: AddKeyOptions): Promise<string>;
  /** Publishes a new key and makes it current; old keys stay published until removed. */
  rotateKeys(options?: RotateKeysOptions): Promise<string>;
  /** Unpublishes a key; the current key cannot be removed. */
  removeKey(kid: string): void;
  /** Starts an outage of the JWKS, discovery and token endpoints until {@link TestIssuer.recover}. */
  outage(mode: OutageMode, options?: OutageOptions): Promise<void>;
  /** Ends any outage; after `refuse` the server listens again on the same port. */
  recover(): Promise<void>;
  /** Closes the server and destroys open sockets, hung responses included. */
  close(): Promise<void>;
}
