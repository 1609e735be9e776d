// Type tests of `GateOptions`: a prebuilt verifier takes the gate's transport options, and the
// options only `createVerifier()` reads are compile errors next to it, as they are TypeErrors at
// run time (packages/core/test/options.test.ts). `pnpm typecheck` checks the
// `@ts-expect-error` lines (an unused one is an error too); each test also builds the gate.
import {
  createAlbVerifier,
  createGate,
  createVerifier,
  oidcIssuer,
  type GateOptions,
} from '@tokengate/core';
import { authenticate } from '@tokengate/express';
import { describe, expect, it } from 'vitest';

const issuers = [oidcIssuer({ issuer: 'https://idp.example.com', audience: 'api' })];
const verifier = createVerifier({ issuers });
const albVerifier = createAlbVerifier({ region: 'eu-west-1', albArn: null, clientId: null });

describe('GateOptions with a prebuilt verifier', () => {
  it('takes the transport options next to verifier and albVerifier', () => {
    const shared: GateOptions = { verifier, realm: 'api', optional: true, dpop: 'required' };
    const alb: GateOptions = { albVerifier, realm: 'api' };
    expect(createGate(shared).realm).toBe('api');
    expect(createGate(alb).realm).toBe('api');
  });

  it('refuses verifier options next to them, at compile time and at run time', () => {
    // @ts-expect-error `issuers` belongs where the verifier is built
    const withIssuers: GateOptions = { verifier, issuers };
    // @ts-expect-error `cache` belongs where the verifier is built
    const withCache: GateOptions = { verifier, cache: false };
    // @ts-expect-error `audience` belongs where the ALB verifier is built
    const albWithAudience: GateOptions = { albVerifier, audience: 'api' };
    for (const options of [withIssuers, withCache, albWithAudience]) {
      expect(() => createGate(options)).toThrow(TypeError);
    }
    // @ts-expect-error the same through an adapter's options
    expect(() => authenticate({ verifier, revocation: undefined, typ: 'at+jwt' })).toThrow(
      /typ is an option of createVerifier\(\)/,
    );
  });
});
