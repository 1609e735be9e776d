import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt, runCli, startCli, type ServingCli } from './cli-process.js';

let serving: ServingCli | undefined;

beforeAll(ensureBuilt, 60_000);

afterAll(async () => {
  await serving?.stop();
});

/** The token printed on the line after `label:`. */
function tokenAfter(stdout: string, label: string): string {
  const token = new RegExp(`^${label}.*:\\n(\\S+)$`, 'm').exec(stdout)?.[1];
  expect(token, label).toBeDefined();
  return token!;
}

function envValue(stdout: string, name: string): string {
  const value = new RegExp(`\\b${name}=(\\S+)`).exec(stdout)?.[1];
  expect(value, name).toBeDefined();
  return value!;
}

it('with --serve, prints tokens that verify against the running issuer, and stops on SIGTERM', async () => {
  serving = await startCli(
    ['mint', '--kind', 'cognito', '--groups', 'admin,ops', '--scopes', 'orders/read', '--serve'],
    /Serving the JWKS until/,
  );
  const { stdout } = serving;
  const issuer = envValue(stdout, 'ISSUER');
  const flags = ['--issuer', issuer, '--jwks-uri', envValue(stdout, 'JWKS_URI')];
  const clientId = envValue(stdout, 'AUDIENCE');
  expect(envValue(stdout, 'TOKEN_USE')).toBe('access');

  const access = await runCli([
    'verify',
    tokenAfter(stdout, 'access token'),
    ...flags,
    '--client-id',
    clientId,
    '--scope',
    'orders/read',
    '--group',
    'admin',
  ]);
  expect(access.code, access.stdout).toBe(0);
  const id = await runCli([
    'verify',
    tokenAfter(stdout, 'id token'),
    ...flags,
    '--client-id',
    clientId,
    '--token-use',
    'id',
  ]);
  expect(id.code, id.stdout).toBe(0);
  const m2m = await runCli([
    'verify',
    tokenAfter(stdout, 'm2m token'),
    ...flags,
    '--client-id',
    clientId,
  ]);
  expect(m2m.code, m2m.stdout).toBe(0);

  const exitCode = await serving.stop();
  serving = undefined;
  expect(exitCode).toBe(0);
});

it('without --serve, prints OIDC tokens and says the JWKS is gone', async () => {
  const result = await runCli([
    'mint',
    '--kind',
    'oidc',
    '--sub',
    'alice',
    '--expires-in=-60',
    '--claims',
    '{"tenant":"acme"}',
  ]);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('its JWKS is gone');
  expect(result.stdout).not.toContain('m2m token');
  expect(envValue(result.stdout, 'AUDIENCE')).toBe('https://api.tokengate.test');
  const decoded = await runCli(['decode', tokenAfter(result.stdout, 'access token'), '--json']);
  const { claims } = JSON.parse(decoded.stdout) as { claims: Record<string, unknown> };
  expect(claims).toMatchObject({ sub: 'alice', tenant: 'acme' });
  expect(claims.exp).toBeLessThan(Date.now() / 1000);
});

it.each([
  ['--dpop-jkt', { jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' }, 'DPoP <access token>'],
  ['--x5t-s256', { 'x5t#S256': 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' }, '--cert'],
])('%s binds the access and m2m tokens, not the id token', async (flag, cnf, curl) => {
  const thumbprint = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
  const result = await runCli(['mint', '--kind', 'cognito', flag, thumbprint]);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain(curl);
  const claimsOf = async (label: string): Promise<Record<string, unknown>> => {
    const decoded = await runCli(['decode', tokenAfter(result.stdout, label), '--json']);
    return (JSON.parse(decoded.stdout) as { claims: Record<string, unknown> }).claims;
  };
  expect((await claimsOf('access token')).cnf).toStrictEqual(cnf);
  expect((await claimsOf('m2m token')).cnf).toStrictEqual(cnf);
  expect(await claimsOf('id token')).not.toHaveProperty('cnf');
});

it.each([
  [['mint'], '--kind must be'],
  [['mint', '--kind', 'oidc', '--dpop-jkt', 'abc'], '--dpop-jkt must be a base64url SHA-256'],
  [
    ['mint', '--kind', 'oidc', '--x5t-s256', 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs='],
    '--x5t-s256 must be a base64url SHA-256',
  ],
  [
    [
      'mint',
      '--kind',
      'oidc',
      '--dpop-jkt',
      'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
      '--x5t-s256',
      'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
    ],
    'bind a token two ways',
  ],
  [['mint', '--kind', 'oidc', '--claims', '[1]'], '--claims must be a JSON object'],
  [['mint', '--kind', 'oidc', '--grups', 'a'], 'did you mean --groups?'],
])('usage error %j exits 2', async (args, message) => {
  const result = await runCli(args);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain(message);
});
