import { backend } from '#crypto-backend';
import { checkClaims, invalid, type ResolvedPolicy } from '../claims/claims-check.js';
import { tokenBinding } from '../claims/token-binding.js';
import { markVerified } from '../claims/verified-token.js';
import { seen } from '../errors/error-detail.js';
import { IdpUnavailableError, InvalidTokenError, isTokengateError } from '../errors/errors.js';
import type { Route } from '../issuers/routes.js';
import type { JwksCache } from '../jwks/jwks-cache-options.js';
import { encodeBase64 } from '../lib/base64.js';
import { withinDeadline } from '../lib/deadline.js';
import type { JwtClaims, JwtHeader, VerifiedToken } from '../lib/types.js';
import {
  checkRevocable,
  checkRevocation,
  type RevocationGuard,
} from '../revocation/revocation-check.js';
import { NO_HEADER, answerOf, parseAnswerJson } from './introspection-answer.js';
import {
  createIntrospectionCache,
  type ActiveVerdict,
  type Refusal,
} from './introspection-cache.js';
import type { IntrospectionSettings } from './introspection-options.js';
import { postIntrospection, unavailable } from './introspection-request.js';
import { verifyJwtAnswer } from './jwt-answer.js';

/** One introspection issuer at run time: its cache, its requests in flight, its checks. */
export interface Introspector {
  readonly issuer: string;
  readonly opaqueTokens: boolean;
  /** Verifies `token` (ASCII: routing checked its characters) by asking the server or the cache. */
  verify(token: string): Promise<VerifiedToken>;
}

export interface IntrospectorDependencies {
  readonly settings: IntrospectionSettings;
  /** The issuer's route: its resolved claim policy and, for RFC 9701 answers, its keys. */
  readonly route: Route;
  readonly jwks: JwksCache;
  readonly revocation: RevocationGuard | undefined;
  readonly fetch: typeof globalThis.fetch;
  /** Aborted when the verifier closes: ends introspection requests in flight. */
  readonly signal: AbortSignal;
}

/** What one introspection decided, shared by every request that waited for it. */
type Verdict =
  | { readonly active: true; readonly verdict: ActiveVerdict }
  | { readonly active: false; readonly refusal: Refusal };

/**
 * Distinct tokens being introspected at once. Past it a new token is a 503 at once: a flood of
 * random tokens must not open unbounded connections to the server (or hold unbounded memory).
 */
const MAX_IN_FLIGHT = 1024;

const INACTIVE: Refusal = Object.freeze({
  code: 'TOKEN_INACTIVE',
  description: 'Token is not active',
  detail: Object.freeze({}),
});

// Refusals that time alone may lift: never remembered, so the token is asked about again.
const TRANSIENT_REFUSALS = new Set(['TOKEN_NOT_YET_VALID', 'TOKEN_ISSUED_IN_FUTURE']);

export function createIntrospector(deps: IntrospectorDependencies): Introspector {
  const { settings, route, revocation } = deps;
  // RFC 7662 answers have no JOSE header: the `typ` of a verifier-wide policy is for JWTs.
  const policy: ResolvedPolicy = { ...route.policy, typ: undefined };
  const cache = settings.cache === undefined ? undefined : createIntrospectionCache(settings.cache);
  // Single flight: concurrent requests with one token share one POST (keyed by digest).
  const inflight = new Map<string, Promise<Verdict>>();
  const jwtContext = { settings, route, policy, jwks: deps.jwks };

  async function introspect(token: string, key: string): Promise<Verdict> {
    const reply = await postIntrospection(settings, token, deps.fetch, deps.signal);
    const { header, members } = settings.jwtResponse
      ? await verifyJwtAnswer(jwtContext, reply)
      : { header: NO_HEADER, members: parseAnswerJson(settings, reply.text) };
    const answer = answerOf(settings, members, header);
    let verdict: Verdict;
    try {
      verdict = answer.active
        ? { active: true, verdict: check(answer.claims, answer.header, reply.text.length) }
        : { active: false, refusal: INACTIVE };
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      verdict = { active: false, refusal: refusalOf(error) };
    }
    if (cache !== undefined) {
      if (verdict.active) {
        const exp = verdict.verdict.claims.exp;
        cache.keepActive(key, verdict.verdict, exp === undefined ? undefined : exp * 1000);
      } else if (!TRANSIENT_REFUSALS.has(verdict.refusal.code)) {
        cache.keepRefusal(key, verdict.refusal);
      }
    }
    return verdict;
  }

  /** The checks a JWT's claims get, run on the answer's members (RFC 7662 §4: the RS decides). */
  function check(claims: JwtClaims, header: JwtHeader, size: number): ActiveVerdict {
    // RFC 7662 §2.2: `iss` is optional; when present it must be this issuer, exactly.
    if (claims.iss !== undefined && claims.iss !== settings.issuer) {
      throw invalid('ISSUER_UNKNOWN', 'Token issuer is not trusted', {
        iss: seen(claims.iss),
        expected: settings.issuer,
      });
    }
    checkClaims(claims, NO_HEADER, policy, Date.now() / 1000);
    // The route's own copies, taken when the verifier was built (see issuers/routes.ts).
    route.validate?.(claims, header);
    if (revocation !== undefined) checkRevocable(revocation, claims, policy);
    const identity = route.normalize(claims, header);
    return { claims, header, identity, binding: tokenBinding(claims), size };
  }

  async function verify(token: string): Promise<VerifiedToken> {
    // The cache key: SHA-256 of the token, a fixed-size key that is not the credential. The
    // token is ASCII (routing checked it), so no two spellings share one. Synchronous on Node
    // (one native call); Web Crypto only hashes with a promise.
    const hashed = backend.sha256(token);
    const key = encodeBase64(hashed instanceof Promise ? await hashed : hashed, true);
    let verdict: Verdict | undefined;
    const cached = cache?.active(key);
    if (cached !== undefined) {
      // The server's verdict holds; the clock's may not (exp, nbf, max age, with tolerance).
      checkClaims(cached.claims, NO_HEADER, policy, Date.now() / 1000);
      verdict = { active: true, verdict: cached };
    } else {
      const refusal = cache?.refusal(key);
      verdict = refusal === undefined ? await shared(token, key) : { active: false, refusal };
    }
    if (!verdict.active) {
      const { code, description, detail } = verdict.refusal;
      throw new InvalidTokenError(code, { description, detail });
    }
    const result = resultOf(token, settings.issuer, verdict.verdict);
    // Every request, cache hits included: a revocation here must not wait for the cache.
    return revocation === undefined ? result : checkRevocation(revocation, result, policy);
  }

  async function shared(token: string, key: string): Promise<Verdict> {
    let pending = inflight.get(key);
    if (pending === undefined) {
      if (inflight.size >= MAX_IN_FLIGHT) {
        throw unavailable(settings, { reason: 'too many introspections in flight' }, undefined, 1);
      }
      pending = introspect(token, key).finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    try {
      // Every wait has a deadline, whatever the request inside does (JWKS fetch included).
      return await withinDeadline(pending, settings.timeoutMs, 'introspection');
    } catch (error) {
      // Each waiter gets its own error: adapters set `realm` and the challenge on it.
      if (error instanceof IdpUnavailableError) {
        throw unavailable(settings, error.detail, error.cause, error.retryAfterSeconds);
      }
      if (isTokengateError(error)) throw error;
      // The deadline above, or a fault of this code: never the token's, so never a 401.
      throw unavailable(settings, { reason: 'introspection did not complete in time' }, error);
    }
  }

  return { issuer: settings.issuer, opaqueTokens: settings.opaqueTokens, verify };
}

/** A verified result for this request; the cache keeps the verdict, never the token. */
function resultOf(token: string, issuer: string, verdict: ActiveVerdict): VerifiedToken {
  const { claims, header, identity, binding } = verdict;
  return markVerified<VerifiedToken>({
    token,
    header,
    claims,
    issuer,
    subject: identity.subject,
    clientId: identity.clientId,
    tokenUse: identity.tokenUse,
    scopes: identity.scopes,
    groups: identity.groups,
    expiresAt: typeof claims.exp === 'number' ? claims.exp : undefined,
    binding,
  });
}

function refusalOf(error: InvalidTokenError): Refusal {
  return { code: error.code, description: error.description, detail: error.detail };
}
