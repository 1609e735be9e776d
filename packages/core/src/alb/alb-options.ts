import type { AlbKeyStoreOptions } from './alb-keys.js';
import type { ResolvedPolicy } from '../claims/claims-check.js';
import {
  assertKnownKeys,
  describe,
  durationMs,
  nonNegativeNumber,
  optionKeys,
  optionalFunction,
  positiveInteger,
  secureUrl,
  stringList,
} from '../lib/options.js';
import type { VerifierEventListener } from '../lib/types.js';

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
  /** Deadline for one key request, headers and body together. Default 3000 ms, at most 2^31 − 1. */
  readonly timeoutMs?: number;
  /**
   * How long a missing key or failed fetch is remembered, and the fetch-budget window. Default
   * 5000 ms, at most 2^31 − 1.
   */
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

/** {@link AlbVerifierOptions} once checked: what the verifier and its key store run on. */
export interface ResolvedAlbOptions {
  /** Accepted `signer` header values; `null` when the check was turned off explicitly. */
  readonly signers: ReadonlySet<string> | null;
  /** Accepted `client` header values; `null` when the check was turned off explicitly. */
  readonly clients: ReadonlySet<string> | null;
  /** Accepted `iss` values; `undefined` accepts any issuer the ALB signs for. */
  readonly issuers: ReadonlySet<string> | undefined;
  readonly maxTokenBytes: number;
  readonly policy: ResolvedPolicy;
  readonly keyStore: AlbKeyStoreOptions;
  readonly onEvent: VerifierEventListener | undefined;
}

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const ARN_REGION = /^arn:[\w-]+:elasticloadbalancing:([a-z0-9-]+):/;

/** Checks every option once, at creation, with a `TypeError` naming the option. */
export function resolveAlbOptions(options: AlbVerifierOptions): ResolvedAlbOptions {
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
  const keyStore: AlbKeyStoreOptions = {
    keyUrl: keyLocator(options, region),
    // `timeoutMs` arms the fetch deadline, which a larger value would fire at once; every
    // duration option is held to the same bound, so none means "forever" in one place only.
    timeoutMs: durationMs(options.timeoutMs, 'timeoutMs', 3000),
    cooldownMs: durationMs(options.cooldownMs, 'cooldownMs', 5000),
    maxKeys: positiveInteger(options.maxKeys, 'maxKeys', 100),
    maxFetchesPerCooldown: positiveInteger(
      options.maxFetchesPerCooldown,
      'maxFetchesPerCooldown',
      10,
    ),
    fetch: optionalFunction(options.fetch, 'fetch') ?? globalThis.fetch,
    onEvent,
  };
  return { signers, clients, issuers, maxTokenBytes, policy, keyStore, onEvent };
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
