import { TEST_ALGORITHMS } from './test-algorithm.js';
import type { TestAlgorithm } from './test-algorithm.js';
import type { AddKeyOptions, RotateKeysOptions, TestKey } from './key-types.js';
import type {
  SignOptions,
  TestIssuer,
  TestIssuerOptions,
  TestIssuerStats,
  TokenOptions,
} from './types.js';
import { assertTestAlgorithm, keyTypeOf } from './algorithms.js';
import { createClientRegistry } from './client-registry.js';
import { createKeyRing, generateIssuerKey } from './key-ring.js';
import type { IssuerKey, KeyRing } from './key-ring.js';
import { startJwksServer } from './jwks-server.js';
import { assertKnownKeys } from './known-keys.js';
import { mergeDeleting } from './merge.js';
import { resolveIssuerOptions } from './options.js';
import { parseOutage } from './outage.js';
import { signJws } from './sign-jws.js';
import { createTokenEndpoint } from './token-endpoint.js';
import { createTokenRequestProofCheck } from './token-request-proof.js';
import { draftToken } from './token-claims.js';
import type { TokenContext, TokenType } from './token-claims.js';

/**
 * Starts a local token issuer on 127.0.0.1 (ephemeral port) that publishes its JWKS and an
 * OpenID discovery document, mints Cognito- or OIDC-shaped tokens signed by its keys, and grants
 * client-credentials tokens to registered clients at its token endpoint.
 * Option mistakes reject with `TypeError`. Always `close()` it.
 *
 * @example
 * ```ts
 * import { createRemoteJWKSet, jwtVerify } from 'jose';
 * import { createTestIssuer } from '@tokengate/testing';
 *
 * const issuer = await createTestIssuer({ kind: 'cognito' });
 * try {
 *   const token = await issuer.accessToken({ groups: ['admin'] });
 *   const jwks = createRemoteJWKSet(new URL(issuer.jwksUri));
 *   await jwtVerify(token, jwks, { issuer: issuer.issuer });
 *   await issuer.outage('error', { status: 503 }); // the IdP is down
 *
 *   issuer.registerClient({ clientId: 'worker', clientSecret: 's3cret', scopes: ['orders/read'] });
 *   const response = await fetch(issuer.tokenEndpoint, {
 *     method: 'POST',
 *     headers: { authorization: `Basic ${btoa('worker:s3cret')}` },
 *     body: new URLSearchParams({ grant_type: 'client_credentials' }),
 *   });
 * } finally {
 *   await issuer.close();
 * }
 * ```
 */
export async function createTestIssuer(options: TestIssuerOptions = {}): Promise<TestIssuer> {
  const resolved = resolveIssuerOptions(options);
  const clients = createClientRegistry();
  resolved.clients.forEach((client, index) => {
    clients.register(client, `createTestIssuer: clients[${index}]`);
  });
  const ring = createKeyRing(await generateIssuerKey(resolved.alg));

  // Cognito serves everything under `/<userPoolId>`, the last segment of its issuer URL.
  const basePath = resolved.userPoolId === undefined ? '' : `/${resolved.userPoolId}`;
  const jwksPath = `${basePath}/.well-known/jwks.json`;
  const discoveryPath = `${basePath}/.well-known/openid-configuration`;
  // A Cognito domain serves /oauth2/token at its root, not under the pool.
  const tokenPath = '/oauth2/token';
  // Known only once the ephemeral port is bound; nobody can request discovery before that.
  let origin = '';
  let issuer = '';
  let jwksUri = '';

  const server = await startJwksServer({
    jwksPath,
    discoveryPath,
    jwks: () => ring.jwks(),
    discovery: () => discoveryDocument(origin, issuer, jwksUri, ring),
    tokenPath,
    token: createTokenEndpoint({
      kind: resolved.kind,
      clients,
      lifetimeSeconds: resolved.tokenLifetimeSeconds,
      mint: (clientId, scopes, jkt) =>
        mint('m2m', jkt === undefined ? { clientId, scopes } : { clientId, scopes, dpop: { jkt } }),
      url: () => `${origin}${tokenPath}`,
      checkProof: createTokenRequestProofCheck(),
    }),
    cacheControl: resolved.jwksCacheControl,
  });
  origin = `http://127.0.0.1:${server.port}`;
  issuer = resolved.issuer ?? `${origin}${basePath}`;
  jwksUri = `${origin}${jwksPath}`;

  const context: TokenContext = {
    kind: resolved.kind,
    issuer,
    clientId: resolved.clientId,
    audience: resolved.audience,
    lifetimeSeconds: resolved.tokenLifetimeSeconds,
  };

  const stats: TestIssuerStats = {
    get jwksRequests() {
      return server.jwksRequests;
    },
    get discoveryRequests() {
      return server.discoveryRequests;
    },
    get tokenRequests() {
      return server.tokenRequests;
    },
  };

  async function sign(claims: Record<string, unknown>, signOptions: SignOptions = {}) {
    if (typeof claims !== 'object' || claims === null) {
      throw new TypeError('claims must be an object');
    }
    if (typeof signOptions !== 'object' || signOptions === null) {
      throw new TypeError('sign options must be an object');
    }
    assertKnownKeys(signOptions, SIGN_OPTION_KEYS, 'sign');
    const { header } = signOptions;
    if (header !== undefined && (typeof header !== 'object' || header === null)) {
      throw new TypeError('header must be an object');
    }
    const { key, alg } = selectKey(ring, signOptions.kid, signOptions.alg);
    const base = signOptions.kid === null ? { alg } : { alg, kid: key.kid };
    return signJws(claims, mergeDeleting(base, header), key, alg);
  }

  async function mint(type: TokenType, tokenOptions?: TokenOptions) {
    const { claims, header } = draftToken(type, context, tokenOptions);
    const kid = tokenOptions?.kid;
    return sign(claims, kid === undefined ? { header } : { header, kid });
  }

  async function addKey(keyOptions: AddKeyOptions = {}, where = 'addKey') {
    if (typeof keyOptions !== 'object' || keyOptions === null) {
      throw new TypeError(`${where} options must be an object`);
    }
    assertKnownKeys(keyOptions, ADD_KEY_OPTION_KEYS, where);
    if (keyOptions.kid !== undefined && ring.list().some((key) => key.kid === keyOptions.kid)) {
      throw new TypeError(`a key with kid ${JSON.stringify(keyOptions.kid)} is already published`);
    }
    const key = await generateIssuerKey(resolved.alg, keyOptions);
    ring.add(key);
    return key.kid;
  }

  return {
    kind: resolved.kind,
    origin,
    issuer,
    jwksUri,
    discoveryUri: `${origin}${discoveryPath}`,
    tokenEndpoint: `${origin}${tokenPath}`,
    userPoolId: resolved.userPoolId,
    clientId: resolved.clientId,
    audience: resolved.audience,
    get currentKid() {
      return ring.current.kid;
    },
    stats,
    resetStats: () => server.resetStats(),
    jwks: () => ring.jwks(),
    keys: () => ring.list().map(toTestKey),
    sign,
    accessToken: (tokenOptions) => mint('access', tokenOptions),
    idToken: (tokenOptions) => mint('id', tokenOptions),
    m2mToken: (tokenOptions) => mint('m2m', tokenOptions),
    registerClient: (client) => clients.register(client),
    addKey: (keyOptions) => addKey(keyOptions),
    async rotateKeys(rotateOptions = {}) {
      if (typeof rotateOptions !== 'object' || rotateOptions === null) {
        throw new TypeError('rotateKeys options must be an object');
      }
      assertKnownKeys(rotateOptions, ROTATE_KEYS_OPTION_KEYS, 'rotateKeys');
      const kid = await addKey({ alg: rotateOptions.alg ?? ring.current.alg }, 'rotateKeys');
      ring.makeCurrent(kid);
      return kid;
    },
    removeKey: (kid) => ring.remove(kid),
    // async, so a bad mode rejects like every other failure of these methods
    async outage(mode, outageOptions) {
      await server.setOutage(parseOutage(mode, outageOptions));
    },
    recover: async () => server.setOutage(undefined),
    close: async () => server.close(),
  };
}

/**
 * The key and algorithm a signature uses. Without a kid, `alg` prefers a key made for it and
 * falls back to the current key's material, which yields a deliberate JWK/token alg mismatch.
 */
function selectKey(
  ring: KeyRing,
  kid: string | null | undefined,
  alg: TestAlgorithm | undefined,
): { key: IssuerKey; alg: TestAlgorithm } {
  if (alg !== undefined) assertTestAlgorithm(alg, 'alg');
  let key: IssuerKey;
  if (typeof kid === 'string') {
    key = ring.get(kid);
  } else if (kid === undefined || kid === null) {
    key =
      alg === undefined || ring.current.alg === alg
        ? ring.current
        : (ring
            .list()
            .filter((candidate) => candidate.alg === alg)
            .at(-1) ?? ring.current);
  } else {
    throw new TypeError('kid must be a string or null');
  }
  const signingAlg = alg ?? key.alg;
  if (keyTypeOf(signingAlg) !== keyTypeOf(key.alg)) {
    throw new TypeError(`key ${key.kid} (${key.alg}) cannot sign ${signingAlg}`);
  }
  return { key, alg: signingAlg };
}

function toTestKey(key: IssuerKey): TestKey {
  const { kid, alg, privateKey, publicKey, publicJwk } = key;
  return { kid, alg, privateKey, publicKey, publicJwk };
}

/**
 * OpenID Connect Discovery 1.0 §3 metadata; endpoints other than the JWKS and the token endpoint
 * (client_credentials only) are placeholders.
 */
function discoveryDocument(
  origin: string,
  issuer: string,
  jwksUri: string,
  ring: KeyRing,
): Record<string, unknown> {
  const jwks = ring.jwks();
  return {
    issuer,
    authorization_endpoint: `${origin}/oauth2/authorize`,
    token_endpoint: `${origin}/oauth2/token`,
    userinfo_endpoint: `${origin}/oauth2/userInfo`,
    jwks_uri: jwksUri,
    response_types_supported: ['code', 'token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...new Set(jwks.keys.map((jwk) => jwk.alg))],
    scopes_supported: ['openid', 'email', 'phone', 'profile'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    // RFC 9449 §5.1: the token endpoint accepts DPoP proofs under these algorithms.
    dpop_signing_alg_values_supported: [...TEST_ALGORITHMS],
  };
}

const SIGN_OPTION_KEYS = Object.keys({
  header: true,
  kid: true,
  alg: true,
} satisfies { readonly [K in keyof Required<SignOptions>]: true });

const ADD_KEY_OPTION_KEYS = Object.keys({
  alg: true,
  kid: true,
  rsaModulusLength: true,
  use: true,
} satisfies { readonly [K in keyof Required<AddKeyOptions>]: true });

const ROTATE_KEYS_OPTION_KEYS = Object.keys({
  alg: true,
} satisfies { readonly [K in keyof Required<RotateKeysOptions>]: true });
