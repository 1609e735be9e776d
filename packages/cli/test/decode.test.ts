import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './cli-process.js';

let issuer: TestIssuer;

beforeAll(async () => {
  [issuer] = await Promise.all([createTestIssuer({ kind: 'cognito' }), ensureBuilt()]);
}, 60_000);

afterAll(async () => {
  await issuer.close();
});

it('prints header, claims and times of a token, labelled unverified', async () => {
  const token = await issuer.accessToken({ groups: ['admin'], expiresIn: -180 });
  const result = await runCli(['decode', token]);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^UNVERIFIED/);
  expect(result.stdout).toContain('"cognito:groups": [');
  expect(result.stdout).toMatch(/exp\s+\d{4}-\d\d-\d\dT[\d:.]+Z\s+\(expired 3 min ago\)/);
  expect(result.stdout).toMatch(/iat\s+\d{4}-\d\d-\d\dT[\d:.]+Z\s+\(/);
});

it('reads the token from stdin with "-", trimming it and removing a Bearer prefix', async () => {
  const token = await issuer.idToken({ expiresIn: 3540 });
  const result = await runCli(['decode', '-', '--json'], `  Bearer ${token}\n`);
  expect(result.code).toBe(0);
  const report = JSON.parse(result.stdout) as {
    verified: boolean;
    claims: Record<string, unknown>;
  };
  expect(report.verified).toBe(false);
  expect(report.claims.token_use).toBe('id');
  const human = await runCli(['decode', '-'], `Bearer ${token}`);
  expect(human.stdout).toMatch(/\(expires in 5[89] min\)/);
});

it.each([
  ['garbage', 'not a JWT'],
  ['a.b.c.d.e', 'encrypted token'],
  [`${Buffer.from('[1]').toString('base64url')}.e30.sig`, 'not a JSON object'],
])('refuses %s with a clear message and exit status 2', async (input, message) => {
  const result = await runCli(['decode', input]);
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain(message);
});
