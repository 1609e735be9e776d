// Runs the code of the Cognito recipes in docs/recipes/ against local pools: the same calls,
// with keys served by the local issuer instead of AWS (issuerOverride / jwksUri).
import type { AddressInfo } from 'node:net';
import {
  cognitoIssuer,
  cognitoM2M,
  createVerifier,
  matchIssuer,
  oidcIssuer,
} from '@tokengate/core';
import {
  allScopes,
  anyGroup,
  authenticate,
  authorize,
  claimEquals,
  claimSatisfies,
  errorHandler,
} from '@tokengate/express';
import { tokengate } from '@tokengate/fastify';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let pool: TestIssuer;
let staff: TestIssuer;
let partner: TestIssuer;

beforeAll(async () => {
  [pool, staff, partner] = await Promise.all([
    createTestIssuer({
      kind: 'cognito',
      userPoolId: 'eu-west-1_AbCdEf123',
      clientId: '1example23456789',
    }),
    createTestIssuer({
      kind: 'cognito',
      userPoolId: 'eu-west-1_Staff12345',
      clientId: 'staff-app',
    }),
    createTestIssuer({ kind: 'oidc', audience: 'https://api.example.com' }),
  ]);
});
afterAll(() => Promise.all([pool.close(), staff.close(), partner.close()]));

const local = (idp: TestIssuer) => ({ issuerOverride: idp.issuer });

describe('docs/recipes/cognito-user-pool.md', () => {
  it('guards routes by group, scope, custom attribute and federated identity', async () => {
    const requireAuth = authenticate({
      issuers: [cognitoIssuer({ clientId: '1example23456789', ...local(pool) })],
    });
    const acmeStaff = claimEquals('custom:tenant', 'acme');
    const viaGoogle = claimSatisfies(
      'identities',
      (ids) =>
        Array.isArray(ids) &&
        ids.some((id) => (id as { providerName?: unknown })?.providerName === 'Google'),
    );
    const app = express();
    app.get('/me', requireAuth, (req, res) =>
      res.json({ sub: req.auth?.subject, groups: req.auth?.groups }),
    );
    app.get('/admin', requireAuth, authorize(anyGroup('admin')), (_req, res) =>
      res.json({ ok: true }),
    );
    app.get('/orders', requireAuth, authorize(allScopes('orders/read')), (_req, res) =>
      res.json([]),
    );
    app.get('/tenant', requireAuth, authorize(acmeStaff), (_req, res) =>
      res.json({ tenant: 'acme' }),
    );
    app.get('/google', requireAuth, authorize(viaGoogle), (_req, res) => res.json({ ok: true }));
    app.use(errorHandler());
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const call = async (path: string, token: string) =>
      (await fetch(base + path, { headers: { authorization: `Bearer ${token}` } })).status;
    try {
      const federated = await pool.accessToken({
        groups: ['eu-west-1_AbCdEf123_Google'],
        scopes: ['orders/read'],
        claims: {
          'custom:tenant': 'acme',
          identities: [{ providerName: 'Google', providerType: 'Google', userId: '1' }],
        },
      });
      const plain = await pool.accessToken({
        groups: ['admin'],
        claims: { 'custom:tenant': 'other' },
      });
      expect([
        await call('/me', federated),
        await call('/admin', federated),
        await call('/admin', plain),
      ]).toEqual([200, 403, 200]);
      expect([await call('/orders', federated), await call('/orders', plain)]).toEqual([200, 403]);
      expect([await call('/tenant', federated), await call('/tenant', plain)]).toEqual([200, 403]);
      expect([await call('/google', federated), await call('/google', plain)]).toEqual([200, 403]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('docs/recipes/cognito-m2m.md', () => {
  it('lets one service client with its scope in, and no one else', async () => {
    const app = Fastify();
    await app.register(tokengate, {
      issuers: [
        cognitoIssuer({ clientId: ['billing-svc-client', 'reports-svc-client'], ...local(pool) }),
      ],
    });
    const billingCanRead = cognitoM2M({
      clientIds: ['billing-svc-client'],
      scopes: ['orders-api/orders.read'],
    });
    app.get('/internal/orders', { config: { auth: billingCanRead } }, async () => []);
    const call = async (token: string) =>
      (await app.inject({ url: '/internal/orders', headers: { authorization: `Bearer ${token}` } }))
        .statusCode;
    try {
      const billing = await pool.m2mToken({
        clientId: 'billing-svc-client',
        scopes: ['orders-api/orders.read'],
      });
      const reports = await pool.m2mToken({
        clientId: 'reports-svc-client',
        scopes: ['orders-api/orders.read'],
      });
      const noScope = await pool.m2mToken({
        clientId: 'billing-svc-client',
        scopes: ['orders-api/orders.write'],
      });
      const user = await pool.accessToken({
        clientId: 'billing-svc-client',
        scopes: ['orders-api/orders.read'],
      });
      expect([
        await call(billing),
        await call(reports),
        await call(noScope),
        await call(user),
      ]).toEqual([200, 403, 403, 403]);
    } finally {
      await app.close();
    }
  });
});

describe('docs/recipes/several-pools.md', () => {
  it('routes each token to its own pool and never mixes keys', async () => {
    const verifier = createVerifier({
      issuers: [
        cognitoIssuer({ clientId: '1example23456789', ...local(pool) }),
        cognitoIssuer({ clientId: 'staff-app', ...local(staff) }),
        oidcIssuer({
          issuer: partner.issuer,
          jwksUri: partner.jwksUri,
          audience: 'https://api.example.com',
        }),
      ],
    });
    await expect(verifier.verify(await pool.accessToken())).resolves.toMatchObject({
      issuer: pool.issuer,
    });
    await expect(verifier.verify(await staff.accessToken())).resolves.toMatchObject({
      issuer: staff.issuer,
    });
    await expect(verifier.verify(await partner.accessToken())).resolves.toMatchObject({
      issuer: partner.issuer,
    });
    const crossed = await pool.accessToken({
      clientId: 'staff-app',
      claims: { iss: staff.issuer },
    });
    await expect(verifier.verify(crossed)).rejects.toMatchObject({ status: 401 });
  });
});

describe('docs/recipes/tenant-per-pool.md', () => {
  it('trusts pools found in the tenant table, once each; refuses others; 503 when the table is down', async () => {
    const tenants = new Map([['eu-west-1_AbCdEf123', { appClientId: '1example23456789' }]]);
    let databaseUp = true;
    let lookups = 0;
    const findByPoolId = async (poolId: string) => {
      lookups += 1;
      if (!databaseUp) throw new Error('database down');
      return tenants.get(poolId);
    };
    const verifier = createVerifier({
      resolveIssuer: matchIssuer(
        /^http:\/\/127\.0\.0\.1:\d+\/(eu-west-1_[0-9A-Za-z]+)$/,
        async (iss, [, poolId]) => {
          const tenant = await findByPoolId(poolId ?? '');
          return tenant && cognitoIssuer({ clientId: tenant.appClientId, issuerOverride: iss });
        },
      ),
      resolverCache: { maxEntries: 10_000 },
      jwks: { maxEntries: 10_000 },
    });
    await verifier.verify(await pool.accessToken());
    await verifier.verify(await pool.accessToken());
    expect(lookups).toBe(1);
    staff.resetStats();
    await expect(verifier.verify(await staff.accessToken())).rejects.toMatchObject({
      code: 'ISSUER_UNKNOWN',
    });
    expect(staff.stats.jwksRequests).toBe(0);
    databaseUp = false;
    const other = await createTestIssuer({ kind: 'cognito', userPoolId: 'eu-west-1_NewTenant1' });
    try {
      await expect(verifier.verify(await other.accessToken())).rejects.toMatchObject({
        status: 503,
      });
    } finally {
      await other.close();
    }
  });
});

describe('docs/recipes/cognito-multi-region.md', () => {
  it('trusts the home region and its replica, prewarms past a 403 on the updated form', async () => {
    const poolId = 'eu-west-1_AbCdEf123';
    const aws = (host: string, region: string) =>
      `https://${host}.${region}.amazonaws.com/${poolId}`;
    // Local stand-ins for AWS: each writes the real `iss` and serves its own keys on loopback.
    const regions = await Promise.all(
      [
        aws('cognito-idp', 'eu-west-1'),
        aws('issuer-cognito-idp', 'eu-west-1'),
        aws('cognito-idp', 'us-east-1'),
        aws('issuer-cognito-idp', 'us-east-1'),
        aws('cognito-idp', 'ap-south-1'),
      ].map((issuer) =>
        createTestIssuer({
          kind: 'cognito',
          userPoolId: poolId,
          clientId: '1example23456789',
          issuer,
        }),
      ),
    );
    const [home, homeUpdated, replica, , unlisted] = regions as [
      TestIssuer,
      TestIssuer,
      TestIssuer,
      TestIssuer,
      TestIssuer,
    ];
    // The JWKS cache's `fetch` seam, as a proxy would use it: AWS URLs go to the stand-ins.
    const routed: typeof fetch = (input, init) => {
      const url = String(input);
      const idp = regions.find((r) => `${r.issuer}/.well-known/jwks.json` === url);
      return idp === undefined
        ? Promise.reject(new Error(`unexpected ${url}`))
        : fetch(idp.jwksUri, init);
    };
    const logged: string[] = [];
    const console = { info: (line: string) => logged.push(line) };
    try {
      await homeUpdated.outage('error', { status: 403 }); // this pool never opted in
      const pool = cognitoIssuer({
        userPoolId: 'eu-west-1_AbCdEf123',
        clientId: '1example23456789',
        replicaRegions: ['us-east-1'],
        issuerFormats: ['original', 'updated'],
      });
      const verifier = createVerifier({
        issuers: [pool],
        jwks: { fetch: routed },
        onEvent(event) {
          if (event.type === 'prewarm' && event.secondary && !event.ok) {
            console.info(`keys of ${event.issuer} not loaded at startup: ${event.error}`);
          }
        },
      });
      await verifier.prewarm();
      expect(logged).toEqual([`keys of ${homeUpdated.issuer} not loaded at startup: HTTP 403`]);
      await expect(verifier.verify(await replica.accessToken())).resolves.toMatchObject({
        issuer: replica.issuer,
      });
      await expect(verifier.verify(await unlisted.accessToken())).rejects.toMatchObject({
        code: 'ISSUER_UNKNOWN',
      });
      const crossSigned = await home.accessToken({ claims: { iss: replica.issuer } });
      await expect(verifier.verify(crossSigned)).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
      await home.outage('error', { status: 503 });
      const cold = createVerifier({ issuers: [pool], jwks: { fetch: routed } });
      await expect(cold.prewarm()).rejects.toMatchObject({ status: 503 });
    } finally {
      await Promise.all(regions.map((r) => r.close()));
    }
  });
});
