// The checks the runtime smoke suite (smoke.test.ts) bundles with the built neutral core and
// runs on Bun, Deno and workerd. Plain ESM with no Node API: only `fetch` reaches the issuer.
import { createVerifier, oidcIssuer } from '@tokengate/core';

export interface SmokeFixture {
  readonly issuers: readonly { issuer: string; jwksUri: string; audience: string }[];
  /** Tokens by case name; each is verified in order with one verifier. */
  readonly tokens: readonly (readonly [name: string, token: string])[];
}

/** Each case's verdict: `ok`, or the error's `code` (its name when it has none). */
export async function runSmokeChecks(fixture: SmokeFixture): Promise<Record<string, string>> {
  const verdicts: Record<string, string> = {};
  const verifier = createVerifier({ issuers: fixture.issuers.map((idp) => oidcIssuer(idp)) });
  for (const [name, token] of fixture.tokens) {
    verdicts[name] = await verifier.verify(token).then(
      () => 'ok',
      (error: { code?: string; name?: string }) => error.code ?? error.name ?? 'unknown',
    );
  }
  await verifier.close();
  // The thread pool is node:crypto's: on the neutral build it is refused when building.
  try {
    createVerifier({ issuers: fixture.issuers.map((idp) => oidcIssuer(idp)), threadPool: true });
    verdicts['threadPool'] = 'accepted';
  } catch (error) {
    verdicts['threadPool'] = (error as Error).name;
  }
  return verdicts;
}
