// Multi-tenant scale: memory per resolved tenant, and the cost of routing among 10,000 tenants
// against 10 in interleaved rounds. Each tenant is its own issuer with its own JWKS URL (served by
// one loopback server), so a tenant costs what it costs in production: a route, a resolver answer
// and a key set. Both sides verify the same number of distinct tokens in turn (N tokens: one
// per tenant on the large side, N / 10 per tenant on the small one), so the number of tenants
// is the only difference: the large verifier cycles through all its tenants, as a server with
// that many active tenants does, and both result caches hold as many verdicts.
//
// Two verifier pairs (10 and N tenants): `cache: false`, where every call is a full
// verification, and the default result cache with every tenant's token admitted, where every
// call is a hit that still re-checks its route and its key, so routing is most of its cost.
// Ratios (N ÷ 10) are computed within each round, then summarised as a median (min–max).
//
// Run: node --expose-gc bench/tenants.mjs [--rounds N]   (BENCH_TENANTS, default 10000;
// part of `pnpm bench`, which passes its --rounds)
import { createServer } from 'node:http';
import { createJwksCache, createVerifier, oidcIssuer } from '@tokengate/core';
import { createTestIssuer } from '@tokengate/testing';
import { markdownTable } from './markdown-table.mjs';
import { fixed, formatSummary, summarize, times } from './stats.mjs';

if (typeof globalThis.gc !== 'function') fail('run with node --expose-gc');
const SMALL = 10;
const TENANTS = integerIn('BENCH_TENANTS', process.env.BENCH_TENANTS, 10_000, SMALL + 1, 1_000_000);
const ROUNDS = roundsOf(process.argv.slice(2));
// Timed calls per verifier and round, after a tenth as many untimed ones.
const COLD_CALLS = 5000;
const WARM_CALLS = 500_000;

const idp = await createTestIssuer({ alg: 'ES256' });
const jwks = JSON.stringify(idp.jwks());
const server = createServer((_req, res) =>
  res.writeHead(200, { 'content-type': 'application/json' }).end(jwks),
);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
const issuerOf = (n) => `${origin}/tenants/${n}`;

const exp = Math.floor(Date.now() / 1000) + 3600;
/** N distinct tokens, the n-th from tenant `n % tenants`. */
async function mintTokens(tenants) {
  const minted = [];
  for (let n = 0; n < TENANTS; n += 1) {
    minted.push(
      await idp.sign({ iss: issuerOf(n % tenants), aud: idp.audience, exp, jti: `${n}` }),
    );
  }
  return minted;
}
const manyTokens = await mintTokens(TENANTS);
const fewTokens = await mintTokens(SMALL);

// The small side first: it also warms up the code the large side then runs.
const small = tenantVerifiers(SMALL, fewTokens);
await small.admitAll();
// Memory: resolve every tenant once (one token each) with the large cold verifier, whose result
// cache is off, so the heap it adds is the tenants' alone.
const before = heap();
const big = tenantVerifiers(TENANTS, manyTokens);
for (let n = 0; n < TENANTS; n += 1) await big.cold.verify(manyTokens[n]);
const perTenant = (heap() - before) / TENANTS;
await big.admitAll();

const rounds = [];
for (let round = 0; round < ROUNDS; round += 1) {
  process.stderr.write(`  tenants, round ${round + 1} of ${ROUNDS}…\n`);
  // Rotated order, so neither size always runs first or right after the other's garbage.
  const order = round % 2 === 0 ? [small, big] : [big, small];
  const measured = new Map(order.map((side) => [side, {}]));
  for (const side of order) measured.get(side).cold = await micros(side, 'cold', COLD_CALLS);
  for (const side of order) measured.get(side).warm = await micros(side, 'warm', WARM_CALLS);
  rounds.push({ small: measured.get(small), big: measured.get(big) });
}

printTable();
await Promise.all([big.close(), small.close()]);
server.close();
await idp.close();

/**
 * A cold and a warm verifier trusting tenants 0 … count − 1, sharing one JWKS cache, with the
 * `tokens` they take turns on.
 */
function tenantVerifiers(count, tokens) {
  const keySets = createJwksCache({ maxEntries: count });
  const options = {
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
    jwks: keySets,
  };
  const cold = createVerifier({ ...options, cache: false });
  // Room for every tenant's token, whatever the count (the default holds 10,000).
  const warm = createVerifier({ ...options, cache: { maxEntries: Math.max(10_000, count) } });
  return {
    tokens,
    cold,
    warm,
    cursor: { cold: 0, warm: 0 },
    /** Verifies every token twice on the warm verifier: the second admits it. */
    async admitAll() {
      for (let pass = 0; pass < 2; pass += 1) {
        for (const token of tokens) await warm.verify(token);
      }
    },
    async close() {
      await Promise.all([cold.close(), warm.close()]);
      await keySets.close();
    },
  };
}

/**
 * Mean CPU µs per `verify()` over `calls` timed calls, each on the side's next token in turn.
 * CPU time, not wall time: on a shared machine the latter also counts the time this process
 * waited for a core, which differs between two measurements more than routing does.
 */
async function micros(side, kind, calls) {
  const verifier = side[kind];
  const { tokens, cursor } = side;
  const next = () => {
    const token = tokens[cursor[kind]];
    cursor[kind] = (cursor[kind] + 1) % tokens.length;
    return token;
  };
  for (let i = 0; i < calls / 10; i += 1) await verifier.verify(next());
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i += 1) await verifier.verify(next());
  const { user, system } = process.cpuUsage(start);
  return (user + system) / calls;
}

function printTable() {
  const many = TENANTS.toLocaleString('en-US');
  const row = (label, kind) => [
    label,
    formatSummary(summarize(rounds.map((r) => r.small[kind])), fixed(1)),
    formatSummary(summarize(rounds.map((r) => r.big[kind])), fixed(1)),
    formatSummary(summarize(rounds.map((r) => r.big[kind] / r.small[kind])), times),
  ];
  console.log(
    `### Multi-tenant routing — ${SMALL} vs ${many} tenants (\`resolveIssuer\`, one issuer and JWKS each, ES256)\n`,
  );
  console.log(
    `${ROUNDS} interleaved round(s) of ${COLD_CALLS.toLocaleString('en-US')} cold and ${WARM_CALLS.toLocaleString('en-US')} warm calls per verifier; both sides take turns on ${many} distinct tokens (one per tenant, or ${(TENANTS / SMALL).toLocaleString('en-US')} per tenant), so only the number of tenants differs; median (min–max) across rounds, the ratio computed within each round.\n`,
  );
  console.log(
    markdownTable(
      ['measure', `${SMALL} tenants`, `${many} tenants`, `${many} ÷ ${SMALL}`],
      [
        row('CPU µs per verify, cold (`cache: false`: full verification)', 'cold'),
        row('CPU µs per verify, warm (cache hit: route and key re-checked)', 'warm'),
        [
          'heap per resolved tenant (route, resolver entry, key set)',
          '',
          `${(perTenant / 1024).toFixed(1)} KiB`,
          '',
        ],
      ],
    ),
  );
}

function heap() {
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

function roundsOf(argv) {
  if (argv.length === 0) return 3;
  const match = argv.length <= 2 ? /^--rounds(?:=(.+))?$/.exec(argv[0]) : null;
  const text = match === null ? undefined : (match[1] ?? argv[1]);
  if (match === null || text === undefined || argv.length !== (match[1] === undefined ? 2 : 1)) {
    fail(`usage: node --expose-gc bench/tenants.mjs [--rounds N], got ${argv.join(' ')}`);
  }
  return integerIn('--rounds', text, 3, 1, 50);
}

function integerIn(name, text, fallback, min, max) {
  if (text === undefined || text === '') return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    fail(`${name} must be an integer from ${min} to ${max}, got ${text}`);
  }
  return value;
}

function fail(message) {
  console.error(message);
  process.exit(2);
}
