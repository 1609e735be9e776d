import { audienceClaim } from '../claims/claim-readers.js';
import { normalizeTyp, type ResolvedPolicy } from '../claims/claims-check.js';
import { seen, seenList } from '../errors/error-detail.js';
import type { Route } from '../issuers/routes.js';
import type { JwksCache } from '../jwks/jwks-cache-options.js';
import { staticKey } from '../jwks/static-keys.js';
import { isSupportedAlgorithm } from '../jws/algorithms.js';
import { decodeCompactJws } from '../jws/compact-jws.js';
import type { JwksKey } from '../jws/jwk-import.js';
import { signatureIsValid } from '../jws/signature.js';
import { assertTokenCharset } from '../jws/token-charset.js';
import type { JwtHeader } from '../lib/types.js';
import { INTROSPECTION_JWT, type IntrospectionSettings } from './introspection-options.js';
import type { IntrospectionReply } from './introspection-request.js';
import { unavailable } from './introspection-request.js';

/** RFC 9701 §5: the `typ` of a JWT introspection answer, as `normalizeTyp` spells it. */
const ANSWER_TYP = 'token-introspection+jwt';

/**
 * How old a signed answer may be: it was created for the request just sent, so anything older
 * than a minute (plus the clock tolerance) is a replayed answer or a badly wrong clock.
 */
const ANSWER_MAX_AGE_SECONDS = 60;

export interface JwtAnswerContext {
  readonly settings: IntrospectionSettings;
  readonly route: Route;
  readonly policy: ResolvedPolicy;
  readonly jwks: JwksCache;
}

/**
 * Verifies an RFC 9701 answer and returns its header and `token_introspection` members. Any
 * fault is a 503: a forged, replayed, downgraded or misaddressed answer says nothing about the
 * token, and must neither let it in nor have it thrown away.
 * - §5: the media type is `application/token-introspection+jwt` (a plain JSON answer, which an
 *   attacker on the path could have written, is refused once a JWT was asked for);
 * - §5: the JWS `typ` is `token-introspection+jwt`, so no other JWT of the issuer (an ID or
 *   access token signed with the same key) passes as an answer (RFC 8725 §3.11);
 * - the `alg` is one the issuer allows (never `none` or HMAC, RFC 8725 §3.1), no `crit`, and
 *   the signature verifies with the issuer's keys;
 * - §5: `iss` is the issuer, `aud` names this client, `iat` is recent.
 */
export async function verifyJwtAnswer(
  context: JwtAnswerContext,
  reply: IntrospectionReply,
): Promise<{ header: JwtHeader; members: Record<string, unknown> }> {
  const { settings, policy } = context;
  const mediaType = reply.contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType !== INTROSPECTION_JWT) {
    throw unavailable(settings, {
      reason: 'answer is not a JWT (RFC 9701 §5)',
      contentType: seen(mediaType),
    });
  }
  const jwt = reply.text.trim();
  let decoded;
  try {
    assertTokenCharset(jwt, false);
    decoded = decodeCompactJws(jwt);
  } catch (cause) {
    throw unavailable(settings, { reason: 'answer is not a compact JWS' }, cause);
  }
  const { header, claims, signingInput, signature } = decoded;
  if (typeof header.typ !== 'string' || normalizeTyp(header.typ) !== ANSWER_TYP) {
    throw unavailable(settings, {
      reason: 'answer typ is not token-introspection+jwt',
      typ: seen(header.typ),
    });
  }
  const alg = header.alg;
  if (!isSupportedAlgorithm(alg) || !policy.algorithms.has(alg) || header.crit !== undefined) {
    throw unavailable(settings, { reason: 'answer alg or crit not accepted', alg: seen(alg) });
  }
  const kid = header.kid;
  if (kid !== undefined && (typeof kid !== 'string' || kid.length > 1024)) {
    throw unavailable(settings, { reason: 'answer kid is not a string' });
  }
  let key: JwksKey;
  try {
    const { route, jwks } = context;
    if (route.keys !== undefined) {
      key = staticKey(route.keys, kid, alg);
    } else {
      const resolved = route.resolveJwksUri();
      const found = jwks.getKey(typeof resolved === 'string' ? resolved : await resolved, kid, alg);
      key = found instanceof Promise ? await found : found;
    }
  } catch (cause) {
    // KEY_NOT_FOUND names the answer's key, not the token's: still the server's fault here.
    throw unavailable(settings, { reason: 'answer key not found', kid: seen(kid) }, cause);
  }
  const checked = signatureIsValid(alg, key, signingInput, signature);
  if (!(checked === true || (checked !== false && (await checked)))) {
    throw unavailable(settings, { reason: 'answer signature is invalid', alg, kid: seen(kid) });
  }
  const now = Date.now() / 1000;
  const tolerance = policy.clockToleranceSeconds;
  const { iss, iat, exp } = claims;
  const fault =
    iss !== settings.issuer
      ? 'answer iss is not the issuer'
      : !audienceClaim(claims.aud).includes(settings.clientId)
        ? 'answer aud does not name this client'
        : typeof iat !== 'number' ||
            iat > now + tolerance ||
            now - iat > ANSWER_MAX_AGE_SECONDS + tolerance
          ? 'answer iat is missing, in the future or too old'
          : exp !== undefined && (typeof exp !== 'number' || now - tolerance >= exp)
            ? 'answer has expired'
            : undefined;
  if (fault !== undefined) {
    throw unavailable(settings, {
      reason: fault,
      iss: seen(iss),
      aud: seenList(claims.aud),
      iat: seen(iat),
    });
  }
  const members = claims.token_introspection;
  if (typeof members !== 'object' || members === null || Array.isArray(members)) {
    throw unavailable(settings, { reason: 'answer has no token_introspection object' });
  }
  return { header, members: members as Record<string, unknown> };
}
