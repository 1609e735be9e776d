import { InvalidTokenError } from '../errors/errors.js';
import type { Algorithm, JwtClaims, JwtHeader } from '../lib/types.js';
import { audienceClaim } from './claim-readers.js';
import {
  detailList,
  detailTime,
  seen,
  seenList,
  type ErrorDetail,
} from '../errors/error-detail.js';

/** A `ClaimPolicy` with defaults applied, in the shapes the hot path wants. */
export interface ResolvedPolicy {
  readonly audience: ReadonlySet<string> | null;
  readonly algorithms: ReadonlySet<Algorithm>;
  readonly clockToleranceSeconds: number;
  readonly maxTokenAgeSeconds: number | undefined;
  /** Normalized as `normalizeTyp` does. */
  readonly typ: string | undefined;
  readonly requiredClaims: readonly string[];
}

/**
 * The longest `iss` accepted, in characters. RFC 7519 §4.1.1 sets no limit, but real issuer
 * URLs are under 200 characters; a longer `iss` is refused before routing, so it never reaches
 * the resolver or its cache (an unsigned token can carry kilobytes of it).
 */
export const MAX_ISSUER_LENGTH = 2048;

const NUMERIC_DATES = ['exp', 'nbf', 'iat'] as const;

/** RFC 7519 §4.1 registered-claim checks against `nowSeconds`. Throws `InvalidTokenError`. */
export function checkClaims(
  claims: JwtClaims,
  header: JwtHeader,
  policy: ResolvedPolicy,
  nowSeconds: number,
): void {
  for (const name of policy.requiredClaims) {
    if (claims[name] === undefined) {
      throw invalid('CLAIM_MISSING', `Token has no ${name} claim`, { claim: name });
    }
  }
  for (const name of NUMERIC_DATES) {
    const value = claims[name];
    // RFC 7519 §2: a NumericDate is a JSON number; strings and non-finite values are refused.
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw invalid('CLAIM_INVALID', `Token ${name} claim is not a NumericDate`, {
        claim: name,
        seen: seen(value),
        expected: 'NumericDate',
      });
    }
  }
  const tolerance = policy.clockToleranceSeconds;
  const { exp, nbf, iat } = claims;
  // RFC 7519 §4.1.4: the current time must be before exp.
  if (exp !== undefined && nowSeconds - tolerance >= exp) {
    throw invalid('TOKEN_EXPIRED', 'Token has expired', timeDetail('exp', exp, nowSeconds, policy));
  }
  if (nbf !== undefined && nowSeconds + tolerance < nbf) {
    throw invalid(
      'TOKEN_NOT_YET_VALID',
      'Token is not valid yet',
      timeDetail('nbf', nbf, nowSeconds, policy),
    );
  }
  if (iat !== undefined && iat > nowSeconds + tolerance) {
    throw invalid(
      'TOKEN_ISSUED_IN_FUTURE',
      'Token was issued in the future',
      timeDetail('iat', iat, nowSeconds, policy),
    );
  }
  if (policy.maxTokenAgeSeconds !== undefined) {
    if (iat === undefined) {
      throw invalid('CLAIM_MISSING', 'Token has no iat claim', {
        claim: 'iat',
        maxTokenAgeSeconds: policy.maxTokenAgeSeconds,
      });
    }
    if (nowSeconds - iat > policy.maxTokenAgeSeconds + tolerance) {
      throw invalid('TOKEN_TOO_OLD', 'Token is older than allowed', {
        ...timeDetail('iat', iat, nowSeconds, policy),
        ageSeconds: Math.floor(nowSeconds - iat),
        maxTokenAgeSeconds: policy.maxTokenAgeSeconds,
      });
    }
  }
  if (claims.sub !== undefined && typeof claims.sub !== 'string') {
    throw invalid('CLAIM_INVALID', 'Token sub claim is not a string', {
      claim: 'sub',
      seen: seen(claims.sub),
      expected: 'string',
    });
  }
  if (policy.audience !== null && !intersects(audienceClaim(claims.aud), policy.audience)) {
    throw invalid('AUDIENCE_MISMATCH', 'Token audience is not accepted', {
      aud: seenList(claims.aud),
      expected: detailList(policy.audience),
    });
  }
  if (
    policy.typ !== undefined &&
    (typeof header.typ !== 'string' || normalizeTyp(header.typ) !== policy.typ)
  ) {
    throw invalid('TYP_MISMATCH', 'Token type is not accepted', {
      typ: seen(header.typ),
      expected: policy.typ,
    });
  }
}

/** A time claim against the clock, for `detail`: both as seconds and ISO 8601. */
function timeDetail(
  claim: 'exp' | 'nbf' | 'iat',
  value: number,
  nowSeconds: number,
  policy: ResolvedPolicy,
): ErrorDetail {
  return {
    [claim]: detailTime(value),
    now: detailTime(nowSeconds),
    leewaySeconds: policy.clockToleranceSeconds,
  };
}

/** RFC 7515 §4.1.9: media types compare case-insensitively and may omit `application/`. */
export function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

function intersects(values: readonly string[], accepted: ReadonlySet<string>): boolean {
  for (const value of values) if (accepted.has(value)) return true;
  return false;
}

/** A 401 `invalid_token`; `detail` (for logs, see `TokengateError.detail`) is built only here, on failure. */
export function invalid(
  code: ConstructorParameters<typeof InvalidTokenError>[0],
  description: string,
  detail?: ErrorDetail,
): InvalidTokenError {
  return new InvalidTokenError(code, { description, detail });
}
