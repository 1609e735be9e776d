import type {
  Algorithm,
  ClaimPolicy,
  IssuerEndpoint,
  TrustedIssuer,
  VerifierEventListener,
} from '../lib/types.js';
import type { IssuerResolver } from './issuer-resolver.js';
import { SUPPORTED_ALGORITHMS } from '../jws/algorithms.js';
import { MAX_ISSUER_LENGTH, normalizeTyp, type ResolvedPolicy } from '../claims/claims-check.js';
import { createJwksUriResolver } from '../jwks/discovery.js';
import type { KeySet } from '../jws/jwk-import.js';
import { importStaticKeys } from '../jwks/static-keys.js';
import { describe, secureUrl } from '../lib/options.js';
import { checkIssuerShape, issuerLabel, readIssuer, type IssuerLabel } from './issuer-shape.js';
import { checkedPolicy } from './policy.js';

/** One accepted `iss` value with everything needed to verify its tokens. */
export interface Route {
  readonly issuer: string;
  /** The issuer as configured: its identity groups routes (prewarm); read at build time only. */
  readonly trusted: TrustedIssuer;
  readonly policy: ResolvedPolicy;
  /**
   * The issuer's own checks and claim reader, copied at build: what verifies a token is what
   * was configured then, whatever later happens to the issuer object.
   */
  readonly validate: TrustedIssuer['validate'];
  readonly normalize: TrustedIssuer['normalize'];
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
 * not import the verifier that builds it. The policy part is the verifier's snapshot, already
 * checked (`checkedPolicy`), never the caller's live object.
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
  // Indexed, not for…of: a hole in the array is an issuer missing, named by its place.
  for (let index = 0; index < issuers.length; index += 1) {
    const trusted = issuers[index] as TrustedIssuer;
    // Routed by introspection/ (createIntrospection), which asks a server rather than keys.
    if (isIntrospected(trusted)) continue;
    for (const route of routesOf(trusted, options, env, `issuers[${index}]`)) {
      if (routes.has(route.issuer)) {
        throw new TypeError(
          `issuers[${index}]: issuer ${describe(route.issuer)} is configured twice`,
        );
      }
      routes.set(route.issuer, route);
    }
  }
  return routes;
}

/**
 * The routes of one trusted issuer, one per accepted `iss`. Throws TypeError on a bad issuer,
 * naming it by `path` (`issuers[1]`) when given.
 */
export function routesOf(
  trusted: TrustedIssuer,
  defaults: ClaimPolicy,
  env: RouteEnvironment,
  path?: string,
): Route[] {
  // A resolver's answer is routed by keys only: introspecting would need the verifier's
  // introspection state, built once for the issuers listed up front. Fail closed rather than
  // verify the tokens of an issuer the app said to introspect some other way.
  if (isIntrospected(trusted)) {
    throw new TypeError(
      'an introspectionIssuer() must be listed in issuers; resolveIssuer cannot return one',
    );
  }
  return endpointRoutes(trusted, defaults, env, path);
}

/**
 * The routes of any trusted issuer, introspected ones included: their policy and, for signed
 * introspection answers (RFC 9701), where their keys are. Everything a request reads is taken
 * from `trusted` here, once: its policy, endpoints, `validate` and `normalize`.
 */
export function endpointRoutes(
  trusted: TrustedIssuer,
  defaults: ClaimPolicy,
  env: RouteEnvironment,
  path?: string,
): Route[] {
  // Read once by name into a frozen copy (issuer-shape.ts): what is checked here is what every
  // request, and prewarm, reads.
  const snapshot =
    typeof trusted === 'object' && trusted !== null && !Array.isArray(trusted)
      ? readIssuer(trusted)
      : trusted;
  const label = issuerLabel(snapshot, path);
  checkIssuerShape(snapshot, label);
  const policy = resolvePolicy(snapshot, defaults, label);
  const allowInsecureHttp = snapshot.allowInsecureHttp === true;
  const { validate, normalize } = snapshot;
  const endpoints: readonly IssuerEndpoint[] = snapshot.endpoints;
  return endpoints.map((endpoint, index) => {
    const { issuer, jwksUri: configured, jwks: given } = endpoint;
    const at = (name = ''): string => label.key(`endpoints[${index}]${name}`);
    // Such an issuer could never match: tokens with an `iss` this long are refused unrouted.
    if (issuer.length > MAX_ISSUER_LENGTH) {
      throw new TypeError(
        `${at()}: issuer ${describe(issuer)} is longer than ${MAX_ISSUER_LENGTH} characters`,
      );
    }
    if (given !== undefined && configured !== undefined) {
      throw new TypeError(`${at()}: pass either jwks or jwksUri, not both`);
    }
    // Imported against the final policy: a verifier-wide `algorithms` may narrow what fits.
    const keys =
      given === undefined ? undefined : importStaticKeys(given, policy.algorithms, label.whole);
    const jwksUri =
      configured === undefined
        ? undefined
        : secureUrl(configured, at('.jwksUri'), allowInsecureHttp);
    const resolver =
      jwksUri === undefined && keys === undefined
        ? createJwksUriResolver({
            // Discovery fetches `<issuer>/.well-known/openid-configuration`: a URL, checked now.
            issuer: secureUrl(issuer, at('.issuer'), allowInsecureHttp),
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
      trusted: snapshot,
      policy,
      validate,
      normalize,
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

/**
 * The issuer's own policy (checked here, naming the issuer), over the verifier-wide `defaults`
 * (checked once when the verifier was built, so never blamed on an issuer).
 */
function resolvePolicy(
  trusted: TrustedIssuer,
  defaults: ClaimPolicy,
  label: IssuerLabel,
): ResolvedPolicy {
  const own = checkedPolicy(trusted, label.key);
  const audience = own.audience !== undefined ? own.audience : defaults.audience;
  if (audience === undefined) {
    throw new TypeError(
      `${label.whole}: audience is required (RFC 8725 §3.9); pass null to skip the check explicitly`,
    );
  }
  const typ = own.typ ?? defaults.typ;
  return {
    audience:
      audience === null ? null : new Set(typeof audience === 'string' ? [audience] : audience),
    algorithms: new Set<Algorithm>(narrowAlgorithms(own.algorithms, defaults.algorithms, label)),
    clockToleranceSeconds: own.clockToleranceSeconds ?? defaults.clockToleranceSeconds ?? 5,
    maxTokenAgeSeconds: own.maxTokenAgeSeconds ?? defaults.maxTokenAgeSeconds,
    typ: typ === undefined ? undefined : normalizeTyp(typ),
    requiredClaims: own.requiredClaims ?? defaults.requiredClaims ?? ['exp'],
  };
}

/**
 * The issuer's algorithms within the verifier-wide ones: a verifier-level `algorithms` is a
 * ceiling (RFC 8725 §3.1: accept only the algorithms you mean to), so an issuer cannot widen it,
 * and one whose algorithms it excludes entirely (Cognito signs RS256 only) could verify no
 * token: a TypeError naming the issuer, not a route that refuses everything. Both lists are
 * already checked (non-empty, supported algorithms only).
 */
function narrowAlgorithms(
  own: readonly Algorithm[] | undefined,
  ceiling: readonly Algorithm[] | undefined,
  label: IssuerLabel,
): readonly Algorithm[] {
  if (own === undefined || ceiling === undefined) return own ?? ceiling ?? SUPPORTED_ALGORITHMS;
  const allowed = own.filter((alg) => ceiling.includes(alg));
  if (allowed.length === 0) {
    throw new TypeError(
      `${label.whole} signs with ${own.join(', ')}, none of which the verifier's algorithms (${ceiling.join(', ')}) allow`,
    );
  }
  return allowed;
}
