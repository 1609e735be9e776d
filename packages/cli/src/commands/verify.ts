import {
  TokengateError,
  allScopes,
  anyGroup,
  authorize,
  createVerifier,
  type VerifiedToken,
} from '@tokengate/core';
import { flag, listOption, parseCommandArgs, positionals } from '../args.js';
import { relativeTime } from '../format/time.js';
import { EXIT, type CliIo } from '../io.js';
import { decodeToken, readToken, type DecodedToken } from '../token-input.js';
import { CHECK_OF_CODE, deriveChecks, renderChecks, type CheckName } from './verify-checks.js';
import { VERIFY_OPTIONS, issuerFromFlags } from './verify-options.js';

export const VERIFY_HELP = `Usage:
  tokengate verify <token|-> --issuer <url> --audience <aud> [options]
  tokengate verify <token|-> --cognito <userPoolId> --client-id <id> [--token-use access|id] [options]

Runs the real verifier and shows each check: decode, algorithm, issuer, key (kid), signature,
claim formats, time, audience / client_id / token_use, then the rules.

  --issuer <url>          OIDC issuer (exact iss); with --cognito or --client-id it replaces
                          the AWS issuer URL (cognito-local, LocalStack, a local test issuer)
  --audience <aud>        accepted aud (repeatable, or comma-separated)
  --cognito <poolId>      a Cognito user pool, e.g. eu-west-1_AbCdEf123
  --client-id <id>        accepted app client id (repeatable)
  --token-use access|id   Cognito token kind (default access)
  --jwks-uri <url>        keys location instead of discovery / <issuer>/.well-known/jwks.json
  --scope <s>             required scope; repeated: ALL of them are required
  --group <g>             accepted group; repeated: ANY one of them is enough
  --allow-insecure-http   allow http: URLs on non-loopback hosts (never in production)
  --json                  one JSON object: { valid, code, status, checks, claims }

Exit status: 0 valid, 1 invalid or refused (4xx), 2 IdP unavailable (503) or usage error.
`;

/** `tokengate verify`: the real verifier, with its verdict spelled out check by check. */
export async function verifyCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(args, VERIFY_OPTIONS);
  if (flag(parsed, 'help')) {
    io.out(VERIFY_HELP);
    return EXIT.ok;
  }
  const [argument] = positionals(parsed, ['token|-']);
  const { trusted, expectedIssuer } = issuerFromFlags(parsed);
  const scopes = listOption(parsed, 'scope');
  const groups = listOption(parsed, 'group');
  const token = await readToken(argument ?? '', io);
  const decoded = tryDecode(token);

  // No token cache, a bounded wait: one verification, answered within a few seconds.
  const verifier = createVerifier({ issuers: [trusted], cache: false, jwks: { timeoutMs: 5000 } });
  let result: VerifiedToken | undefined;
  let error: TokengateError | undefined;
  try {
    result = await verifier.verify(token);
  } catch (caught) {
    if (!(caught instanceof TokengateError)) throw caught;
    error = caught;
  } finally {
    await verifier.close();
  }

  const ruleFailures = new Set<CheckName>();
  const ruleErrors: TokengateError[] = [];
  if (result !== undefined) {
    const rules = [
      ['scopes', scopes.length === 0 ? undefined : allScopes(...scopes)],
      ['groups', groups.length === 0 ? undefined : anyGroup(...groups)],
    ] as const;
    for (const [name, rule] of rules) {
      if (rule === undefined) continue;
      try {
        authorize(result, rule);
      } catch (caught) {
        if (!(caught instanceof TokengateError)) throw caught;
        ruleFailures.add(name);
        ruleErrors.push(caught);
      }
    }
  }
  error ??= ruleErrors[0];
  const failed = error === undefined ? undefined : CHECK_OF_CODE[error.code];
  const skipped = new Set<CheckName>(['revocation']);
  if (scopes.length === 0) skipped.add('scopes');
  if (groups.length === 0) skipped.add('groups');
  const checks = deriveChecks({
    failed,
    skipped,
    ruleFailures,
    details: details(decoded, expectedIssuer, scopes, groups, result),
  });
  const status = error?.status;
  const exitCode = error === undefined ? EXIT.ok : status === 503 ? EXIT.unavailable : EXIT.invalid;
  const detail = detailOf(error);

  if (flag(parsed, 'json')) {
    const report = {
      valid: error === undefined,
      ...(error === undefined
        ? {}
        : { code: error.code, status: error.status, message: error.message }),
      ...(detail === undefined ? {} : { detail }),
      checks: checks.map(({ name, status: state, detail: note }) => ({
        name,
        status: state,
        ...(note === undefined ? {} : { detail: note }),
      })),
      ...(decoded === undefined ? {} : { claims: decoded.claims }),
    };
    io.out(`${JSON.stringify(report, null, 2)}\n`);
    return exitCode;
  }
  const lines = [...renderChecks(checks), ''];
  if (error === undefined) {
    lines.push('VALID');
  } else {
    lines.push(`INVALID  ${error.code} (HTTP ${error.status}): ${error.message}`);
    for (const [key, value] of Object.entries(detail ?? {})) {
      lines.push(`  ${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
    }
  }
  io.out(`${lines.join('\n')}\n`);
  return exitCode;
}

function tryDecode(token: string): DecodedToken | undefined {
  try {
    return decodeToken(token);
  } catch {
    return undefined;
  }
}

/** `error.detail`, when the error carries one (an object of facts about the failure). */
function detailOf(error: TokengateError | undefined): Record<string, unknown> | undefined {
  const detail = (error as { detail?: unknown } | undefined)?.detail;
  return typeof detail === 'object' && detail !== null && !Array.isArray(detail)
    ? (detail as Record<string, unknown>)
    : undefined;
}

/** Facts from the (unverified) token that help read each check's outcome. */
function details(
  decoded: DecodedToken | undefined,
  expectedIssuer: string,
  scopes: readonly string[],
  groups: readonly string[],
  result: VerifiedToken | undefined,
): Partial<Record<CheckName, string>> {
  const out: Partial<Record<CheckName, string>> = { revocation: 'no revocation store' };
  if (scopes.length > 0) {
    out.scopes = `needs all of [${scopes.join(' ')}]` + have(result?.scopes);
  }
  if (groups.length > 0) {
    out.groups = `needs any of [${groups.join(' ')}]` + have(result?.groups);
  }
  if (decoded === undefined) return out;
  const { header, claims } = decoded;
  out.algorithm = `alg ${String(header.alg)}`;
  out.issuer =
    claims.iss === expectedIssuer
      ? String(claims.iss)
      : `token iss ${JSON.stringify(claims.iss)}, expected ${expectedIssuer}`;
  out.key = header.kid === undefined ? 'no kid in header' : `kid ${String(header.kid)}`;
  const now = Date.now() / 1000;
  if (typeof claims.exp === 'number') {
    out.time =
      claims.exp <= now
        ? `expired ${relativeTime(claims.exp, now)}`
        : `expires ${relativeTime(claims.exp, now)}`;
    if (typeof claims.nbf === 'number' && claims.nbf > now)
      out.time += `, nbf ${relativeTime(claims.nbf, now)}`;
  }
  out.audience = ['aud', 'client_id', 'token_use']
    .filter((name) => claims[name] !== undefined)
    .map((name) => `${name} ${JSON.stringify(claims[name])}`)
    .join(', ');
  return out;
}

function have(values: readonly string[] | undefined): string {
  return values === undefined ? '' : `, token has [${values.join(' ')}]`;
}
