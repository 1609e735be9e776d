// Multi-tenant scale: memory per resolved tenant and routing cost at 10 000 tenants.
// Each tenant is its own issuer with its own JWKS URL (served by one loopback server), so a
// tenant costs what it costs in production: a route, a resolver answer and a key set.
// Run: node --expose-gc bench/tenants.mjs   (part of `pnpm bench`)
import { createServer } from 'node:http';
import { createVerifier, oidcIssuer } from '@tokengate/core';
import { createTestIssuer } from '@tokengate/testing';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 10_000);
const idp = await createTestIssuer({ alg: 'ES256' });
const jwks = JSON.stringify(idp.jwks());
const server = createServer((_req, res) =>
  res.writeHead(200, { 'content-type': 'application/json' }).end(jwks),
);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
const issuerOf = (n) => `${origin}/tenants/${n}`;

function verifierFor(count) {
  return createVerifier({
    cache: false,
    resolveIssuer: (iss) => {
      const n = Number(iss.slice(iss.lastIndexOf('/') + 1));
      return Number.isInteger(n) && n < count
        ? oidcIssuer({
            issuer: iss,
            jwksUri: `${iss}/jwks.json`,
            audience: idp.audience,
            algorithms: ['ES256'],
          })
        : undefined;
    },
    resolverCache: { maxEntries: count },
    jwks: { maxEntries: count },
  });
}

const tokenFor = (n) =>
  idp.sign({ iss: issuerOf(n), aud: idp.audience, exp: Math.floor(Date.now() / 1000) + 3600 });
const heap = () => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
};

// Memory: resolve every tenant once (one token each), then compare the heap.
const tokens = [];
for (let n = 0; n < TENANTS; n += 1) tokens.push(await tokenFor(n));
const before = heap();
const big = verifierFor(TENANTS);
for (let n = 0; n < TENANTS; n += 1) await big.verify(tokens[n]);
const perTenant = (heap() - before) / TENANTS;

// Routing: verify cost for a warm tenant with 10 vs 10 000 tenants loaded.
const small = verifierFor(10);
for (let n = 0; n < 10; n += 1) await small.verify(tokens[n]);
async function meanMicros(verifier, token, rounds = 3000) {
  for (let i = 0; i < 300; i += 1) await verifier.verify(token);
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i += 1) await verifier.verify(token);
  return Number(process.hrtime.bigint() - start) / rounds / 1000;
}
const atSmall = await meanMicros(small, tokens[5]);
const atBig = await meanMicros(big, tokens[TENANTS - 5]);

console.log(
  `| tenants | heap per tenant | verify µs (10 tenants) | verify µs (${TENANTS} tenants) | ratio |`,
);
console.log('|---:|---:|---:|---:|---:|');
console.log(
  `| ${TENANTS} | ${(perTenant / 1024).toFixed(1)} KiB | ${atSmall.toFixed(1)} | ${atBig.toFixed(1)} | ${(atBig / atSmall).toFixed(2)}× |`,
);
server.close();
await idp.close();
