import type { TestAlgorithm } from './test-algorithm.js';
import type { TestClient, TestIssuerOptions } from './types.js';
import { assertTestAlgorithm } from './algorithms.js';
import { assertKnownKeys } from './known-keys.js';

/**
 * The longest token lifetime (and `expiresIn`) accepted: 100 years. Beyond it `exp` stops being
 * a plausible NumericDate (RFC 7519 §2), and `1e300` would be written as `1e+300`.
 */
export const MAX_LIFETIME_SECONDS = 100 * 365 * 24 * 3600;

// RFC 9110 §5.5: a field value is visible ASCII, spaces and tabs (obs-text aside).
const FIELD_VALUE = /^[\t\x20-\x7e]*$/;

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
  // A misspelt option must not leave a default silently in force.
  assertKnownKeys(options, TEST_ISSUER_OPTION_KEYS, 'createTestIssuer');
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
  const issuer = issuerOption(options.issuer);

  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
  if (
    !Number.isSafeInteger(tokenLifetimeSeconds) ||
    tokenLifetimeSeconds <= 0 ||
    tokenLifetimeSeconds > MAX_LIFETIME_SECONDS
  ) {
    throw new TypeError(
      `tokenLifetimeSeconds must be a whole number of seconds from 1 to ${MAX_LIFETIME_SECONDS}`,
    );
  }
  const jwksCacheControl = options.jwksCacheControl ?? 'max-age=300';
  // Checked here: Node's writeHead throws ERR_INVALID_CHAR on a control character, which would
  // fail every JWKS request (and crash the server) long after the test set the option.
  if (typeof jwksCacheControl !== 'string' || !FIELD_VALUE.test(jwksCacheControl)) {
    throw new TypeError(
      'jwksCacheControl must be a header value of printable ASCII, spaces and tabs (RFC 9110 §5.5)',
    );
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

/**
 * The `iss` to write: an absolute http(s) URL, as RFC 8414 §2 and OIDC Discovery §3 require of
 * an issuer identifier (http allowed, for loopback issuers), so a typo cannot mint tokens no
 * verifier could be configured for.
 */
function issuerOption(value: unknown): string | undefined {
  const issuer = nonEmptyString(value, 'issuer');
  if (issuer === undefined) return undefined;
  const parsed = URL.canParse(issuer) ? new URL(issuer) : undefined;
  if (parsed === undefined || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new TypeError('issuer must be an absolute http(s) URL');
  }
  return issuer;
}

function nonEmptyString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${name} must be a non-empty string`);
  }
  return value;
}

const TEST_ISSUER_OPTION_KEYS = Object.keys({
  kind: true,
  alg: true,
  userPoolId: true,
  clientId: true,
  audience: true,
  issuer: true,
  tokenLifetimeSeconds: true,
  jwksCacheControl: true,
  clients: true,
} satisfies { readonly [K in keyof Required<TestIssuerOptions>]: true });
