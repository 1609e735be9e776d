// Revocation benchmark (not part of `pnpm test` or `pnpm bench`): `node bench/revocation.mjs`.
// Needs `redis-server` on PATH (see .ci/run) and the built packages (`pnpm install` builds them).
// 1. Per-request cost of the revocation check, answered from memory with 100 000 live entries:
//    `isRevoked` alone, and `verify()` on a verified-token cache hit, against no store.
// 2. Propagation: from `revokeSubject()` on instance A until instance B refuses the token, over
//    100 revocations (two stores with their own connections to one local Redis).
// Markdown to stdout, progress to stderr. ENTRIES, CHECKS and VERIFIES override the sizes.
import { spawn } from 'node:child_process';
import { setImmediate } from 'node:timers';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cognitoIssuer, createMemoryRevocationStore, createVerifier } from '@tokengate/core';
import { createTestIssuer } from '@tokengate/testing';
import { createRedisRevocationStore } from '@tokengate/redis';
import { markdownTable } from './markdown-table.mjs';

const ENTRIES = Number(process.env.ENTRIES ?? 100_000);
const CHECKS = Number(process.env.CHECKS ?? 2_000_000);
const VERIFIES = Number(process.env.VERIFIES ?? 200_000);
const PROPAGATIONS = 100;

const log = (message) => process.stderr.write(`${message}\n`);

async function startRedis() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  const dir = await mkdtemp(join(tmpdir(), 'tokengate-bench-redis-'));
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // Even if the benchmark crashes, no redis-server outlives it.
  process.once('exit', () => child.kill('SIGKILL'));
  child.on('error', () => {
    log('redis-server is not installed: run the apt step of .ci/run');
    process.exit(1);
  });
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (/Ready to accept connections/.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${out}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** ns per call of a synchronous function, best of 3 runs. */
function nsPerOp(iterations, fn) {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn(i);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / iterations);
  }
  return best;
}

/** ns per awaited call, best of 3 runs. */
async function nsPerAsyncOp(iterations, fn) {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) await fn(i);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / iterations);
  }
  return best;
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const redis = await startRedis();
const idp = await createTestIssuer({ kind: 'cognito' });
const shared = {
  url: redis.url,
  keyPrefix: 'bench:revoked:',
  channel: 'bench:revocations',
  maxEntries: ENTRIES + 1000,
};
const a = createRedisRevocationStore(shared);
const b = createRedisRevocationStore(shared);
const memory = createMemoryRevocationStore({ maxEntries: ENTRIES + 1000 });
await Promise.all([a.ready(), b.ready()]);

const verifierWith = (revocation) =>
  createVerifier({
    issuers: [
      cognitoIssuer({ issuerOverride: idp.issuer, jwksUri: idp.jwksUri, clientId: idp.clientId }),
    ],
    ...(revocation === undefined ? {} : { revocation }),
  });
const token = await idp.accessToken({ groups: ['admin'], scopes: ['openid', 'orders/read'] });
const verified = await verifierWith(undefined).verify(token);
// Every verifier fetches its keys now: the measuring loops below block the event loop, which
// would leave a pooled keep-alive connection to the local issuer stale.
const verifiers = [
  ['none', verifierWith(undefined)],
  ['memory store, 100k entries', verifierWith(memory)],
  ['@tokengate/redis near-cache, 100k entries', verifierWith(b)],
];
await Promise.all(verifiers.map(([, verifier]) => verifier.prewarm()));

log(`loading ${ENTRIES} entries through instance A…`);
const loadStart = performance.now();
const expiresAt = Math.floor(Date.now() / 1000) + 3600;
for (let i = 0; i < ENTRIES; i += 1000) {
  const batch = [];
  for (let j = i; j < i + 1000; j++) {
    const entry = { issuer: idp.issuer, tokenId: `bench-jti-${j}`, expiresAt };
    batch.push(a.revokeToken(entry), memory.revokeToken(entry));
  }
  await Promise.all(batch);
}
while (b.size < ENTRIES) await new Promise((resolve) => setTimeout(resolve, 20));
log(`loaded, and mirrored by B, in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);

log('measuring the check…');
const rows = [];
const checkB = nsPerOp(CHECKS, () => b.isRevoked(verified));
const checkMemory = nsPerOp(CHECKS, () => memory.isRevoked(verified));
const revokedToken = { ...verified, claims: { ...verified.claims, jti: 'bench-jti-5' } };
const checkHit = nsPerOp(CHECKS, () => b.isRevoked(revokedToken));
for (const [name, verifier] of verifiers) {
  await verifier.verify(token); // fills the verified-token cache
  const ns = await nsPerAsyncOp(VERIFIES, () => verifier.verify(token));
  rows.push([`verify() cache hit, revocation: ${name}`, ns.toFixed(0)]);
}
rows.push(
  ['isRevoked(), memory store, not revoked (4 lookups)', checkMemory.toFixed(0)],
  ['isRevoked(), redis near-cache, not revoked (4 lookups)', checkB.toFixed(0)],
  ['isRevoked(), redis near-cache, revoked by jti (1 lookup)', checkHit.toFixed(0)],
);

log(`measuring propagation over ${PROPAGATIONS} revocations…`);
const WARMUP = 5; // not counted: the first writes after the long synchronous loops above
const delays = [];
for (let i = -WARMUP; i < PROPAGATIONS; i++) {
  const subject = `bench-user-${i}`;
  const probe = { ...verified, subject, claims: { ...verified.claims, sub: subject } };
  const start = process.hrtime.bigint();
  const written = a.revokeSubject({ issuer: idp.issuer, subject });
  while (!b.isRevoked(probe)) await new Promise((resolve) => setImmediate(resolve));
  if (i >= 0) delays.push(Number(process.hrtime.bigint() - start) / 1e6);
  await written;
}
if (process.env.TRACE) log(delays.map((d) => d.toFixed(1)).join(' '));
delays.sort((x, y) => x - y);
// Sanity: B saw it through pub/sub, not from its own write.
if (
  !b.isRevoked({ ...verified, claims: { ...verified.claims, jti: `bench-jti-${ENTRIES - 1}` } })
) {
  throw new Error('B lost an entry');
}

console.log(
  `node ${process.version}, ${availableParallelism()} CPUs, load average ${loadavg()[0].toFixed(1)}, local redis-server\n`,
);
console.log('### Revocation check per request (ns/op, best of 3)\n');
console.log(markdownTable(['case', 'ns/op'], rows));
console.log(`\n### Propagation A → B over ${PROPAGATIONS} revocations (ms)\n`);
console.log(
  markdownTable(
    ['median', 'p99', 'max'],
    [[percentile(delays, 50), percentile(delays, 99), delays.at(-1)].map((ms) => ms.toFixed(2))],
    0,
  ),
);

await Promise.all([a.close(), b.close()]);
await idp.close();
await redis.stop();
