import type { ClientAssertionKey, ClientAssertionSigner } from '../lib/client-assertion.js';
import { clientIdOption } from '../lib/client-secret.js';
import { clientAuthentication } from './client-auth-options.js';
import {
  assertKnownKeys,
  describe,
  durationMs,
  nestedOptions,
  nonEmptyString,
  optionKeys,
  optionalBoolean,
  optionalFunction,
  positiveInteger,
  secureUrl,
  stringList,
} from '../lib/options.js';
import type { Algorithm, ClaimPolicy, JsonWebKeySet } from '../lib/types.js';

/**
 * How this service authenticates to the introspection endpoint (RFC 7662 §2.1, which requires
 * some authentication; RFC 6749 §2.3.1; OpenID Connect Core §9).
 *
 * @example
 * ```ts
 * const withSecret: IntrospectionClientAuth = { method: 'client_secret_basic', clientSecret: process.env.INTROSPECTION_SECRET! };
 * const withKey: IntrospectionClientAuth = { method: 'private_key_jwt', privateKey: JSON.parse(process.env.CLIENT_JWK!), alg: 'ES256' };
 * ```
 */
export type IntrospectionClientAuth =
  | {
      /** HTTP Basic over the form-urlencoded id and secret, or both in the form body. */
      readonly method: 'client_secret_basic' | 'client_secret_post';
      /** The client secret registered at the authorization server. */
      readonly clientSecret: string;
    }
  | {
      /** A JWT signed with the client's private key (RFC 7523 §2.2), fresh for every request. */
      readonly method: 'private_key_jwt';
      /** A private JWK, a Web Crypto `CryptoKey` (private, `sign`) or a Node `KeyObject`. */
      readonly privateKey: ClientAssertionKey;
      /** Default: the JWK's `alg`, else RS256 for RSA, ES256/384/512 by curve, EdDSA for Ed25519. */
      readonly alg?: Algorithm;
      /** Default: the JWK's `kid`. */
      readonly kid?: string;
      /**
       * The assertion's `aud`. Default: `issuer`, which RFC 7523 §3 and oidc-provider, Keycloak
       * and PingFederate accept; Okta wants the endpoint's own URL (`introspectionEndpoint`).
       */
      readonly assertionAudience?: string;
    };

/**
 * Options of {@link introspectionIssuer}: the authorization server, how this service
 * authenticates to it, and how long answers are remembered. Checked at creation, with
 * `TypeError`. See docs/introspection.md.
 *
 * @example
 * ```ts
 * const options: IntrospectionIssuerOptions = {
 *   issuer: 'https://idp.example.com',
 *   introspectionEndpoint: 'https://idp.example.com/oauth2/introspect',
 *   clientId: 'orders-api',
 *   clientAuth: { method: 'client_secret_basic', clientSecret: process.env.INTROSPECTION_SECRET! },
 *   audience: 'https://api.example.com',
 * };
 * const verifier = createVerifier({ issuers: [introspectionIssuer(options)] });
 * ```
 */
export interface IntrospectionIssuerOptions extends Omit<ClaimPolicy, 'typ'> {
  /** The authorization server's issuer identifier: the `iss` an introspection answer may carry. */
  readonly issuer: string;
  /** The RFC 7662 endpoint, e.g. `https://idp.example.com/oauth2/introspect`. */
  readonly introspectionEndpoint: string;
  /** This resource server's client id at the authorization server. */
  readonly clientId: string;
  /** How this service authenticates to the endpoint. */
  readonly clientAuth: IntrospectionClientAuth;
  /**
   * Send tokens that are not a compact JWS here (default `true`). Only one introspection issuer
   * of a verifier may take them: which server issued an opaque token cannot be told from it,
   * and sending it to the wrong one would hand a credential to a third party.
   */
  readonly opaqueTokens?: boolean;
  /**
   * Ask for a signed answer (RFC 9701, `Accept: application/token-introspection+jwt`) and
   * verify it with the issuer's keys (`jwksUri`, `jwks` or discovery). A plain JSON answer is
   * then refused (503): an attacker on the path must not downgrade it.
   */
  readonly jwtResponse?: boolean;
  /** Where the keys signing JWT answers live; default: discovery of `issuer`. */
  readonly jwksUri?: string;
  /** The keys signing JWT answers, given up front. Exclusive with `jwksUri`. */
  readonly jwks?: JsonWebKeySet;
  /**
   * Remember answers by the SHA-256 digest of the token. An active answer is kept until the
   * token's `exp` or `maxTtlMs` (default 60 s), whichever is first: the trade-off between
   * load on the server and how long a token revoked there keeps working here. A refusal
   * (inactive, wrong audience…) is kept `inactiveTtlMs` (default 5 s; 0 keeps none). `false`:
   * ask the server every time. Defaults: 10000 entries, 8 MiB. Times are whole milliseconds, at
   * most 2^31 − 1.
   */
  readonly cache?:
    | false
    | {
        /** Longest time an active answer is kept. Default 60000 ms. */
        readonly maxTtlMs?: number;
        /** How long a refusal is kept; 0 keeps none. Default 5000 ms. */
        readonly inactiveTtlMs?: number;
        /** Answers kept at once. Default 10000. */
        readonly maxEntries?: number;
        /** Approximate heap the answers may hold. Default 8 MiB. */
        readonly maxBytes?: number;
      };
  /**
   * Deadline of one introspection, request and answer. Default 3000 ms, at most 2^31 − 1 (a
   * timer's limit); past it, 503.
   */
  readonly timeoutMs?: number;
  /** Claim(s) holding scopes, the first present wins. Default `scope` (RFC 7662 §2.2). */
  readonly scopeClaim?: string | readonly string[];
  /** Claim(s) holding groups or roles as an array of strings. Default `groups`. */
  readonly groupsClaim?: string | readonly string[];
  /** Allow `http:` URLs off loopback (never in production: the token crosses in clear). */
  readonly allowInsecureHttp?: boolean;
  /** Replaces the global `fetch` for the introspection endpoint (a proxy, an mTLS agent). */
  readonly fetch?: typeof globalThis.fetch;
}

/** Everything an introspection request needs, validated once at creation. */
export interface IntrospectionSettings {
  readonly issuer: string;
  readonly endpoint: string;
  readonly clientId: string;
  /** Headers of every request (`content-type`, `accept`, Basic credentials). */
  readonly headers: Readonly<Record<string, string>>;
  /** Form members of every request besides the token (`client_secret_post`'s credentials). */
  readonly form: readonly (readonly [string, string])[];
  /** For `private_key_jwt`: signs a fresh assertion for each request. */
  readonly assertion:
    { readonly signer: ClientAssertionSigner; readonly audience: string } | undefined;
  readonly opaqueTokens: boolean;
  readonly jwtResponse: boolean;
  readonly cache:
    | {
        readonly maxTtlMs: number;
        readonly inactiveTtlMs: number;
        readonly maxEntries: number;
        readonly maxBytes: number;
      }
    | undefined;
  readonly timeoutMs: number;
  readonly scopeClaims: readonly string[];
  readonly groupsClaims: readonly string[];
  readonly fetch: typeof globalThis.fetch | undefined;
}

export const INTROSPECTION_JWT = 'application/token-introspection+jwt';

/** Validates {@link IntrospectionIssuerOptions}; every mistake is a `TypeError` naming the option. */
export function resolveIntrospectionOptions(
  options: IntrospectionIssuerOptions,
): IntrospectionSettings {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('introspectionIssuer options must be an object');
  }
  assertKnownKeys(options, INTROSPECTION_OPTION_KEYS, 'introspectionIssuer');
  if ((options as ClaimPolicy).typ !== undefined) {
    // RFC 7662 answers are JSON documents, not JWTs: there is no token header to compare.
    throw new TypeError('introspectionIssuer: typ does not apply to introspected tokens');
  }
  // A boolean only: `'false'` or `1` would otherwise be read one way or the other in silence.
  const allowInsecureHttp = optionalBoolean(options.allowInsecureHttp, 'allowInsecureHttp', false);
  const issuer = nonEmptyString(options.issuer, 'issuer');
  secureUrl(issuer, 'issuer', allowInsecureHttp);
  const endpoint = secureUrl(
    options.introspectionEndpoint,
    'introspectionEndpoint',
    allowInsecureHttp,
  );
  if (new URL(endpoint).hash !== '') {
    throw new TypeError('introspectionEndpoint must not have a fragment');
  }
  const clientId = clientIdOption(nonEmptyString(options.clientId, 'clientId'), 'clientId');
  const jwtResponse = optionalBoolean(options.jwtResponse, 'jwtResponse', false);
  if (!jwtResponse && (options.jwksUri !== undefined || options.jwks !== undefined)) {
    throw new TypeError('jwksUri and jwks verify JWT answers: set jwtResponse: true, or drop them');
  }
  // An introspected token is never checked against `algorithms` (its issuer vouches for it,
  // whatever its format): only a signed answer's `alg` is (RFC 9701 §5).
  if (!jwtResponse && options.algorithms !== undefined) {
    throw new TypeError(
      'algorithms applies only to signed answers (RFC 9701): set jwtResponse: true, or drop algorithms',
    );
  }
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    // RFC 9701 §4: the client asks for a JWT answer with this media type.
    accept: jwtResponse ? INTROSPECTION_JWT : 'application/json',
  };
  const { form, assertion } = clientAuthentication(options.clientAuth, clientId, issuer, headers);
  return {
    issuer,
    endpoint,
    clientId,
    headers,
    form,
    assertion,
    opaqueTokens: optionalBoolean(options.opaqueTokens, 'opaqueTokens', true),
    jwtResponse,
    cache: cacheOption(options.cache),
    timeoutMs: durationMs(options.timeoutMs, 'timeoutMs', 3000),
    scopeClaims: stringList(options.scopeClaim ?? 'scope', 'scopeClaim'),
    groupsClaims: stringList(options.groupsClaim ?? 'groups', 'groupsClaim'),
    fetch: optionalFunction(options.fetch, 'fetch'),
  };
}

function cacheOption(value: IntrospectionIssuerOptions['cache']): IntrospectionSettings['cache'] {
  if (value === false) return undefined;
  // A plain object only: `[]` or a Map would otherwise pass as "no options" and leave the
  // defaults in force, though the app meant something by it.
  const cache = nestedOptions(value, 'cache', CACHE_KEYS, 'false or an object');
  return {
    maxTtlMs: durationMs(cache.maxTtlMs, 'cache.maxTtlMs', 60_000),
    inactiveTtlMs: inactiveTtlOption(cache.inactiveTtlMs),
    maxEntries: positiveInteger(cache.maxEntries, 'cache.maxEntries', 10_000),
    maxBytes: positiveInteger(cache.maxBytes, 'cache.maxBytes', 8 * 1024 * 1024),
  };
}

/** `cache.inactiveTtlMs`: 0 keeps no refusal, otherwise a duration a timer could hold. */
function inactiveTtlOption(value: unknown): number {
  if (value === 0) return 0;
  if (value === undefined || (typeof value === 'number' && value > 0)) {
    return durationMs(value, 'cache.inactiveTtlMs', 5000);
  }
  throw new TypeError(
    `cache.inactiveTtlMs must be a non-negative integer (0 keeps none), got ${describe(value)}`,
  );
}

const INTROSPECTION_OPTION_KEYS = optionKeys<IntrospectionIssuerOptions>({
  issuer: true,
  introspectionEndpoint: true,
  clientId: true,
  clientAuth: true,
  opaqueTokens: true,
  jwtResponse: true,
  jwksUri: true,
  jwks: true,
  cache: true,
  timeoutMs: true,
  scopeClaim: true,
  groupsClaim: true,
  allowInsecureHttp: true,
  fetch: true,
  audience: true,
  algorithms: true,
  clockToleranceSeconds: true,
  maxTokenAgeSeconds: true,
  requiredClaims: true,
});

// `typ` is refused with its own message rather than as an unknown option.
INTROSPECTION_OPTION_KEYS.add('typ');

const CACHE_KEYS = optionKeys<Exclude<IntrospectionIssuerOptions['cache'], false | undefined>>({
  maxTtlMs: true,
  inactiveTtlMs: true,
  maxEntries: true,
  maxBytes: true,
});
