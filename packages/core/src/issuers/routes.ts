import type { Algorithm, ClaimPolicy, TrustedIssuer, VerifierEventListener } from '../lib/types.js';
import type { IssuerResolver } from './issuer-resolver.js';
import { SUPPORTED_ALGORITHMS, isSupportedAlgorithm } from '../jws/algorithms.js';
import { MAX_ISSUER_LENGTH, normalizeTyp, type ResolvedPolicy } from '../claims/claims-check.js';
import { createJwksUriResolver } from '../jwks/discovery.js';
import type { KeySet } from '../jws/jwk-import.js';
import { importStaticKeys } from '../jwks/static-keys.js';
import {
  describe,
  nonNegativeNumber,
  positiveInteger,
  secureUrl,
  stringList,
} from '../lib/options.js';

/** One accepted `iss` value with everything needed to verify its tokens. */
export interface Route {
  readonly issuer: string;
  readonly trusted: TrustedIssuer;
  readonly policy: ResolvedPolicy;
  /** The JWKS location: known up front (synchronous), or learned once through discovery. */
  resolveJwksUri(): string | Promise<string>;
  /** The JWKS location when configured (not discovered): what `hydrate()` may seed. */
  readonly jwksUri: string | undefined;
  /**
   * Keys given up front (`jwks` on the issuer): the verifier picks from them and never asks
   * the JWKS cache, so this route never fetches anything.
   */
  readonly keys: KeySet | undefined;
}

/**
 * The part of `VerifierOptions` routing reads: the issuers and the verifier-wide claim policy
 * each one's own policy falls back to. Declared here, below the verifier, so that routing does
 * not import the verifier that builds it.
 */
export interface RouteOptions extends ClaimPolicy {
  readonly issuers?: readonly TrustedIssuer[] | undefined;
  readonly resolveIssuer?: IssuerResolver | undefined;
}

export interface RouteEnvironment {
  readonly fetch: typeof globalThis.fetch;
  /** How long one request waits for a discovery fetch (or the resolver). */
  readonly timeoutMs: number;
  /** The discovery fetch's own deadline; it completes in the background past `timeoutMs`. */
  readonly fetchTimeoutMs: number;
  /** Aborted when the verifier closes: ends any discovery fetch in flight. */
  readonly signal: AbortSignal;
  /** Least time between two discovery attempts after a failure. */
  readonly cooldownMs: number;
  readonly onEvent: VerifierEventListener | undefined;
}

const DISCOVERY_MAX_BYTES = 256 * 1024;

/** Builds the `iss` → route map, validating every issuer and applying verifier-wide defaults. */
export function buildRoutes(
  options: RouteOptions,
  env: RouteEnvironment,
): ReadonlyMap<string, Route> {
  const issuers = options.issuers ?? [];
  if (!Array.isArray(issuers) || (issuers.length === 0 && options.resolveIssuer === undefined)) {
    throw new TypeError(
      'issuers must be a non-empty array of oidcIssuer()/cognitoIssuer() values (or pass resolveIssuer)',
    );
  }
  const routes = new Map<string, Route>();
  for (const trusted of issuers) {
    // Routed by introspection/ (createIntrospection), which asks a server rather than keys.
    if (isIntrospected(trusted)) continue;
    for (const route of routesOf(trusted, options, env)) {
      if (routes.has(route.issuer)) {
        throw new TypeError(`issuer ${describe(route.issuer)} is configured twice`);
      }
      routes.set(route.issuer, route);
    }
  }
  return routes;
}

/** The routes of one trusted issuer, one per accepted `iss`. Throws TypeError on a bad issuer. */
export function routesOf(
  trusted: TrustedIssuer,
  defaults: ClaimPolicy,
  env: RouteEnvironment,
): Route[] {
  // A resolver's answer is routed by keys only: introspecting would need the verifier's
  // introspection state, built once for the issuers listed up front. Fail closed rather than
  // verify the tokens of an issuer the app said to introspect some other way.
  if (isIntrospected(trusted)) {
    throw new TypeError(
      'an introspectionIssuer() must be listed in issuers; resolveIssuer cannot return one',
    );
  }
  return endpointRoutes(trusted, defaults, env);
}

/**
 * The routes of any trusted issuer, introspected ones included: their policy and, for signed
 * introspection answers (RFC 9701), where their keys are.
 */
export function endpointRoutes(
  trusted: TrustedIssuer,
  defaults: ClaimPolicy,
  env: RouteEnvironment,
): Route[] {
  if (typeof trusted !== 'object' || trusted === null || !Array.isArray(trusted.endpoints)) {
    throw new TypeError('each issuer must be built with oidcIssuer(), cognitoIssuer() or a preset');
  }
  const policy = resolvePolicy(trusted, defaults);
  const allowInsecureHttp = trusted.allowInsecureHttp === true;
  return trusted.endpoints.map((endpoint) => {
    const issuer = endpoint.issuer;
    // Such an issuer could never match: tokens with an `iss` this long are refused unrouted.
    if (typeof issuer === 'string' && issuer.length > MAX_ISSUER_LENGTH) {
      throw new TypeError(
        `issuer ${describe(issuer)} is longer than ${MAX_ISSUER_LENGTH} characters`,
      );
    }
    if (endpoint.jwks !== undefined && endpoint.jwksUri !== undefined) {
      throw new TypeError(`issuer ${describe(issuer)}: pass either jwks or jwksUri, not both`);
    }
    // Imported against the final policy: a verifier-wide `algorithms` may narrow what fits.
    const keys =
      endpoint.jwks === undefined
        ? undefined
        : importStaticKeys(endpoint.jwks, policy.algorithms, `issuer ${describe(issuer)}`);
    const jwksUri =
      endpoint.jwksUri === undefined
        ? undefined
        : secureUrl(endpoint.jwksUri, 'jwksUri', allowInsecureHttp);
    const resolver =
      jwksUri === undefined && keys === undefined
        ? createJwksUriResolver({
            issuer,
            allowInsecureHttp,
            cooldownMs: env.cooldownMs,
            waitMs: env.timeoutMs,
            timeoutMs: env.fetchTimeoutMs,
            signal: env.signal,
            maxBytes: DISCOVERY_MAX_BYTES,
            fetch: env.fetch,
            onEvent: env.onEvent,
          })
        : undefined;
    return {
      issuer,
      trusted,
      policy,
      // A static route has no JWKS location; `keys` is read instead, so this is never called.
      resolveJwksUri: () => (resolver === undefined ? (jwksUri ?? '') : resolver.resolve()),
      jwksUri,
      keys,
    };
  });
}

/** Built by `introspectionIssuer()` (its `kind`, as any copy of the core spells it). */
function isIntrospected(trusted: unknown): boolean {
  return (
    typeof trusted === 'object' &&
    trusted !== null &&
    (trusted as { kind?: unknown }).kind === 'introspection'
  );
}

function resolvePolicy(trusted: TrustedIssuer, defaults: ClaimPolicy): ResolvedPolicy {
  const label = `issuer ${describe(trusted.endpoints[0]?.issuer)}`;
  const audience = trusted.audience !== undefined ? trusted.audience : defaults.audience;
  if (audience === undefined) {
    throw new TypeError(
      `${label}: audience is required (RFC 8725 §3.9); pass null to skip the check explicitly`,
    );
  }
  const algorithms = narrowAlgorithms(trusted.algorithms, defaults.algorithms, label);
  if (
    !Array.isArray(algorithms) ||
    algorithms.length === 0 ||
    !algorithms.every(isSupportedAlgorithm)
  ) {
    throw new TypeError(
      `${label}: algorithms must be a non-empty list of ${SUPPORTED_ALGORITHMS.join(', ')} (HMAC and none are never accepted)`,
    );
  }
  const maxAge = trusted.maxTokenAgeSeconds ?? defaults.maxTokenAgeSeconds;
  const typ = trusted.typ ?? defaults.typ;
  const required = trusted.requiredClaims ?? defaults.requiredClaims ?? ['exp'];
  return {
    audience: audience === null ? null : new Set(stringList(audience, `${label}: audience`)),
    algorithms: new Set<Algorithm>(algorithms),
    clockToleranceSeconds: nonNegativeNumber(
      trusted.clockToleranceSeconds ?? defaults.clockToleranceSeconds,
      `${label}: clockToleranceSeconds`,
      5,
    ),
    maxTokenAgeSeconds:
      maxAge === undefined ? undefined : positiveInteger(maxAge, `${label}: maxTokenAgeSeconds`, 0),
    typ:
      typ === undefined ? undefined : normalizeTyp(stringList(typ, `${label}: typ`)[0] as string),
    requiredClaims: required.length === 0 ? [] : stringList(required, `${label}: requiredClaims`),
  };
}

/**
 * The issuer's algorithms within the verifier-wide ones: a verifier-level `algorithms` is a
 * ceiling (RFC 8725 §3.1: accept only the algorithms you mean to), so an issuer cannot widen it,
 * and one whose algorithms it excludes entirely (Cognito signs RS256 only) could verify no
 * token: a TypeError naming the issuer, not a route that refuses everything.
 */
function narrowAlgorithms(
  own: readonly Algorithm[] | undefined,
  ceiling: readonly Algorithm[] | undefined,
  label: string,
): readonly Algorithm[] {
  // Malformed or empty lists are left to the check that follows, which names them.
  if (!Array.isArray(own) || !Array.isArray(ceiling) || own.length === 0 || ceiling.length === 0) {
    return own ?? ceiling ?? SUPPORTED_ALGORITHMS;
  }
  const allowed = own.filter((alg) => ceiling.includes(alg));
  if (allowed.length === 0) {
    throw new TypeError(
      `${label} signs with ${own.join(', ')}, none of which the verifier's algorithms (${ceiling.join(', ')}) allow`,
    );
  }
  return allowed;
}
