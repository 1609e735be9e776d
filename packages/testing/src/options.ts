import type { TestAlgorithm } from './test-algorithm.js';
import type { TestClient, TestIssuerOptions } from './types.js';
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
  for (const key of Object.keys(options)) {
    if (TEST_ISSUER_OPTION_KEYS.includes(key)) continue;
    // As @tokengate/core does for its own options (no dependency on it here): a misspelt
    // option must not leave a default silently in force.
    const near = TEST_ISSUER_OPTION_KEYS.find((known) => nearlyEqual(key, known));
    throw new TypeError(
      `createTestIssuer: unknown option ${JSON.stringify(key)}` +
        (near === undefined ? '' : `; did you mean \`${near}\`?`),
    );
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

/** Same letters in another case, or a Levenshtein distance of at most 2. */
function nearlyEqual(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (Math.abs(x.length - y.length) > 2) return false;
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= y.length; j += 1) {
      current.push(
        Math.min(
          (previous[j] as number) + 1,
          (current[j - 1] as number) + 1,
          (previous[j - 1] as number) + (x[i - 1] === y[j - 1] ? 0 : 1),
        ),
      );
    }
    previous = current;
  }
  return (previous[y.length] as number) <= 2;
}
