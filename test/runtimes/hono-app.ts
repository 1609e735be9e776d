// The Hono app hono-workerd.test.ts bundles with the built @tokengate/hono, @tokengate/core and
// hono, and serves with workerd: written as a Worker's author would, the middleware built once
// at module scope. Plain ESM with no Node API: only `fetch` reaches the issuer's JWKS.
import { anyGroup, authenticate, authorize, cognitoIssuer } from '@tokengate/hono';
import { Hono } from 'hono';

export interface HonoAppFixture {
  readonly userPoolId: string;
  readonly clientId: string;
  /** The loopback issuer's URL; its JWKS is `<issuer>/.well-known/jwks.json`. */
  readonly issuer: string;
}

/** `/health` public, `/me` for any verified token, `/admin` for the `admin` group. */
export function createHonoApp(fixture: HonoAppFixture): Hono {
  const requireAuth = authenticate({
    realm: 'api',
    issuers: [
      cognitoIssuer({
        userPoolId: fixture.userPoolId,
        clientId: fixture.clientId,
        issuerOverride: fixture.issuer,
      }),
    ],
  });
  return new Hono()
    .get('/health', (c) => c.json({ ok: true }))
    .get('/me', requireAuth, (c) => c.json({ sub: c.get('auth').subject }))
    .get('/admin', requireAuth, authorize(anyGroup('admin')), (c) => c.json({ ok: true }));
}
