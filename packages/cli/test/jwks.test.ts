import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './cli-process.js';

let issuer: TestIssuer;

beforeAll(async () => {
  [issuer] = await Promise.all([
    createTestIssuer({ kind: 'cognito', jwksCacheControl: 'public, max-age=600' }),
    ensureBuilt(),
  ]);
  await issuer.addKey({ alg: 'ES256', kid: 'ec-key' });
}, 60_000);

afterAll(async () => {
  await issuer.close();
});

it('lists the keys of an issuer found through discovery, with Cache-Control', async () => {
  const result = await runCli(['jwks', issuer.issuer]);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`jwks_uri       ${issuer.jwksUri}`);
  expect(result.stdout).toMatch(/Cache-Control\s+public, max-age=600/);
  expect(result.stdout).toMatch(
    new RegExp(`${issuer.currentKid}\\s+RSA\\s+RS256\\s+2048 bits\\s+sig`),
  );
  expect(result.stdout).toMatch(/ec-key\s+EC\s+ES256\s+P-256\s+sig/);
});

it('reads a JWKS URL directly, as JSON', async () => {
  const result = await runCli(['jwks', issuer.jwksUri, '--json']);
  expect(result.code).toBe(0);
  const report = JSON.parse(result.stdout) as {
    jwksUri: string;
    cacheControl: string;
    keys: { kid: string }[];
  };
  expect(report.jwksUri).toBe(issuer.jwksUri);
  expect(report.cacheControl).toBe('public, max-age=600');
  expect(report.keys.map((key) => key.kid).sort()).toEqual([issuer.currentKid, 'ec-key'].sort());
});

it('refuses plain http on a non-loopback host without --allow-insecure-http (exit 2)', async () => {
  const result = await runCli(['jwks', 'http://idp.example/.well-known/jwks.json']);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('--allow-insecure-http');
});

it('exits 2 when the issuer does not answer with JSON', async () => {
  const broken = await createTestIssuer({ kind: 'oidc' });
  try {
    await broken.outage('garbage');
    const result = await runCli(['jwks', broken.issuer]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not JSON');
  } finally {
    await broken.close();
  }
});
