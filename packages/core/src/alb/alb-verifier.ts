import { createAlbKeyStore } from './alb-keys.js';
import { albKid, decodeAlbToken } from './alb-token.js';
import { stringArrayClaim, stringClaim } from '../claims/claim-readers.js';
import { checkClaims, invalid, type ResolvedPolicy } from '../claims/claims-check.js';
import { detailList, detailTime, seen, seenList } from '../errors/error-detail.js';
import {
  assertKnownKeys,
  describe,
  nonNegativeNumber,
  optionKeys,
  optionalFunction,
  positiveInteger,
  secureUrl,
  stringList,
} from '../lib/options.js';
import { observed } from '../lib/observe.js';
import { assertTokenCharset } from '../jws/token-charset.js';
import { signatureIsValid } from '../jws/signature.js';
import type {
  JwtClaims,
  RequestSource,
  TokengateClaims,
  VerifiedToken,
  VerifierEventListener,
} from '../lib/types.js';
import { BEARER } from '../claims/token-binding.js';
import { markVerified } from '../claims/verified-token.js';

/**
 * Options of {@link createAlbVerifier}: where the ALB's keys live and which load balancer,
 * client and issuer a header must name. Checked at creation, with `TypeError`.
 *
 * @example
 * ```ts
 * const options: AlbVerifierOptions = {
 *   region: 'eu-west-1',
 *   albArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188',
 *   clientId: '1example23456789',
 *   issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
 * };
 * ```
 */
export interface AlbVerifierOptions {
  /** The ALB's region, e.g. `eu-west-1`: its public keys live at `public-keys.auth.elb.<region>.amazonaws.com`. */
  readonly region: string;
  /**
   * Accepted `signer` header values: the ARN(s) of your load balancer(s). Every ALB of a
   * region signs with the same keys, so this is what ties a token to yours. `null` skips the
   * check and must be chosen explicitly.
   */
  readonly albArn: string | readonly string[] | null;
  /** Accepted `client` header values: the app client id(s) the ALB authenticates with. `null` skips the check. */
  readonly clientId: string | readonly string[] | null;
  /** Accepted `iss` claim values: the IdP, e.g. `https://cognito-idp.<region>.amazonaws.com/<pool>`. */
  readonly issuer?: string | readonly string[];
  /** Key location for a kid (tests, GovCloud). The kid is validated (a lower-case UUID) before it gets here. */
  readonly keyUrl?: (kid: string) => string;
  /** Key location prefix, `<keyBaseUrl><kid>`. Default `https://public-keys.auth.elb.<region>.amazonaws.com/`. */
  readonly keyBaseUrl?: string;
  /** Deadline for one key request, headers and body together. Default 3000 ms. */
  readonly timeoutMs?: number;
  /** How long a missing key or failed fetch is remembered, and the fetch-budget window. Default 5000 ms. */
  readonly cooldownMs?: number;
  /** Public keys kept, least recently used evicted. Default 100. */
  readonly maxKeys?: number;
  /**
   * Key fetches allowed per cooldown for new kids, first come, first served, plus one reserved
   * for the kid most refused in the previous cooldown (so a flood of random kids cannot keep
   * the ALB's next key out). Default 10.
   */
  readonly maxFetchesPerCooldown?: number;
  /** Leeway for `exp`, `nbf` and `iat`, in seconds. Default 5. */
  readonly clockToleranceSeconds?: number;
  /** Header values longer than this are refused before any parsing. Default 16384 characters. */
  readonly maxTokenBytes?: number;
  /** Replaces the global `fetch` (e.g. to set a proxy agent). */
  readonly fetch?: typeof globalThis.fetch;
  /** Observability hook: verified, rejected (with `code`), and key fetches (as `jwks-fetch`). */
  readonly onEvent?: VerifierEventListener;
}

/**
 * Verifies the `x-amzn-oidc-data` header an Application Load Balancer with authentication
 * signs; built by {@link createAlbVerifier}, or given to an adapter as `albVerifier`.
 *
 * @example
 * ```ts
 * const requireAuth = authenticate({ albVerifier: createAlbVerifier(options) });
 * ```
 */
export interface AlbVerifier {
  /**
   * Verifies the value of the `x-amzn-oidc-data` header. Resolves to the normalized result or
   * rejects with a `TokengateError` (`InvalidTokenError` 401, `IdpUnavailableError` 503).
   */
  verify<C extends JwtClaims = JwtClaims & TokengateClaims>(
    headerValue: string,
    /** The request the header came with: only read to describe a rejection in `onEvent`. */
    source?: RequestSource,
  ): Promise<VerifiedToken<C>>;
}

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const ARN_REGION = /^arn:[\w-]+:elasticloadbalancing:([a-z0-9-]+):/;

/**
 * Creates a verifier for the user-claims token an Application Load Balancer with Cognito or
 * OIDC authentication forwards in `x-amzn-oidc-data`: ES256, signed by the ALB, its key a PEM
 * fetched by kid. Build it once at startup: it owns the key cache.
 *
 * @example
 * ```ts
 * const alb = createAlbVerifier({
 *   region: 'eu-west-1',
 *   albArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188',
 *   clientId: '1example23456789',
 *   issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
 * });
 * const { subject, claims } = await alb.verify(req.headers['x-amzn-oidc-data']);
 * ```
 */
export function createAlbVerifier(options: AlbVerifierOptions): AlbVerifier {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  assertKnownKeys(options, ALB_OPTION_KEYS, 'createAlbVerifier');
  if (typeof options.region !== 'string' || !REGION.test(options.region)) {
    throw new TypeError(`region must look like us-east-1, got ${describe(options.region)}`);
  }
  const region = options.region;
  const signers = allowList(options.albArn, 'albArn');
  for (const arn of signers ?? []) {
    const arnRegion = ARN_REGION.exec(arn)?.[1];
    // The ALB signs with its own region's keys: a mismatch would refuse every token.
    if (arnRegion !== undefined && arnRegion !== region) {
      throw new TypeError(`albArn ${describe(arn)} is not in region ${region}`);
    }
  }
  const clients = allowList(options.clientId, 'clientId');
  const issuers =
    options.issuer === undefined ? undefined : new Set(stringList(options.issuer, 'issuer'));
  const onEvent = optionalFunction(options.onEvent, 'onEvent');
  const maxTokenBytes = positiveInteger(options.maxTokenBytes, 'maxTokenBytes', 16_384);
  const policy: ResolvedPolicy = {
    audience: null,
    algorithms: new Set(['ES256']),
    clockToleranceSeconds: nonNegativeNumber(
      options.clockToleranceSeconds,
      'clockToleranceSeconds',
      5,
    ),
    maxTokenAgeSeconds: undefined,
    typ: undefined,
    // ALB tokens live minutes; one without `exp` is not one the ALB made.
    requiredClaims: ['exp'],
  };
  const keys = createAlbKeyStore({
    keyUrl: keyLocator(options, region),
    timeoutMs: positiveInteger(options.timeoutMs, 'timeoutMs', 3000),
    cooldownMs: positiveInteger(options.cooldownMs, 'cooldownMs', 5000),
    maxKeys: positiveInteger(options.maxKeys, 'maxKeys', 100),
    maxFetchesPerCooldown: positiveInteger(
      options.maxFetchesPerCooldown,
      'maxFetchesPerCooldown',
      10,
    ),
    fetch: optionalFunction(options.fetch, 'fetch') ?? globalThis.fetch,
    onEvent,
  });

  async function verifyToken(token: string): Promise<VerifiedToken> {
    if (typeof token !== 'string' || token.length === 0) {
      throw invalid('TOKEN_MALFORMED', 'Token must be a non-empty string');
    }
    if (token.length > maxTokenBytes) {
      throw invalid('TOKEN_TOO_LARGE', 'Token is too large', {
        length: token.length,
        maxTokenBytes,
      });
    }
    // Strictly ASCII before decoding, `=` padding allowed: see assertTokenCharset.
    assertTokenCharset(token, true);
    const { header, claims, signingInput, signature } = decodeAlbToken(token);
    // RFC 8725 §3.1: the ALB signs with ES256 only, so nothing else is ever tried.
    if (header.alg !== 'ES256') {
      throw invalid('ALG_NOT_ALLOWED', 'Token algorithm is not allowed', {
        alg: seen(header.alg),
        allowed: ['ES256'],
      });
    }
    if (header.crit !== undefined) {
      throw invalid(
        'CRIT_UNSUPPORTED',
        'Token has critical header parameters that are not understood',
        { crit: seenList(header.crit) },
      );
    }
    const kid = albKid(header.kid);
    // Every check that needs no key runs first, so a forged token costs no fetch unless it
    // names our ALB and client and is unexpired.
    const { signer, client } = header;
    if (signers !== null && !(typeof signer === 'string' && signers.has(signer))) {
      throw invalid('AUDIENCE_MISMATCH', 'Token was not signed by an accepted load balancer', {
        signer: seen(signer),
        expected: detailList(signers),
      });
    }
    if (clients !== null && !(typeof client === 'string' && clients.has(client))) {
      throw invalid('CLIENT_ID_MISMATCH', 'Token client is not accepted', {
        client: seen(client),
        expected: detailList(clients),
      });
    }
    const issuer = claims.iss;
    if (typeof issuer !== 'string') {
      throw invalid('CLAIM_MISSING', 'Token has no iss claim', {
        claim: 'iss',
        seen: seen(issuer),
      });
    }
    if (issuers !== undefined && !issuers.has(issuer)) {
      throw invalid('ISSUER_UNKNOWN', 'Token issuer is not trusted', {
        iss: seen(issuer),
        trusted: detailList(issuers),
      });
    }
    const now = Date.now() / 1000;
    checkClaims(claims, header, policy, now);
    // The ALB repeats `exp` in the header; when it is there it must hold too.
    if (typeof header.exp === 'number' && now - policy.clockToleranceSeconds >= header.exp) {
      throw invalid('TOKEN_EXPIRED', 'Token has expired', {
        exp: detailTime(header.exp),
        now: detailTime(now),
        leewaySeconds: policy.clockToleranceSeconds,
        in: 'header',
      });
    }
    const found = keys.getKey(kid);
    const key = found instanceof Promise ? await found : found;
    const checked = signatureIsValid('ES256', key, signingInput, signature);
    if (!(checked === true || (checked !== false && (await checked)))) {
      throw invalid('SIGNATURE_INVALID', 'Token signature is invalid', {
        alg: 'ES256',
        kid: seen(kid),
        signer: seen(signer),
      });
    }
    // Marked so guards accept it (see verified-token.ts).
    return markVerified<VerifiedToken>({
      token,
      header,
      claims,
      issuer,
      subject: stringClaim(claims.sub),
      clientId: stringClaim(client),
      // The ALB signs the user's claims from the IdP's ID token and userinfo: an identity, never
      // an access token for this API.
      tokenUse: 'id',
      scopes: [],
      groups: stringArrayClaim(claims['cognito:groups']),
      expiresAt: claims.exp,
      // The ALB's header is a bearer credential of the ALB's own: it carries no `cnf`.
      binding: BEARER,
    });
  }

  const verify = observed(verifyToken, onEvent);

  return { verify: verify as AlbVerifier['verify'] };
}

/** A required allow-list: `null` turns the check off, anything else must be a string or list. */
function allowList(value: unknown, name: string): ReadonlySet<string> | null {
  if (value === null) return null;
  if (value === undefined) {
    throw new TypeError(`${name} must be provided, or set to null to skip the check explicitly`);
  }
  return new Set(stringList(value, name));
}

function keyLocator(options: AlbVerifierOptions, region: string): (kid: string) => string {
  if (options.keyUrl !== undefined) {
    if (options.keyBaseUrl !== undefined) {
      throw new TypeError('keyUrl and keyBaseUrl cannot be used together');
    }
    return optionalFunction(options.keyUrl, 'keyUrl') as (kid: string) => string;
  }
  // http: only on loopback (a local key server in tests): keys must travel authenticated.
  const base =
    options.keyBaseUrl === undefined
      ? `https://public-keys.auth.elb.${region}.amazonaws.com/`
      : secureUrl(options.keyBaseUrl, 'keyBaseUrl', false);
  const prefix = base.endsWith('/') ? base : `${base}/`;
  return (kid) => prefix + kid;
}

const ALB_OPTION_KEYS = optionKeys<AlbVerifierOptions>({
  region: true,
  albArn: true,
  clientId: true,
  issuer: true,
  keyUrl: true,
  keyBaseUrl: true,
  timeoutMs: true,
  cooldownMs: true,
  maxKeys: true,
  maxFetchesPerCooldown: true,
  clockToleranceSeconds: true,
  maxTokenBytes: true,
  fetch: true,
  onEvent: true,
});
