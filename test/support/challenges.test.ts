// The expected challenges of test/support/challenges.ts against what a real gate answers, so
// the hard-coded algorithm list and attribute order cannot drift from the library unnoticed.
import { createGate, isTokengateError, oidcIssuer, type Gate } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DPOP_ALGS, inDpopChallenge, withDpop } from './challenges.js';

let idp: TestIssuer;
const gates: Gate[] = [];

beforeAll(async () => {
  idp = await createTestIssuer();
});
afterAll(async () => {
  await Promise.all(gates.map((gate) => gate.close()));
  await idp.close();
});

function gate(options: Record<string, unknown> = {}): Gate {
  const built = createGate({
    issuers: [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience })],
    ...options,
  });
  gates.push(built);
  return built;
}

/** The `WWW-Authenticate` value of the gate's refusal of a request with these headers. */
async function challengeOf(built: Gate, ...headers: [string, string][]): Promise<string> {
  const rawHeaders = ['Host', 'api.example.test', ...headers.flat()];
  try {
    await built.authenticate({ rawHeaders, url: '/orders', method: 'GET' });
  } catch (error) {
    if (isTokengateError(error)) return error.headers['WWW-Authenticate'] ?? '';
    throw error;
  }
  throw new Error('the gate let the request through');
}

const NOT_A_TOKEN =
  'error="invalid_token", error_description="Token must have exactly three segments"';

describe('expected challenges', () => {
  it('DEFAULT_DPOP_ALGS, realm and attribute order are what a default gate sends', async () => {
    expect(DEFAULT_DPOP_ALGS.split(' ')).toHaveLength(10);
    expect(await challengeOf(gate({ realm: 'api' }))).toBe(withDpop('Bearer realm="api"', 'api'));
    expect(await challengeOf(gate())).toBe(withDpop('Bearer'));
    expect(await challengeOf(gate(), ['Authorization', 'Bearer nope'])).toBe(
      withDpop(`Bearer ${NOT_A_TOKEN}`),
    );
    // A request made with the DPoP scheme: the error moves into the DPoP challenge.
    expect(await challengeOf(gate({ realm: 'api' }), ['Authorization', 'DPoP nope'])).toBe(
      inDpopChallenge(NOT_A_TOKEN, 'api'),
    );
  });

  it('follows the dpop.algorithms option and RFC 9728 metadata', async () => {
    // RFC 9728 §1.2: an https resource (plain http only on loopback).
    const metadata = 'https://api.example.test/.well-known/oauth-protected-resource';
    const built = gate({
      realm: 'api',
      publicOrigin: 'https://api.example.test',
      dpop: { algorithms: ['ES256', 'EdDSA'] },
      resourceMetadata: true,
    });
    const options = { algs: 'ES256 EdDSA', resourceMetadata: metadata };
    expect(await challengeOf(built)).toBe(
      withDpop(`Bearer realm="api", resource_metadata="${metadata}"`, 'api', options),
    );
    expect(await challengeOf(built, ['Authorization', 'DPoP nope'])).toBe(
      inDpopChallenge(NOT_A_TOKEN, 'api', options),
    );
  });

  it("with dpop: 'disabled' and no metadata, a gate sends RFC 6750's single Bearer challenge", async () => {
    expect(await challengeOf(gate({ realm: 'api', dpop: 'disabled' }))).toBe('Bearer realm="api"');
  });
});
