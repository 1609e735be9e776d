import { createTestIssuer, type TestIssuer, type TokenOptions } from '@tokengate/testing';
import {
  flag,
  listOption,
  parseCommandArgs,
  positionals,
  stringOption,
  type Parsed,
} from '../args.js';
import { EXIT, UsageError, type CliIo } from '../io.js';

export const MINT_HELP = `Usage: tokengate mint --kind cognito|oidc [options]

Starts a local test issuer (@tokengate/testing) on 127.0.0.1 and prints an access token, an
ID token (and for cognito an M2M token), the environment for the example servers and a curl.
These tokens are for local development only: the issuer's keys are generated on the spot.

  --kind cognito|oidc    token and URL shape
  --groups a,b           groups (cognito:groups or groups)
  --scopes x,y           scopes (space-separated in the scope claim)
  --sub <subject>        the sub claim
  --expires-in <s>       lifetime in seconds; --expires-in=-60 mints an expired token
  --claims '<json>'      extra claims merged last, e.g. '{"tenant":"acme"}'
  --dpop-jkt <jkt>       bind the access (and m2m) token to a DPoP key: cnf.jkt, the key's
                         RFC 7638 SHA-256 thumbprint (RFC 9449 §6.1)
  --x5t-s256 <x5t>       bind them to a client certificate: cnf["x5t#S256"], the SHA-256
                         thumbprint of its DER (RFC 8705 §3.1)
  --serve                keep the issuer (and its JWKS) running until Ctrl-C / SIGTERM

Without --serve the issuer stops when the command exits, so its JWKS is gone and the tokens
can no longer be verified: use --serve to test against them.
`;

/** `tokengate mint`: local tokens, and the settings that make a server accept them. */
export async function mintCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(args, {
    kind: { type: 'string' },
    groups: { type: 'string', multiple: true },
    scopes: { type: 'string', multiple: true },
    sub: { type: 'string' },
    'expires-in': { type: 'string' },
    claims: { type: 'string' },
    'dpop-jkt': { type: 'string' },
    'x5t-s256': { type: 'string' },
    serve: { type: 'boolean' },
  });
  if (flag(parsed, 'help')) {
    io.out(MINT_HELP);
    return EXIT.ok;
  }
  positionals(parsed, []);
  const kind = stringOption(parsed, 'kind');
  if (kind !== 'cognito' && kind !== 'oidc') {
    throw new UsageError(`--kind must be "cognito" or "oidc", got ${JSON.stringify(kind ?? '')}`);
  }
  const options = { ...tokenOptions(parsed), ...bindingOptions(parsed) };
  const serve = flag(parsed, 'serve');

  const issuer = await createTestIssuer({ kind });
  try {
    const access = await issuer.accessToken(options);
    // ID tokens carry no scope (OIDC Core §2) and are never sender-constrained; the test issuer
    // refuses either given by mistake.
    const idOptions = { ...options };
    delete idOptions.scopes;
    delete idOptions.dpop;
    delete idOptions.certificate;
    const id = await issuer.idToken(idOptions);
    const m2m = kind === 'cognito' ? await issuer.m2mToken(withoutUserClaims(options)) : undefined;
    const binding = options.dpop ? 'dpop' : options.certificate ? 'mtls' : 'bearer';
    io.out(banner(issuer, { access, id, m2m }, serve, binding));
    if (serve) await io.untilStopped();
  } finally {
    await issuer.close();
  }
  return EXIT.ok;
}

function tokenOptions(parsed: Parsed): TokenOptions {
  const options: TokenOptions = {};
  const groups = listOption(parsed, 'groups');
  const scopes = listOption(parsed, 'scopes');
  const sub = stringOption(parsed, 'sub');
  const expiresIn = stringOption(parsed, 'expires-in');
  const claims = stringOption(parsed, 'claims');
  if (groups.length > 0) options.groups = groups;
  if (scopes.length > 0) options.scopes = scopes;
  if (sub !== undefined) options.sub = sub;
  if (expiresIn !== undefined) {
    const seconds = Number(expiresIn);
    if (!/^-?\d+$/.test(expiresIn.trim()) || !Number.isSafeInteger(seconds)) {
      throw new UsageError(
        `--expires-in must be a whole number of seconds, got ${JSON.stringify(expiresIn)}`,
      );
    }
    options.expiresIn = seconds;
  }
  if (claims !== undefined) {
    let value: unknown;
    try {
      value = JSON.parse(claims);
    } catch {
      throw new UsageError('--claims must be a JSON object, e.g. \'{"tenant":"acme"}\'');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new UsageError('--claims must be a JSON object, e.g. \'{"tenant":"acme"}\'');
    }
    options.claims = value as Record<string, unknown>;
  }
  return options;
}

// A SHA-256 digest in unpadded base64url is 43 characters (RFC 7638 §3, RFC 8705 §3.1).
const SHA256_THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

/** `cnf` of sender-constrained tokens (RFC 7800 §3.1): one confirmation method at most. */
function bindingOptions(parsed: Parsed): Pick<TokenOptions, 'dpop' | 'certificate'> {
  const jkt = stringOption(parsed, 'dpop-jkt');
  const x5tS256 = stringOption(parsed, 'x5t-s256');
  if (jkt !== undefined && x5tS256 !== undefined) {
    throw new UsageError('--dpop-jkt and --x5t-s256 bind a token two ways; give one of them');
  }
  for (const [name, value] of [
    ['--dpop-jkt', jkt],
    ['--x5t-s256', x5tS256],
  ] as const) {
    if (value !== undefined && !SHA256_THUMBPRINT.test(value)) {
      throw new UsageError(
        `${name} must be a base64url SHA-256 thumbprint (43 characters), got ${JSON.stringify(value)}`,
      );
    }
  }
  if (jkt !== undefined) return { dpop: { jkt } };
  if (x5tS256 !== undefined) return { certificate: { x5tS256 } };
  return {};
}

/** An M2M token has no user: its subject is the client (Cognito's client_credentials shape). */
function withoutUserClaims(options: TokenOptions): TokenOptions {
  const rest = { ...options };
  delete rest.groups;
  delete rest.sub;
  return rest;
}

interface Minted {
  readonly access: string;
  readonly id: string;
  readonly m2m: string | undefined;
}

type Binding = 'bearer' | 'dpop' | 'mtls';

function curlLine(binding: Binding): string {
  // RFC 9449 §7.1: a DPoP-bound token travels under the DPoP scheme with a fresh proof; RFC
  // 8705 §3: a certificate-bound one as Bearer, over TLS with that client certificate.
  if (binding === 'dpop') {
    return '  curl -H "Authorization: DPoP <access token>" -H "DPoP: <proof by that key>" http://localhost:3000/me';
  }
  if (binding === 'mtls') {
    return '  curl --cert client.pem --key client-key.pem -H "Authorization: Bearer <access token>" https://localhost:3000/me';
  }
  return '  curl -H "Authorization: Bearer <access token>" http://localhost:3000/me';
}

function banner(issuer: TestIssuer, tokens: Minted, serve: boolean, binding: Binding): string {
  const cognito = issuer.kind === 'cognito';
  const audience = cognito ? issuer.clientId : issuer.audience;
  const env = [
    `ISSUER=${issuer.issuer}`,
    `JWKS_URI=${issuer.jwksUri}`,
    `AUDIENCE=${audience}`,
    ...(cognito ? ['TOKEN_USE=access'] : []),
  ].join(' ');
  const verifyFlags = cognito
    ? `--issuer ${issuer.issuer} --client-id ${issuer.clientId} --jwks-uri ${issuer.jwksUri}`
    : `--issuer ${issuer.issuer} --audience ${issuer.audience} --jwks-uri ${issuer.jwksUri}`;
  const lines = [
    `Local ${issuer.kind} test issuer: ${issuer.issuer}`,
    `JWKS: ${issuer.jwksUri}`,
    '',
    'access token:',
    tokens.access,
    '',
    'id token:',
    tokens.id,
    ...(tokens.m2m === undefined ? [] : ['', 'm2m token (client_credentials):', tokens.m2m]),
    '',
    'Environment for the example servers (examples/<framework>/server.mjs):',
    `  ${env}`,
    '',
    'Try:',
    `  tokengate verify <access token> ${verifyFlags}`,
    curlLine(binding),
    '',
    serve
      ? 'Serving the JWKS until Ctrl-C (SIGINT) or SIGTERM.'
      : 'NOTE: the issuer stops when this command exits, so its JWKS is gone and these tokens ' +
        'cannot be verified any more. Run with --serve to keep it running.',
    '',
  ];
  return lines.join('\n');
}
