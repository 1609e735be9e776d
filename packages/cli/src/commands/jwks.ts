import { flag, parseCommandArgs, positionals } from '../args.js';
import { EXIT, type CliIo } from '../io.js';
import { checkUrl, fetchJson, FetchFailedError, type FetchedJson } from '../http/fetch-json.js';

export const JWKS_HELP = `Usage: tokengate jwks <issuer-url|jwks-url> [--allow-insecure-http] [--json]

Lists an issuer's signing keys (kid, kty, alg, size or curve, use) and the caching headers of
the JWKS response. Given an issuer (an OIDC issuer or a Cognito pool URL such as
https://cognito-idp.<region>.amazonaws.com/<poolId>), reads its discovery document
(/.well-known/openid-configuration) first; a URL ending in .json or naming "jwks" is
fetched as the JWKS itself.

  --allow-insecure-http   allow http: on non-loopback hosts (never in production)
  --json                  one JSON object: { jwksUri, cacheControl, age, keys }

Exit status: 0 keys listed, 2 unreachable or malformed answer, or usage error.
`;

export interface KeyRow {
  readonly kid: string;
  readonly kty: string;
  readonly alg: string;
  readonly size: string;
  readonly use: string;
}

/** `tokengate jwks`: what keys an issuer publishes right now, and for how long clients may cache them. */
export async function jwksCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(args, {
    'allow-insecure-http': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (flag(parsed, 'help')) {
    io.out(JWKS_HELP);
    return EXIT.ok;
  }
  const [target] = positionals(parsed, ['issuer-url|jwks-url']);
  const allowInsecureHttp = flag(parsed, 'allow-insecure-http');
  const url = checkUrl(target ?? '', allowInsecureHttp, 'the URL');
  try {
    let discovery: FetchedJson | undefined;
    let jwksUrl = url;
    if (!looksLikeJwks(url)) {
      discovery = await fetchJson(discoveryUrl(url));
      const jwksUri = (discovery.body as { jwks_uri?: unknown } | null)?.jwks_uri;
      if (typeof jwksUri !== 'string') {
        throw new FetchFailedError(`${discovery.url}: the discovery document has no jwks_uri`);
      }
      jwksUrl = checkUrl(jwksUri, allowInsecureHttp, 'jwks_uri');
    }
    const jwks = await fetchJson(jwksUrl);
    const keys = (jwks.body as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(keys)) {
      throw new FetchFailedError(`${jwks.url}: not a JWK Set (no "keys" array, RFC 7517 §5)`);
    }
    const rows = keys.map(describeKey);
    const cacheControl = jwks.headers.get('cache-control');
    const age = jwks.headers.get('age');
    const discoveredIssuer = (discovery?.body as { issuer?: unknown } | undefined)?.issuer;
    if (flag(parsed, 'json')) {
      const report = {
        ...(discovery === undefined
          ? {}
          : { discoveryUri: discovery.url, issuer: discoveredIssuer }),
        jwksUri: jwks.url,
        cacheControl,
        age,
        keys: rows,
      };
      io.out(`${JSON.stringify(report, null, 2)}\n`);
      return EXIT.ok;
    }
    const lines: string[] = [];
    if (discovery !== undefined) {
      lines.push(`discovery      ${discovery.url}`, `issuer         ${String(discoveredIssuer)}`);
    }
    lines.push(
      `jwks_uri       ${jwks.url}`,
      `Cache-Control  ${cacheControl ?? '(none)'}`,
      `Age            ${age ?? '(none)'}`,
      '',
      ...table(rows),
    );
    io.out(`${lines.join('\n')}\n`);
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof FetchFailedError)) throw error;
    io.err(`tokengate jwks: ${error.message}\n`);
    return EXIT.unavailable;
  }
}

function looksLikeJwks(url: URL): boolean {
  const path = url.pathname.toLowerCase();
  return (
    !path.endsWith('/openid-configuration') && (path.endsWith('.json') || path.includes('jwks'))
  );
}

/** OpenID Connect Discovery 1.0 §4: `<issuer>/.well-known/openid-configuration`. */
function discoveryUrl(url: URL): URL {
  if (url.pathname.endsWith('/.well-known/openid-configuration')) return url;
  const base = url.href.replace(/\/+$/, '');
  return new URL(`${base}/.well-known/openid-configuration`);
}

function describeKey(key: unknown): KeyRow {
  const jwk = (typeof key === 'object' && key !== null ? key : {}) as Record<string, unknown>;
  const text = (value: unknown): string => (typeof value === 'string' ? value : '-');
  return {
    kid: text(jwk.kid),
    kty: text(jwk.kty),
    alg: text(jwk.alg),
    size: sizeOf(jwk),
    use: text(jwk.use),
  };
}

/** RSA: modulus bits (RFC 7518 §6.3.1.1); EC and OKP: the curve (§6.2.1.1, RFC 8037 §2). */
function sizeOf(jwk: Record<string, unknown>): string {
  if (typeof jwk.crv === 'string') return jwk.crv;
  const material = jwk.kty === 'RSA' ? jwk.n : jwk.kty === 'oct' ? jwk.k : undefined;
  if (typeof material !== 'string') return '-';
  const bytes = Buffer.from(material, 'base64url');
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  return `${(bytes.length - start) * 8} bits`;
}

function table(rows: readonly KeyRow[]): string[] {
  if (rows.length === 0) return ['(no keys)'];
  const columns = ['kid', 'kty', 'alg', 'size', 'use'] as const;
  const widths = columns.map((column) =>
    Math.max(column.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, index) => cell.padEnd(widths[index] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(columns), ...rows.map((row) => line(columns.map((column) => row[column])))];
}
