import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './cli-process.js';

interface Report {
  valid: boolean;
  code?: string;
  status?: number;
  checks: { name: string; status: string; detail?: string }[];
  claims?: Record<string, unknown>;
}

let oidc: TestIssuer;
let cognito: TestIssuer;

beforeAll(async () => {
  [oidc, cognito] = await Promise.all([
    createTestIssuer({ kind: 'oidc' }),
    createTestIssuer({ kind: 'cognito' }),
    ensureBuilt(),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([oidc.close(), cognito.close()]);
});

const oidcFlags = (): string[] => [
  '--issuer',
  oidc.issuer,
  '--audience',
  oidc.audience,
  '--jwks-uri',
  oidc.jwksUri,
];

async function verifyJson(args: string[]): Promise<{ code: number | null; report: Report }> {
  const result = await runCli(['verify', ...args, '--json']);
  return { code: result.code, report: JSON.parse(result.stdout) as Report };
}

function statusOf(report: Report, name: string): string | undefined {
  return report.checks.find((check) => check.name === name)?.status;
}

describe('a valid token', () => {
  it('passes every check against an OIDC issuer (exit 0)', async () => {
    const token = await oidc.accessToken({ groups: ['admin'], scopes: ['orders/read'] });
    const result = await runCli([
      'verify',
      token,
      ...oidcFlags(),
      '--scope',
      'orders/read',
      '--group',
      'admin',
      '--group',
      'ops',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^VALID$/m);
    expect(result.stdout).not.toMatch(/FAIL|not reached/);
    expect(result.stdout).toMatch(/PASS\s+signature/);
    expect(result.stdout).toMatch(/PASS\s+rule: groups/);
  });

  it('passes a Cognito-style check with --issuer and --client-id, also through discovery', async () => {
    const token = await cognito.accessToken();
    const { code, report } = await verifyJson([
      token,
      '--issuer',
      cognito.issuer,
      '--client-id',
      cognito.clientId,
    ]);
    expect(code).toBe(0);
    expect(report.valid).toBe(true);
    expect(report.checks.every((check) => ['pass', 'skipped'].includes(check.status))).toBe(true);
    expect(report.claims?.token_use).toBe('access');
  });

  it('checks --token-use id against an ID token', async () => {
    const token = await cognito.idToken();
    const flags = ['--issuer', cognito.issuer, '--client-id', cognito.clientId];
    expect((await verifyJson([token, ...flags, '--token-use', 'id'])).code).toBe(0);
    const asAccess = await verifyJson([token, ...flags]);
    expect(asAccess.code).toBe(1);
    expect(asAccess.report.code).toBe('TOKEN_USE_MISMATCH');
  });
});

describe('an invalid token', () => {
  it('fails the time check when expired (exit 1), later checks not reached', async () => {
    const token = await oidc.accessToken({ expiresIn: -120 });
    const { code, report } = await verifyJson([token, ...oidcFlags()]);
    expect(code).toBe(1);
    expect(report).toMatchObject({ valid: false, code: 'TOKEN_EXPIRED', status: 401 });
    expect(statusOf(report, 'signature')).toBe('pass');
    expect(statusOf(report, 'time')).toBe('fail');
    expect(statusOf(report, 'audience')).toBe('not reached');
  });

  it('fails the audience check for another audience (exit 1)', async () => {
    const token = await oidc.accessToken({ claims: { aud: 'https://other.example' } });
    const { code, report } = await verifyJson([token, ...oidcFlags()]);
    expect(code).toBe(1);
    expect(report.code).toBe('AUDIENCE_MISMATCH');
    expect(statusOf(report, 'time')).toBe('pass');
    expect(statusOf(report, 'audience')).toBe('fail');
  });

  it('fails the scope rule when a scope is missing (exit 1), evaluating the group rule too', async () => {
    const token = await oidc.accessToken({ scopes: ['orders/read'], groups: ['admin'] });
    const args = [token, ...oidcFlags(), '--scope', 'orders/read', '--scope', 'orders/write'];
    const { code, report } = await verifyJson([...args, '--group', 'admin']);
    expect(code).toBe(1);
    expect(report).toMatchObject({ code: 'SCOPE_INSUFFICIENT', status: 403 });
    expect(statusOf(report, 'audience')).toBe('pass');
    expect(statusOf(report, 'scopes')).toBe('fail');
    expect(statusOf(report, 'groups')).toBe('pass');
  });

  it('fails the issuer check for an untrusted issuer', async () => {
    const token = await cognito.accessToken();
    const { code, report } = await verifyJson([token, ...oidcFlags()]);
    expect(code).toBe(1);
    expect(report.code).toBe('ISSUER_UNKNOWN');
    expect(statusOf(report, 'issuer')).toBe('fail');
    expect(statusOf(report, 'key')).toBe('not reached');
  });
});

it('exits 2 with IDP_UNAVAILABLE when the IdP is down', async () => {
  const down = await createTestIssuer({ kind: 'oidc' });
  try {
    const token = await down.accessToken();
    await down.outage('refuse');
    const { code, report } = await verifyJson([
      token,
      '--issuer',
      down.issuer,
      '--audience',
      down.audience,
    ]);
    expect(code).toBe(2);
    expect(report).toMatchObject({ valid: false, code: 'IDP_UNAVAILABLE', status: 503 });
    expect(statusOf(report, 'key')).toBe('fail');
  } finally {
    await down.close();
  }
});

describe('usage errors (exit 2)', () => {
  it.each([
    [
      ['verify', 'x', '--issuer', 'https://a.example', '--audiance', 'b'],
      'did you mean --audience?',
    ],
    [['verfy', 'x'], 'did you mean verify?'],
    [['verify', 'x', '--issuer', 'https://a.example'], '--issuer needs --audience'],
    [['verify', 'x', '--issuer', 'http://idp.example', '--audience', 'a'], 'issuer'],
    [
      ['verify', 'x', '--cognito', 'eu-west-1_Abc', '--client-id', 'c', '--token-use', 'both'],
      '--token-use',
    ],
  ])('%j', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
