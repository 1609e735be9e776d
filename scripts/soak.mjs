// pnpm soak: the three adapters under mixed traffic while the IdP rotates keys and goes down.
//
// One local Cognito-shaped issuer (in this process) and three servers (Express, Koa, Fastify;
// child processes, so their memory figures are their own) serving the same protected API. For
// SOAK_SECONDS (default 180) a bounded set of keep-alive loopback connections (SOAK_CONNECTIONS,
// default 15, split evenly) sends valid tokens (reused and fresh), expired, tampered, unknown-kid,
// garbage, missing and wrong-scope requests. Meanwhile, at fixed fractions of the run: a key
// rotation, the old key's removal, a JWKS outage (HTTP 503, then a hanging body) with a key
// published during it, and recovery. Every response is checked against what the issuer was doing
// when the request was sent and answered (scripts/soak/model.mjs); the run fails on any false
// accept, false reject outside the documented windows, 5xx other than a deliberate 503, request
// without an answer, latency past the JWKS deadline plus a margin, or unbounded memory.
//
// Runs the built packages (dist/, built by `pnpm install` / `pnpm build`). Not part of `pnpm test`.
import { fork } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createTestIssuer } from '@tokengate/testing';
import { allowedStatuses, classify, createWorld, windowsFor } from './soak/model.mjs';
import { createTraffic, send } from './soak/traffic.mjs';
import { BREACHES, createTally, latencySummary, mb, ms, record, table } from './soak/report.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ADAPTERS = ['express', 'koa', 'fastify'];
const SECONDS = positiveNumber('SOAK_SECONDS', 180);
const PER_ADAPTER = Math.max(1, Math.floor(positiveNumber('SOAK_CONNECTIONS', 15) / 3));

// Production-like proportions, shrunk so that a 3-minute run sees many refreshes.
const JWKS = { timeoutMs: 1000, minTtlMs: 5000, maxTtlMs: 5000, cooldownMs: 1000 };
// Small enough to fill up during the run, so a memory plateau is visible.
const CACHE = { maxEntries: 2000, maxTtlMs: 600_000 };
const SLACK_MS = 1000;
const REQUEST_TIMEOUT_MS = 5000;
const LATENCY_LIMIT_MS = JWKS.timeoutMs + 1500;
/** Reported (not a breach by itself): a request that waited longer than one JWKS deadline. */
const SLOW_AFTER_MS = JWKS.timeoutMs + 250;
const HEAP_GROWTH_LIMIT = 16 * 1024 * 1024;
const RSS_LIMIT = 256 * 1024 * 1024;

function positiveNumber(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0)) {
    console.error(`${name} must be a positive number, got ${raw}`);
    process.exit(2);
  }
  return value;
}

const range = (n) => Array.from({ length: n }, (_, i) => i);

// ---------------------------------------------------------------------------------------------
// The issuer, its keys and pre-minted tokens

const idp = await createTestIssuer({ kind: 'cognito' });
const world = createWorld(windowsFor(JWKS, SLACK_MS));
const { pools, mintPools, nextRequest } = createTraffic(idp, world);
const startedAt = Date.now();
const elapsed = () => ((Date.now() - startedAt) / 1000).toFixed(1);

async function worker(server, endAt) {
  const { port, agent, tally } = server;
  while (Date.now() < endAt) {
    const request = await nextRequest();
    const sentAt = Date.now();
    const t0 = performance.now();
    const response = await send(port, agent, request, REQUEST_TIMEOUT_MS);
    const latency = performance.now() - t0;
    const answeredAt = Date.now();
    const label = () =>
      `t=${((sentAt - startedAt) / 1000).toFixed(1)}s..${((answeredAt - startedAt) / 1000).toFixed(1)}s ${request.kind} kid=${request.kid === undefined ? 'rogue' : (request.kid?.slice(0, 8) ?? '-')}`;
    if (response.error !== undefined) {
      record(tally, 'failed', 'none', latency, () => `${label()}: ${response.error}`, Infinity);
      continue;
    }
    const expectation = allowedStatuses(world, request, sentAt, answeredAt);
    const category = classify(request, response, expectation);
    record(
      tally,
      category,
      response.status,
      latency,
      () =>
        `${label()}: ${category}, got ${response.status} (allowed ${[...expectation.allowed].join('/')}) ${response.body.slice(0, 120)}`,
      SLOW_AFTER_MS,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Servers

function startServer(adapter) {
  const child = fork(join(ROOT, 'scripts/soak/server.mjs'), [], {
    cwd: ROOT,
    execArgv: ['--expose-gc'],
    env: {
      ...process.env,
      SOAK_SERVER_CONFIG: JSON.stringify({
        adapter,
        issuer: idp.issuer,
        userPoolId: idp.userPoolId,
        clientId: idp.clientId,
        jwks: JWKS,
        cache: CACHE,
      }),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map();
  let nextId = 0;
  child.on('message', (message) => {
    if (message?.type === 'memory') {
      waiting.get(message.id)?.(message);
      waiting.delete(message.id);
    }
  });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${adapter} server not ready`)), 15_000);
    child.on('message', (message) => {
      if (message?.type !== 'ready') return;
      clearTimeout(timer);
      resolve(message.port);
    });
    child.once('exit', (code) => reject(new Error(`${adapter} server exited (${code})`)));
  });
  return {
    adapter,
    child,
    ready,
    memory(gc) {
      const id = (nextId += 1);
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        child.send({ type: 'memory', id, gc });
        setTimeout(() => {
          if (waiting.delete(id)) resolve(undefined);
        }, 5000);
      });
    },
  };
}

function stop(servers) {
  for (const { child } of servers) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.disconnect();
    setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 2000).unref();
  }
}

/** Packages whose src changed after their dist was built: the soak would test stale code. */
function staleBuilds() {
  const newest = (dir) => {
    let latest = 0;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
    }
    return latest;
  };
  return ['core', 'express', 'koa', 'fastify', 'testing'].filter((name) => {
    try {
      return (
        newest(join(ROOT, 'packages', name, 'src')) > newest(join(ROOT, 'packages', name, 'dist'))
      );
    } catch {
      return true;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The run

const stale = staleBuilds();
if (stale.length > 0) {
  console.warn(`warning: src is newer than dist for ${stale.join(', ')}; run \`pnpm build\` first`);
}

const firstKid = idp.currentKid;
world.publish(firstKid, Date.now());
pools.set(firstKid, await mintPools(firstKid));

const servers = ADAPTERS.map(startServer);
process.once('SIGINT', () => {
  stop(servers);
  process.exit(130);
});
try {
  for (const server of servers) {
    server.port = await server.ready;
    server.agent = new http.Agent({ keepAlive: true, maxSockets: PER_ADAPTER });
    server.tally = createTally();
    server.samples = [];
  }
} catch (error) {
  stop(servers);
  await idp.close();
  throw error;
}

const scale = SECONDS / 180;
const timeline = [];
const at = (second, label, action) => timeline.push({ ms: second * scale * 1000, label, action });
let outageFetches = 0;
at(30, 'rotation: new key published and signing', async () => {
  const kid = await idp.rotateKeys();
  world.publish(kid, Date.now());
  pools.set(kid, await mintPools(kid));
});
at(60, 'old key removed from the JWKS', () => {
  world.remove(firstKid, Date.now());
  idp.removeKey(firstKid);
});
at(90, "JWKS outage: 'error' (HTTP 503)", async () => {
  outageFetches = idp.stats.jwksRequests;
  world.outageBegins(Date.now());
  await idp.outage('error');
});
at(95, 'key published during the outage', async () => {
  const kid = await idp.addKey();
  world.publish(kid, Date.now());
  pools.set(kid, await mintPools(kid));
});
at(110, "JWKS outage: 'hang' (headers, then a body that never ends)", () => idp.outage('hang'));
at(120, 'recovery', async () => {
  await idp.recover();
  world.outageEnds(Date.now());
  outageFetches = idp.stats.jwksRequests - outageFetches;
});

const parentLoop = monitorEventLoopDelay({ resolution: 10 });
parentLoop.enable();
const runStart = Date.now();
const endAt = runStart + SECONDS * 1000;
console.log(
  `soak: ${SECONDS}s, ${PER_ADAPTER * 3} connections (${PER_ADAPTER} per adapter), issuer ${idp.issuer}`,
);
console.log(
  `jwks ${JSON.stringify(JWKS)}; windows ${JSON.stringify(windowsFor(JWKS, SLACK_MS))} ms`,
);

const workers = servers.flatMap((server) => range(PER_ADAPTER).map(() => worker(server, endAt)));

const sampleAll = async (label, gc) => {
  const results = await Promise.all(servers.map((server) => server.memory(gc)));
  servers.forEach((server, i) => results[i] && server.samples.push({ label, ...results[i] }));
};
const events = (async () => {
  for (const event of timeline) {
    const wait = runStart + event.ms - Date.now();
    if (wait > 0) await sleep(wait);
    console.log(`[${elapsed()}s] ${event.label}`);
    await event.action();
  }
})();
const monitor = (async () => {
  await sleep(Math.min(3000, (SECONDS * 1000) / 10));
  await sampleAll('start', true);
  let lastCounts = servers.map((s) => s.tally.requests);
  let lastAt = Date.now();
  let midDone = false;
  while (Date.now() < endAt - 1000) {
    await sleep(Math.min(5000, Math.max(0, endAt - Date.now() - 1000)));
    const mid = !midDone && Date.now() - runStart >= (SECONDS * 1000) / 2;
    if (mid) midDone = true;
    await sampleAll(mid ? 'mid' : 'tick', mid);
    const now = Date.now();
    const rates = servers.map(
      (s, i) =>
        `${s.adapter} ${Math.round(((s.tally.requests - lastCounts[i]) * 1000) / (now - lastAt))}/s`,
    );
    const breaches = servers.reduce(
      (sum, s) => sum + BREACHES.reduce((n, key) => n + s.tally[key], 0) + s.tally.failed,
      0,
    );
    console.log(`[${elapsed()}s] ${rates.join('  ')}  breaches ${breaches}`);
    lastCounts = servers.map((s) => s.tally.requests);
    lastAt = now;
  }
})();

await Promise.all(workers);
const runSeconds = (Date.now() - runStart) / 1000;
await Promise.all([events, monitor]);
await sampleAll('end', true);
parentLoop.disable();
for (const server of servers) server.agent.destroy();
stop(servers);
const totalJwksRequests = idp.stats.jwksRequests;
await idp.close();

// ---------------------------------------------------------------------------------------------
// Report

const failures = [];
const rows = [
  [
    'adapter',
    'requests',
    'req/s',
    'p50 ms',
    'p99 ms',
    'max ms',
    `>${SLOW_AFTER_MS} ms`,
    '503 ok',
    'win 401',
    'bad 5xx',
    'false acc',
    'false rej',
    'malformed',
    'mismatch',
    'no answer',
  ],
];
const memoryRows = [
  [
    'adapter',
    'rss start',
    'rss mid',
    'rss end',
    'rss peak',
    'heap start',
    'heap mid',
    'heap end',
    'loop max ms',
  ],
];
for (const server of servers) {
  const t = server.tally;
  const latency = latencySummary(t.latencies);
  rows.push([
    server.adapter,
    t.requests,
    Math.round(t.requests / runSeconds),
    ms(latency.p50),
    ms(latency.p99),
    ms(latency.max),
    t.slow,
    t.deliberate503,
    t.windowReject,
    t.unexpected5xx,
    t.falseAccept,
    t.falseReject,
    t.malformed,
    t.mismatch,
    t.failed,
  ]);
  for (const key of [...BREACHES, 'failed']) {
    if (t[key] > 0) failures.push(`${server.adapter}: ${t[key]} ${key}`);
  }
  if (!(latency.max <= LATENCY_LIMIT_MS)) {
    failures.push(`${server.adapter}: max latency ${ms(latency.max)} ms > ${LATENCY_LIMIT_MS} ms`);
  }
  const sample = (label) => server.samples.find((s) => s.label === label);
  const [start, mid, end] = [sample('start'), sample('mid'), sample('end')];
  const peak = Math.max(...server.samples.map((s) => s.rss));
  const loopMax = Math.max(...server.samples.map((s) => s.loopDelayMaxMs));
  memoryRows.push([
    server.adapter,
    ...[start, mid, end].map((s) => (s ? `${mb(s.rss)} MB` : '-')),
    `${mb(peak)} MB`,
    ...[start, mid, end].map((s) => (s ? `${mb(s.heapUsed)} MB` : '-')),
    ms(loopMax),
  ]);
  if (end === undefined || mid === undefined) {
    failures.push(`${server.adapter}: no memory sample (server unresponsive?)`);
  } else {
    if (end.heapUsed - mid.heapUsed > HEAP_GROWTH_LIMIT) {
      failures.push(
        `${server.adapter}: heap grew ${mb(end.heapUsed - mid.heapUsed)} MB in the second half`,
      );
    }
    if (end.rss > RSS_LIMIT) failures.push(`${server.adapter}: RSS ${mb(end.rss)} MB at the end`);
  }
}

console.log(`\nsoak finished: ${runSeconds.toFixed(0)}s of traffic`);
console.log(table(rows));
console.log('\nmemory (after a forced GC at start/mid/end; peak over 5-second samples)');
console.log(table(memoryRows));
console.log(
  `\nJWKS requests to the issuer: ${totalJwksRequests} in total, ${outageFetches} during the outage; ` +
    `load generator event-loop delay max ${ms(parentLoop.max / 1e6)} ms`,
);
for (const server of servers) {
  const statuses = [...server.tally.statuses]
    .sort()
    .map(([s, n]) => `${s}:${n}`)
    .join(' ');
  console.log(`${server.adapter} statuses ${statuses}`);
  for (const example of server.tally.examples) console.log(`  ${server.adapter} ✗ ${example}`);
  for (const example of server.tally.slowExamples)
    console.log(`  ${server.adapter} slow ${example}`);
}
if (failures.length === 0) {
  console.log(
    '\nPASS: no false accept, no false reject outside the documented windows, no unexpected 5xx, every request answered in time, memory bounded',
  );
} else {
  console.log(`\nFAIL:\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
}
