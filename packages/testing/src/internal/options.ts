import type { TestAlgorithm } from '../test-algorithm.js';
import type { TestClient, TestIssuerOptions } from '../types.js';
import { assertTestAlgorithm } from './algorithms.js';

export interface ResolvedIssuerOptions {
  readonly kind: 'cognito' | 'oidc';
  readonly alg: TestAlgorithm;
  readonly userPoolId: string | undefined;
  readonly clientId: string;
  readonly audience: string;
  readonly issuer: string | undefined;
  readonly tokenLifetimeSeconds: number;
  readonly jwksCacheControl: string;
  /** Checked one by one when registered. */
  readonly clients: readonly TestClient[];
}

// `<region>_<id>` as Cognito names pools (cognito-local uses `local_<id>`); it becomes a URL
// path segment, so nothing that would need escaping.
const USER_POOL_ID = /^[A-Za-z0-9-]+_[A-Za-z0-9]+$/;

/** Validates {@link TestIssuerOptions} once and fills in defaults; mistakes throw `TypeError`. */
export function resolveIssuerOptions(options: TestIssuerOptions): ResolvedIssuerOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options must be an object');
  }
  const kind = options.kind ?? 'oidc';
  if (kind !== 'cognito' && kind !== 'oidc') {
    throw new TypeError("kind must be 'cognito' or 'oidc'");
  }
  const alg = options.alg ?? 'RS256';
  assertTestAlgorithm(alg, 'alg');

  let userPoolId: string | undefined;
  if (kind === 'cognito') {
    userPoolId = options.userPoolId ?? 'us-east-1_TokenGate';
    if (typeof userPoolId !== 'string' || !USER_POOL_ID.test(userPoolId)) {
      throw new TypeError('userPoolId must look like <region>_<id>, e.g. us-east-1_TokenGate');
    }
  } else if (options.userPoolId !== undefined) {
    throw new TypeError("userPoolId applies only to kind: 'cognito'");
  }

  const clientId = nonEmptyString(options.clientId, 'clientId') ?? 'tokengate-test-client';
  const audience = nonEmptyString(options.audience, 'audience') ?? 'https://api.tokengate.test';
  const issuer = nonEmptyString(options.issuer, 'issuer');

  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
  if (!Number.isFinite(tokenLifetimeSeconds) || tokenLifetimeSeconds <= 0) {
    throw new TypeError('tokenLifetimeSeconds must be a positive number');
  }
  const jwksCacheControl = options.jwksCacheControl ?? 'max-age=300';
  if (typeof jwksCacheControl !== 'string' || /[\r\n]/.test(jwksCacheControl)) {
    throw new TypeError('jwksCacheControl must be a single-line string');
  }

  const clients = options.clients ?? [];
  if (!Array.isArray(clients)) throw new TypeError('clients must be an array');

  return {
    kind,
    alg,
    userPoolId,
    clientId,
    audience,
    issuer,
    tokenLifetimeSeconds,
    jwksCacheControl,
    clients,
  };
}

function nonEmptyString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${name} must be a non-empty string`);
  }
  return value;
}
