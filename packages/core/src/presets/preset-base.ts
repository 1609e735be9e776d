// Shared by the IdP presets: option checks and the oidcIssuer() call they all start from.
import { audienceClaim, stringClaim } from '../claims/claim-readers.js';
import {
  assertKnownKeys,
  describe,
  nonEmptyString,
  secureUrl,
  stringList,
} from '../lib/options.js';
import { checkedPolicy } from '../issuers/policy.js';
import { optionalBoolean } from '../lib/options.js';
import { signInTokenUse, tokenUseCheck } from '../claims/token-kind.js';
import type { TokenUseCheck } from '../claims/token-kind.js';
import { oidcIssuer } from '../issuers/oidc-issuer.js';
import type { OidcIssuerOptions } from '../issuers/oidc-issuer.js';
import type {
  Algorithm,
  IssuerEndpoint,
  JwtClaims,
  NormalizedIdentity,
  TrustedIssuer,
} from '../lib/types.js';
import type { PresetOptions } from './preset-options.js';
import { signInTokenKind } from './token-kinds.js';

export const EMPTY: readonly string[] = Object.freeze([]);

/** What a preset knows about its IdP. */
export interface PresetSpec {
  /** Label for events and logs, e.g. `auth0`. */
  readonly kind: string;
  /** The IdP's `iss` values; more than one only when the IdP uses several forms (Google). */
  readonly issuers: readonly [string, ...string[]];
  /** The IdP's JWKS location, shared by all of `issuers`. */
  readonly jwksUri: string;
  /** Accepted `aud` values, already validated; `undefined` falls back to the verifier default. */
  readonly audience: string | readonly string[] | null | undefined;
  /** Algorithms the IdP signs with, used unless the caller sets `algorithms`. */
  readonly algorithms?: readonly Algorithm[];
  /** Passed to `oidcIssuer()`; only presets that keep its `normalize` need them. */
  readonly scopeClaim?: OidcIssuerOptions['scopeClaim'];
  readonly groupsClaim?: OidcIssuerOptions['groupsClaim'];
  /**
   * The IdP's access-or-ID-token check (presets/internal/token-kinds.ts); it becomes the
   * issuer's `validate`, so a preset with further checks calls it from its own.
   */
  readonly tokenUse: TokenUseCheck;
}

/** The options every preset takes (`PresetOptions`). */
const PRESET_OPTION_KEYS = Object.keys({
  jwksUri: true,
  issuerOverride: true,
  jwks: true,
  allowInsecureHttp: true,
  algorithms: true,
  clockToleranceSeconds: true,
  maxTokenAgeSeconds: true,
  typ: true,
  requiredClaims: true,
} satisfies { readonly [K in keyof Required<PresetOptions>]: true });

/**
 * A preset's option names: the common ones plus `own`, which the compiler holds to exactly
 * the names `T` adds to `PresetOptions`.
 */
export function presetKeys<T extends object>(own: {
  readonly [K in Exclude<keyof Required<T>, keyof PresetOptions>]: true;
}): ReadonlySet<string> {
  return new Set([...PRESET_OPTION_KEYS, ...Object.keys(own)]);
}

/** An object of known option names only: a misspelt name is a TypeError, never a default. */
export function assertOptions(options: unknown, preset: string, known: ReadonlySet<string>): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${preset} options must be an object`);
  }
  assertKnownKeys(options, known, preset);
}

/**
 * `oidcIssuer()` for the IdP's issuer(s) and JWKS, unless `issuerOverride`/`jwksUri` replace
 * them. Every option mistake is a TypeError thrown here, at creation.
 */
export function presetIssuer(options: PresetOptions, spec: PresetSpec): TrustedIssuer {
  const allowInsecureHttp = optionalBoolean(options.allowInsecureHttp, 'allowInsecureHttp', false);
  const policy = checkedPolicy(options, (key) => key);
  const override =
    options.issuerOverride === undefined
      ? undefined
      : secureUrl(options.issuerOverride, 'issuerOverride', allowInsecureHttp);
  if (options.jwks !== undefined && options.jwksUri !== undefined) {
    throw new TypeError('pass either jwks or jwksUri, not both');
  }
  const jwksUri =
    options.jwks !== undefined
      ? undefined // keys given up front: no location, no discovery
      : options.jwksUri !== undefined
        ? secureUrl(options.jwksUri, 'jwksUri', allowInsecureHttp)
        : override === undefined
          ? spec.jwksUri
          : undefined; // an override without jwksUri: discovery of the override
  const issuers: readonly string[] = override === undefined ? spec.issuers : [override];
  const base = oidcIssuer({
    ...policy,
    ...(policy.algorithms === undefined && spec.algorithms !== undefined
      ? { algorithms: spec.algorithms }
      : {}),
    ...(spec.audience === undefined ? {} : { audience: spec.audience }),
    ...(spec.scopeClaim === undefined ? {} : { scopeClaim: spec.scopeClaim }),
    ...(spec.groupsClaim === undefined ? {} : { groupsClaim: spec.groupsClaim }),
    issuer: issuers[0] as string,
    ...(jwksUri === undefined ? {} : { jwksUri }),
    ...(options.jwks === undefined ? {} : { jwks: options.jwks }),
    allowInsecureHttp,
  });
  // Further issuer forms share the JWKS; they are not URLs (Google's `accounts.google.com`),
  // so they are matched as exact strings only and never fetched from.
  const endpoints: IssuerEndpoint[] = issuers.map((issuer) =>
    options.jwks !== undefined
      ? { issuer, jwks: options.jwks }
      : jwksUri === undefined
        ? { issuer }
        : { issuer, jwksUri },
  );
  return { ...base, kind: spec.kind, endpoints, validate: spec.tokenUse };
}

/** `audience` of an access-token preset: required, `null` only when chosen explicitly. */
export function requiredAudience(
  value: unknown,
  preset: string,
): string | readonly string[] | null {
  if (value === undefined) {
    throw new TypeError(
      `${preset}: audience is required (RFC 8725 §3.9); pass null to skip the check explicitly`,
    );
  }
  return value === null ? null : stringList(value, 'audience');
}

// RFC 1123 host names with at least one dot; no scheme, port, path or trailing dot.
const HOST_NAME =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** A bare host name such as `tenant.eu.auth0.com`, lower-cased as IdPs write it into `iss`. */
export function hostName(value: unknown, name: string, example: string): string {
  const text = nonEmptyString(value, name);
  if (!HOST_NAME.test(text)) {
    throw new TypeError(
      `${name} must be a host name such as ${example}, without https:// or a path, got ${describe(value)}`,
    );
  }
  return text.toLowerCase();
}

/** The union of string lists, in first-seen order; no copy when at most one is non-empty. */
export function union(...lists: readonly (readonly string[])[]): readonly string[] {
  let only: readonly string[] = EMPTY;
  let nonEmpty = 0;
  for (const list of lists) {
    if (list.length > 0) {
      only = list;
      nonEmpty += 1;
    }
  }
  if (nonEmpty <= 1) return only;
  return [...new Set(lists.flat())];
}

/**
 * The check of every sign-in preset (Google, Apple, Facebook, Cognito identity pools): their
 * IdPs sign ID tokens only, so `tokenUse` is fixed to `id`; a token that declares itself an
 * access token is refused all the same.
 */
export function signInCheck(tokenUse: unknown, preset: string): TokenUseCheck {
  signInTokenUse(tokenUse, preset);
  return SIGN_IN_CHECK;
}

const SIGN_IN_CHECK = tokenUseCheck('id', signInTokenKind);

/**
 * What a sign-in ID token (Apple, Facebook, Google, Cognito identity pools) says about its
 * user: a subject and the client it was issued to (`azp`, else the first `aud`), no scopes
 * and no groups.
 */
export function idTokenIdentity(claims: JwtClaims): NormalizedIdentity {
  return {
    subject: stringClaim(claims.sub),
    clientId: stringClaim(claims.azp) ?? audienceClaim(claims.aud)[0],
    tokenUse: 'id',
    scopes: EMPTY,
    groups: EMPTY,
  };
}
