import { SUPPORTED_ALGORITHMS, isSupportedAlgorithm } from '../jws/algorithms.js';
import { MAX_ISSUER_LENGTH, checkClaims, invalid } from '../claims/claims-check.js';
import { decodeCompactJws } from '../jws/compact-jws.js';
import { assertTokenCharset } from '../jws/token-charset.js';
import {
  assertKnownKeys,
  durationMs,
  optionsSnapshot,
  positiveInteger,
  optionalBoolean,
  optionalFunction,
} from '../lib/options.js';
import { checkedPolicy } from '../issuers/policy.js';
import { detailList, seen } from '../errors/error-detail.js';
import { createDynamicRoutes } from '../issuers/dynamic-routes.js';
import { markVerified } from '../claims/verified-token.js';
import { tokenBinding } from '../claims/token-binding.js';
import { buildRoutes } from '../issuers/routes.js';
import { createIntrospection } from '../introspection/introspection-routes.js';
import { createPrewarm } from './prewarm.js';
import { createHydrate } from './hydrate.js';
import { staticKey } from '../jwks/static-keys.js';
import {
  signatureIsValid,
  signatureIsValidOffThread,
  threadPoolAvailable,
} from '../jws/signature.js';
import {
  checkRevocable,
  checkRevocation,
  revocationGuard,
} from '../revocation/revocation-check.js';
import { createTokenCache, validityWindow, type CachedVerdict } from './token-cache.js';
import { createVerdictCheck } from './verdict-check.js';
import {
  VERIFIER_OPTION_KEYS,
  requiresOption,
  type Verifier,
  type VerifierOptions,
  VERIFY_NOW,
} from './verifier-options.js';
import { verifyEntries } from './verify-entries.js';
import { verifierJwks } from './verifier-jwks.js';
import { resolverCacheSettings, tokenCacheSettings } from './cache-settings.js';
import type { JwksKey } from '../jws/jwk-import.js';
import type { VerifiedToken } from '../lib/types.js';

/**
 * Creates a verifier for one or many issuers. Build it once at startup: it owns the JWKS
 * cache, and every option mistake throws a `TypeError` here rather than on a request.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({
 *   issuers: [cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789' })],
 * });
 * const { subject, scopes, groups } = await verifier.verify(token);
 * ```
 */
export function createVerifier(given: VerifierOptions): Verifier {
  if (typeof given !== 'object' || given === null) throw new TypeError('options must be an object');
  // Every read below sees this one reading of the options (a getter answers once).
  const options = optionsSnapshot(given, VERIFIER_OPTION_KEYS);
  assertKnownKeys(options, VERIFIER_OPTION_KEYS, 'createVerifier');
  const maxTokenBytes = positiveInteger(options.maxTokenBytes, 'maxTokenBytes', 16_384);
  const onEvent = optionalFunction(options.onEvent, 'onEvent');
  const { jwks, owned: ownsJwks, ...fetchSettings } = verifierJwks(options.jwks, onEvent);
  const cacheSettings = tokenCacheSettings(options);
  const cache = cacheSettings === undefined ? undefined : createTokenCache(cacheSettings);
  const threadPool = optionalBoolean(options.threadPool, 'threadPool', false);
  // Only Node's crypto has a thread pool to move verification to; Web Crypto is async already.
  if (threadPool && !threadPoolAvailable) {
    throw new TypeError(
      'threadPool needs node:crypto: this runtime uses Web Crypto, leave it unset',
    );
  }
  requiresOption(options, 'revocationTimeoutMs', 'revocation');
  const revocation = revocationGuard(
    options.revocation,
    durationMs(options.revocationTimeoutMs, 'revocationTimeoutMs', 1000),
  );
  // Checked and copied once: every issuer's policy falls back to this snapshot, the resolver's
  // answers included, so changing `options` after this call changes nothing.
  const policy = checkedPolicy(options, (key) => key);
  const issuers = Array.isArray(options.issuers) ? [...options.issuers] : options.issuers;
  const resolveIssuer = optionalFunction(options.resolveIssuer, 'resolveIssuer');
  // Aborted by close(): ends discovery fetches still in flight.
  const lifetime = new AbortController();
  // Discovery follows the JWKS cache's fetch, deadline and cooldown when given as options.
  const routeEnvironment = { ...fetchSettings, signal: lifetime.signal, onEvent };
  const routes = buildRoutes({ ...policy, issuers, resolveIssuer }, routeEnvironment);
  // RFC 7662 issuers: opaque tokens, and JWSs whose `iss` names one, are asked about, not decoded.
  const introspection = createIntrospection(issuers, policy, {
    env: routeEnvironment,
    jwks,
    revocation,
    routes,
  });
  const resolverCache = resolverCacheSettings(options);
  requiresOption(options, 'resolverCache', 'resolveIssuer');
  const dynamicRoutes =
    resolveIssuer === undefined
      ? undefined
      : createDynamicRoutes(resolveIssuer, policy, routeEnvironment, resolverCache);
  const { routeStillHolds, stillPublished } = createVerdictCheck(routes, dynamicRoutes, jwks);

  /**
   * The verdict, synchronously when nothing needs to wait: a cache hit whose key set is fresh
   * and whose revocation store (if any) answers at once is returned as is, with no promise and
   * no turn of the event loop; everything else is a promise. Throws (synchronously) only
   * `TokengateError`s.
   */
  function verifyNow(token: string): VerifiedToken | Promise<VerifiedToken> {
    if (typeof token !== 'string' || token.length === 0) {
      throw invalid('TOKEN_MALFORMED', 'Token must be a non-empty string');
    }
    // RFC 8725 §3.11-style resource bound: refuse oversized input before decoding anything.
    if (token.length > maxTokenBytes) {
      throw invalid('TOKEN_TOO_LARGE', 'Token is too large', {
        length: token.length,
        maxTokenBytes,
      });
    }
    // The cache compares whole strings, and only tokens that passed the check below are in it,
    // so a hit is that exact string again: the check is needed before decoding only.
    const digest = cache?.digest(token);
    if (cache !== undefined && digest !== undefined) {
      const hit = cache.get(digest, Date.now());
      if (hit !== undefined && routeStillHolds(hit.route)) {
        const published = stillPublished(hit);
        if (published === true) return acceptHit(hit);
        // The key set is being refreshed: the hit holds once its key is known to be published.
        if (published !== false) {
          return published.then((still) => (still ? acceptHit(hit) : verifyToken(token, digest)));
        }
      }
    }
    return verifyToken(token, digest);
  }

  function acceptHit(hit: CachedVerdict): VerifiedToken | Promise<VerifiedToken> {
    return revocation === undefined
      ? hit.result
      : checkRevocation(revocation, hit.result, hit.route.policy);
  }

  /** The full path: decoding, routing, key, signature, claims, admission to the cache. */
  async function verifyToken(token: string, digest: string | undefined): Promise<VerifiedToken> {
    // Before decoding: a non-ASCII look-alike must never reach the base64 or latin1 decoders.
    const opaque = introspection?.opaque(token);
    if (opaque !== undefined) return opaque.verify(token);
    assertTokenCharset(token, false);
    const { header, claims, signingInput, signature } = decodeCompactJws(token);
    // The issuer of an introspected token is its authority, whatever the token's format.
    const introspected = introspection?.forIssuer(claims.iss);
    if (introspected !== undefined) return introspected.verify(token);
    const alg = header.alg;
    // RFC 8725 §3.1–3.2: never `none`, never HMAC; only the asymmetric algorithms we implement.
    if (!isSupportedAlgorithm(alg)) {
      throw invalid('ALG_NOT_ALLOWED', 'Token algorithm is not allowed', {
        alg: seen(alg),
        supported: SUPPORTED_ALGORITHMS,
      });
    }
    // RFC 7515 §4.1.11: we understand no extension, so any `crit` must be refused.
    if (header.crit !== undefined) {
      throw invalid(
        'CRIT_UNSUPPORTED',
        'Token has critical header parameters that are not understood',
        { crit: Array.isArray(header.crit) ? detailList(header.crit) : seen(header.crit) },
      );
    }
    const kid = header.kid;
    if (kid !== undefined && (typeof kid !== 'string' || kid.length > 1024)) {
      throw invalid('TOKEN_MALFORMED', 'Token kid header is not a valid string', {
        kid: seen(kid),
      });
    }
    // Route by `iss` in O(1); an unknown issuer costs no network call (RFC 8725 §3.8).
    const iss = claims.iss;
    // No issuer we trust is that long (buildRoutes refuses one), so this is an unknown issuer:
    // refused before the resolver, or any cache, has to hold an attacker's kilobytes.
    if (typeof iss === 'string' && iss.length > MAX_ISSUER_LENGTH) throw unknownIssuer(iss);
    let route = typeof iss === 'string' ? routes.get(iss) : undefined;
    if (route === undefined && dynamicRoutes !== undefined && typeof iss === 'string') {
      const resolved = dynamicRoutes.get(iss);
      route = resolved instanceof Promise ? await resolved : resolved;
    }
    if (route === undefined) throw unknownIssuer(iss);
    if (!route.policy.algorithms.has(alg)) {
      throw invalid('ALG_NOT_ALLOWED', 'Token algorithm is not allowed', {
        alg,
        issuer: seen(route.issuer),
        allowed: [...route.policy.algorithms],
      });
    }

    let jwksUri = '';
    let key: JwksKey;
    if (route.keys !== undefined) {
      key = staticKey(route.keys, kid, alg);
    } else {
      const resolved = route.resolveJwksUri();
      jwksUri = typeof resolved === 'string' ? resolved : await resolved;
      const found = jwks.getKey(jwksUri, kid, alg);
      key = found instanceof Promise ? await found : found;
    }
    const checked = threadPool
      ? signatureIsValidOffThread(alg, key, signingInput, signature, routeEnvironment.timeoutMs)
      : signatureIsValid(alg, key, signingInput, signature);
    // Node's check answers synchronously: awaited only when it is a promise (Web Crypto, pool).
    if (!(checked === true || (checked !== false && (await checked)))) {
      throw invalid('SIGNATURE_INVALID', 'Token signature is invalid', {
        alg,
        kid: seen(kid),
        issuer: seen(route.issuer),
      });
    }

    const policy = route.policy;
    checkClaims(claims, header, policy, Date.now() / 1000);
    route.validate?.(claims, header);
    if (revocation !== undefined) checkRevocable(revocation, claims, policy);
    const identity = route.normalize(claims, header);
    // Before caching: a `cnf` this library cannot check is refused on every path.
    const binding = tokenBinding(claims);
    // Marked once here: guards accept only marked results (see verified-token.ts).
    const result = markVerified<VerifiedToken>({
      token,
      header,
      claims,
      issuer: route.issuer,
      subject: identity.subject,
      clientId: identity.clientId,
      tokenUse: identity.tokenUse,
      scopes: identity.scopes,
      groups: identity.groups,
      expiresAt: claims.exp,
      binding,
    });
    if (cache !== undefined && digest !== undefined) {
      cache.admit(digest, { result, route, jwksUri, key, ...validityWindow(claims, policy) });
    }
    return revocation === undefined ? result : checkRevocation(revocation, result, policy);
  }

  /** Built on failure only: the token's `iss` and the first few trusted ones, for logs. */
  function unknownIssuer(iss: unknown): ReturnType<typeof invalid> {
    return invalid('ISSUER_UNKNOWN', 'Token issuer is not trusted', {
      iss: seen(iss),
      trusted: detailList(routes.keys()),
      resolver: dynamicRoutes !== undefined,
    });
  }

  const { verify, verifyFast } = verifyEntries(verifyNow, onEvent);

  const prewarm = createPrewarm(routes, jwks, onEvent);

  const hydrate = createHydrate(routes, jwks);

  async function close(): Promise<void> {
    lifetime.abort();
    if (ownsJwks) await jwks.close();
  }

  const built: Verifier = { verify: verify as Verifier['verify'], prewarm, hydrate, close };
  // Not enumerable, and tied to this `verify`: a wrapper (`{ ...verifier, verify }`, or
  // `verifier.verify = …`) is called through its own `verify()`, never skipped.
  Object.defineProperty(built, VERIFY_NOW, { value: { verify: built.verify, now: verifyFast } });
  return built;
}
