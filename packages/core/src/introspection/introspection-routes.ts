import { endpointRoutes, type Route, type RouteEnvironment } from '../issuers/routes.js';
import type { JwksCache } from '../jwks/jwks-cache-options.js';
import { describe } from '../lib/options.js';
import type { ClaimPolicy, TrustedIssuer } from '../lib/types.js';
import type { RevocationGuard } from '../revocation/revocation-check.js';
import { introspectionSettings, isIntrospectionIssuer } from './introspection-issuer.js';
import { createIntrospector, type Introspector } from './introspector.js';

/** The verifier's introspection issuers, by how a token reaches them. */
export interface Introspection {
  /**
   * The introspector of a token that is not a compact JWS (RFC 7515 §7.1), or `undefined` when
   * the token is one, or when no issuer takes opaque tokens: the caller then decodes it as a JWS,
   * which refuses anything else as `TOKEN_MALFORMED`. Costs one regex test.
   */
  opaque(token: string): Introspector | undefined;
  /** The introspector of a JWS whose `iss` names an introspection issuer. */
  forIssuer(iss: unknown): Introspector | undefined;
}

export interface IntrospectionDependencies {
  readonly env: RouteEnvironment;
  readonly jwks: JwksCache;
  readonly revocation: RevocationGuard | undefined;
  /** The verifier's key-verified routes: an issuer must not be both. */
  readonly routes: ReadonlyMap<string, Route>;
}

// RFC 7515 §7.1: three runs of base64url joined by two dots (as jws/token-charset.ts checks).
const COMPACT_JWS = /^[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;
// RFC 6750 §2.1 b64token: what a Bearer header can carry. ASCII only, so the token's
// characters are its bytes, and a look-alike cannot share a cache digest with it.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Builds the introspectors of the introspection issuers in `issuers`, or `undefined` when there
 * are none (the verifier's JWT path then pays nothing). Throws `TypeError` for an issuer also
 * verified by keys, one listed twice, or two that both take opaque tokens: which server issued
 * an opaque token cannot be told from it, and asking the wrong one hands it the credential.
 */
export function createIntrospection(
  issuers: readonly TrustedIssuer[] | undefined,
  defaults: ClaimPolicy,
  deps: IntrospectionDependencies,
): Introspection | undefined {
  const byIssuer = new Map<string, Introspector>();
  let opaqueIntrospector: Introspector | undefined;
  for (const [index, trusted] of (Array.isArray(issuers) ? issuers : []).entries()) {
    if (typeof trusted !== 'object' || trusted === null || !isIntrospectionIssuer(trusted)) {
      continue;
    }
    const settings = introspectionSettings(trusted);
    const issuer = settings.issuer;
    if (byIssuer.has(issuer) || deps.routes.has(issuer)) {
      throw new TypeError(`issuer ${describe(issuer)} is configured twice`);
    }
    const [route] = endpointRoutes(trusted, defaults, deps.env, `issuers[${index}]`);
    const introspector = createIntrospector({
      settings,
      route: route as Route,
      jwks: deps.jwks,
      revocation: deps.revocation,
      fetch: settings.fetch ?? deps.env.fetch,
      signal: deps.env.signal,
    });
    byIssuer.set(issuer, introspector);
    if (settings.opaqueTokens) {
      if (opaqueIntrospector !== undefined) {
        throw new TypeError(
          `issuers ${describe(opaqueIntrospector.issuer)} and ${describe(issuer)} both take opaque tokens; ` +
            'set opaqueTokens: false on all but one (an opaque token names no issuer)',
        );
      }
      opaqueIntrospector = introspector;
    }
  }
  if (byIssuer.size === 0) return undefined;
  const opaque = opaqueIntrospector;
  return {
    opaque: (token) =>
      opaque !== undefined && !COMPACT_JWS.test(token) && B64TOKEN.test(token) ? opaque : undefined,
    forIssuer: (iss) => (typeof iss === 'string' ? byIssuer.get(iss) : undefined),
  };
}
