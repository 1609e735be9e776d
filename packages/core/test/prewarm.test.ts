// `prewarm()` with primary and secondary endpoints of any issuer: only a primary endpoint can
// fail startup; every endpoint's outcome is reported as a `prewarm` event.
import {
  IdpUnavailableError,
  createVerifier,
  oidcIssuer,
  type TrustedIssuer,
  type VerifierEvent,
} from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

let primary: TestIssuer;
let secondary: TestIssuer;

beforeAll(async () => {
  [primary, secondary] = await Promise.all([
    createTestIssuer({ kind: 'oidc' }),
    createTestIssuer({ kind: 'oidc' }),
  ]);
});
afterAll(() => Promise.all([primary.close(), secondary.close()]));
afterEach(() => Promise.all([primary.recover(), secondary.recover()]));

/** One issuer with two accepted `iss` values; the second marked secondary (or as `flag` says). */
function twoEndpoints(
  flag: { secondary?: unknown } = { secondary: true },
  discover = false,
): TrustedIssuer {
  const base = oidcIssuer({ issuer: primary.issuer, jwksUri: primary.jwksUri, audience: null });
  return {
    ...base,
    endpoints: [
      { issuer: primary.issuer, jwksUri: primary.jwksUri },
      {
        issuer: secondary.issuer,
        ...(discover ? {} : { jwksUri: secondary.jwksUri }),
        ...(flag as { secondary?: boolean }),
      },
    ],
  };
}

describe('prewarm() with secondary endpoints', () => {
  it('resolves while a secondary endpoint fails, and reports it', async () => {
    await secondary.outage('error', { status: 403 });
    for (const discover of [false, true]) {
      const events: VerifierEvent[] = [];
      const verifier = createVerifier({
        issuers: [twoEndpoints({ secondary: true }, discover)],
        onEvent: (event) => events.push(event),
      });
      await expect(verifier.prewarm()).resolves.toBeUndefined();
      expect(events.filter((event) => event.type === 'prewarm')).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ issuer: primary.issuer, secondary: false, ok: true }),
          expect.objectContaining({ issuer: secondary.issuer, secondary: true, ok: false }),
        ]),
      );
    }
  });

  it('rejects when a primary endpoint fails, whatever the secondary one does', async () => {
    await primary.outage('error', { status: 503 });
    const verifier = createVerifier({ issuers: [twoEndpoints()] });
    await expect(verifier.prewarm()).rejects.toBeInstanceOf(IdpUnavailableError);
    // Unmarked endpoints stay primary, as before.
    await primary.recover();
    await secondary.outage('error', { status: 503 });
    await expect(createVerifier({ issuers: [twoEndpoints({})] }).prewarm()).rejects.toBeInstanceOf(
      IdpUnavailableError,
    );
  });

  it('still verifies tokens of a secondary endpoint, fetching its keys on first use', async () => {
    const verifier = createVerifier({ issuers: [twoEndpoints()] });
    await expect(verifier.verify(await secondary.accessToken())).resolves.toMatchObject({
      issuer: secondary.issuer,
    });
  });

  it('refuses a non-boolean flag, and an issuer with no primary endpoint, with a TypeError', () => {
    expect(() => createVerifier({ issuers: [twoEndpoints({ secondary: 'yes' })] })).toThrow(
      TypeError,
    );
    const allSecondary = twoEndpoints();
    const onlySecondary: TrustedIssuer = {
      ...allSecondary,
      endpoints: allSecondary.endpoints.map((endpoint) => ({ ...endpoint, secondary: true })),
    };
    expect(() => createVerifier({ issuers: [onlySecondary] })).toThrow(TypeError);
  });
});
