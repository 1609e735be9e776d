import type { IssuerEndpoint } from '../lib/types.js';
import { describe } from '../lib/options.js';

/**
 * The two `iss` spellings of a Cognito user pool: `original`,
 * `https://cognito-idp.<region>.amazonaws.com/<pool>`, which every pool uses, and `updated`,
 * `https://issuer-cognito-idp.<region>.amazonaws.com/<pool>`, which a pool uses once it opts
 * into the updated issuer format. The `issuer-cognito-idp` host answers 403 for pools that have
 * not opted in (aws-jwt-verify #279).
 *
 * @example
 * ```ts
 * // A pool migrating to the updated format: trust both spellings meanwhile.
 * const issuerFormats: CognitoIssuerFormat[] = ['original', 'updated'];
 * const pool = cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789', issuerFormats });
 * ```
 */
export type CognitoIssuerFormat = 'original' | 'updated';

const HOSTS: Readonly<Record<CognitoIssuerFormat, string>> = {
  original: 'cognito-idp',
  updated: 'issuer-cognito-idp',
};

/** An AWS region name, e.g. `us-east-1` or `ap-southeast-2`. */
export const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

/** Validates `issuerFormats`: a non-empty list of known formats, each once. Default both, original first. */
export function issuerFormatsOf(value: unknown): readonly CognitoIssuerFormat[] {
  if (value === undefined) return ['original', 'updated'];
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(
      `issuerFormats must be a non-empty array of 'original' and 'updated', got ${describe(value)}`,
    );
  }
  const seen = new Set<CognitoIssuerFormat>();
  value.forEach((format: unknown, index) => {
    if (format !== 'original' && format !== 'updated') {
      throw new TypeError(
        `issuerFormats[${index}] must be 'original' or 'updated', got ${describe(format)}`,
      );
    }
    if (seen.has(format)) throw new TypeError(`issuerFormats[${index}] repeats '${format}'`);
    seen.add(format);
  });
  return [...seen];
}

/** Validates `replicaRegions`: region names, each once, none of them the home region. */
export function replicaRegionsOf(value: unknown, homeRegion: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new TypeError(`replicaRegions must be an array of region names, got ${describe(value)}`);
  }
  const seen = new Set<string>();
  value.forEach((region: unknown, index) => {
    const name = `replicaRegions[${index}]`;
    if (typeof region !== 'string' || !REGION.test(region)) {
      throw new TypeError(`${name} must look like us-west-2, got ${describe(region)}`);
    }
    if (region === homeRegion) {
      throw new TypeError(`${name} is the pool's home region ${describe(region)}`);
    }
    if (seen.has(region)) throw new TypeError(`${name} repeats ${describe(region)}`);
    seen.add(region);
  });
  return [...seen];
}

/**
 * One endpoint per region and trusted format, each with its own JWKS at
 * `<issuer>/.well-known/jwks.json` (every region of a replicated pool signs with its own keys).
 * The pool id keeps its home-region prefix in every region's `iss`. Only the home region's first
 * listed format is primary for `prewarm()`: that is the form the pool is known to answer; the
 * other form and the replicas are reported, never fatal at startup.
 */
export function cognitoEndpoints(pool: {
  readonly userPoolId: string;
  readonly homeRegion: string;
  readonly replicaRegions: readonly string[];
  readonly formats: readonly CognitoIssuerFormat[];
  /** One JWKS location for every endpoint (only without replicas). */
  readonly jwksUri: string | undefined;
}): IssuerEndpoint[] {
  const endpoints: IssuerEndpoint[] = [];
  for (const region of [pool.homeRegion, ...pool.replicaRegions]) {
    for (const format of pool.formats) {
      const issuer = `https://${HOSTS[format]}.${region}.amazonaws.com/${pool.userPoolId}`;
      endpoints.push({
        issuer,
        jwksUri: pool.jwksUri ?? `${issuer}/.well-known/jwks.json`,
        secondary: endpoints.length > 0,
      });
    }
  }
  return endpoints;
}
