// One mode of the valid-token flood, in a process of its own so its heap, its GC and its peak
// RSS are its own (forked by bench/valid-token-flood.mjs with `--expose-gc`). It verifies
// distinct valid tokens, minted by child processes while it waits, through one verifier with the
// default result cache, and reports back one JSON result over IPC:
// - `once`: every token verified once, the path of a stream of one-off tokens. The cache admits
//   a token on its second verification, so nothing should be admitted (the probe says);
// - `twice`: every token verified twice in a row, so each is admitted on its second
//   verification and the cache sits at its bound (10,000 entries or 32 MiB) from then on.
// Only verification is timed: CPU, wall time and GC pauses are summed over the windows in
// which a batch is being verified; minting, heap sampling and forced collections fall outside.
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { setImmediate } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { cognitoIssuer, createVerifier } from '@tokengate/core';

// Tokens minted per request to the minters (split among them): small, so the measured process
// holds at most this many tokens beyond what the verifier keeps.
const CHUNK = 2000;
// Concurrent verifications, as in the forged-token flood: requests in flight on a busy server.
const BATCH = 1000;
const WARMUP_TOKENS = 4000;
// Newest tokens probed for a cached verdict at the end: the default cache's entry bound.
const PROBE = 10_000;
const MINTERS = Math.max(1, Math.min(availableParallelism(), 4));

const gc = globalThis.gc;
if (typeof gc !== 'function' || process.send === undefined) {
  console.error('forked by bench/valid-token-flood.mjs (node --expose-gc, with IPC)');
  process.exit(1);
}

// GC pauses as [startTime, duration, kind] triples, attributed to the verify windows at the end.
const gcEntries = [];
const observer = new PerformanceObserver((list) => record(list.getEntries()));
observer.observe({ entryTypes: ['gc'] });
function record(entries) {
  for (const entry of entries) gcEntries.push(entry.startTime, entry.duration, entry.detail?.kind);
}

const { mode, tokens: total, env, setup } = await nextMessage(process);
const minters = await startMinters(setup);
try {
  process.send({ result: await runPhase() });
} finally {
  for (const minter of minters) minter.disconnect();
}

async function runPhase() {
  const passes = mode === 'twice' ? 2 : 1;
  const sampleEvery = Math.max(CHUNK, Math.floor(total / 10 / CHUNK) * CHUNK);
  const build = () =>
    createVerifier({
      issuers: [
        cognitoIssuer({
          clientId: env.CLIENT_ID,
          issuerOverride: env.ISSUER,
          jwksUri: env.JWKS_URI,
          algorithms: ['ES256'],
        }),
      ],
    });

  // Warm up on a verifier of its own (JIT code, key import), then measure a fresh one from an
  // empty cache: the heap it grows to is the cache's, and must then stay flat.
  await warmUp(build(), passes);
  const verifier = build();
  await verifier.prewarm();
  const heapBefore = heapAfterGc();
  const probeFrom = Math.max(0, total - PROBE);
  const stats = {
    probeFrom,
    // Weak references to the results of the tokens from `probeFrom` on: a cached verdict keeps
    // its result alive, and a hit answers with that very object.
    probeResults: [],
    seconds: 0,
    cpuMicros: 0,
    windows: [],
    peakHeapUsed: 0,
    peakRss: 0,
    mintSeconds: 0,
    tokenBytes: 0,
  };
  const samples = [];
  for (let done = 0; done < total; done += CHUNK) {
    const count = Math.min(CHUNK, total - done);
    await mintAndVerify(verifier, done, count, passes, stats);
    // The chunk died with `mintAndVerify`'s frame: the heap after `gc()` is the verifier's.
    if ((done + count) % sampleEvery === 0 || done + count >= total) {
      samples.push(heapAfterGc());
      process.stderr.write(`    ${mode}: ${(done + count).toLocaleString('en-US')} tokens\n`);
    }
  }
  const cacheEntries = await countCached(
    verifier,
    await replay(total - probeFrom),
    stats.probeResults,
  );
  await verifier.close();

  await setImmediate();
  record(observer.takeRecords());
  const gcTotals = pausesWithin(stats.windows);
  return {
    mode,
    tokens: total,
    verifications: total * passes,
    tokenBytes: stats.tokenBytes,
    seconds: stats.seconds,
    cpuMicros: stats.cpuMicros,
    ...gcTotals,
    heapBefore,
    samples,
    sampleEvery,
    peakHeapUsed: stats.peakHeapUsed,
    peakRssSampled: stats.peakRss,
    // Kilobytes: the process's high-water mark, whatever sampling missed.
    maxRss: process.resourceUsage().maxRSS * 1024,
    cacheEntries,
    probed: total - probeFrom,
    mintSeconds: stats.mintSeconds,
    chunk: CHUNK,
    batch: BATCH,
  };
}

/** Runs the warm-up on `verifier`, then closes it; nothing of it stays reachable. */
async function warmUp(verifier, passes) {
  await verifier.prewarm();
  // Negative indices: the warm-up's tokens are distinct from the measured ones.
  await verifyChunk(verifier, await mint(-WARMUP_TOKENS, WARMUP_TOKENS), passes, undefined);
  await verifier.close();
}

/** Mints tokens `from` … `from + count − 1` (untimed), then verifies them. */
async function mintAndVerify(verifier, from, count, passes, stats) {
  const mintStart = performance.now();
  const tokens = await mint(from, count);
  stats.mintSeconds += (performance.now() - mintStart) / 1000;
  stats.tokenBytes = tokens[0].length;
  await verifyChunk(verifier, tokens, passes, stats, from);
}

/** Verifies `tokens` in batches of `BATCH`, each batch `passes` times in a row. */
async function verifyChunk(verifier, tokens, passes, stats, from = 0) {
  for (let start = 0; start < tokens.length; start += BATCH) {
    const batch = tokens.slice(start, start + BATCH);
    const wallStart = performance.now();
    const cpuStart = process.cpuUsage();
    let results;
    for (let pass = 0; pass < passes; pass += 1) {
      // A refusal rejects this and ends the run: a valid token must never be refused.
      results = await Promise.all(batch.map((token) => verifier.verify(token)));
    }
    const cpu = process.cpuUsage(cpuStart);
    const wallEnd = performance.now();
    if (stats !== undefined) {
      const first = from + start;
      for (let index = Math.max(first, stats.probeFrom); index < first + batch.length; index += 1) {
        stats.probeResults[index - stats.probeFrom] = new WeakRef(results[index - first]);
      }
      stats.seconds += (wallEnd - wallStart) / 1000;
      stats.cpuMicros += cpu.user + cpu.system;
      stats.windows.push(wallStart, wallEnd);
      // Before any forced collection: what the heap really reaches between batches.
      const { heapUsed, rss } = process.memoryUsage();
      stats.peakHeapUsed = Math.max(stats.peakHeapUsed, heapUsed);
      stats.peakRss = Math.max(stats.peakRss, rss);
    }
    // Yield to the event loop between batches, as a server does between requests.
    await setImmediate();
  }
}

/**
 * How many of `recent` (oldest first, `results[i]` a weak reference to the result `recent[i]`
 * last verified to) have a cached verdict, counted newest first up to the first miss: the cache
 * is an LRU filled in token order, so its entries are the newest tokens. Only the public API:
 * a hit answers with the cached result object itself, a miss builds a new one, and a result
 * no longer reachable (collected) was not cached.
 */
async function countCached(verifier, recent, results) {
  let cached = 0;
  for (let index = recent.length - 1; index >= 0; index -= 1) {
    const earlier = results[index]?.deref();
    if (earlier === undefined || (await verifier.verify(recent[index])) !== earlier) break;
    cached += 1;
  }
  return cached;
}

/** GC pauses that started inside a verify window: total ms, and counts by kind. */
function pausesWithin(windows) {
  let gcMillis = 0;
  let minor = 0;
  let major = 0;
  let window = 0;
  for (let index = 0; index < gcEntries.length; index += 3) {
    const start = gcEntries[index];
    while (window < windows.length && windows[window + 1] < start) window += 2;
    if (window >= windows.length) break;
    if (start < windows[window]) continue;
    gcMillis += gcEntries[index + 1];
    const kind = gcEntries[index + 2];
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) minor += 1;
    else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) major += 1;
  }
  return { gcMillis, minorGcs: minor, majorGcs: major };
}

function heapAfterGc() {
  gc();
  return process.memoryUsage().heapUsed;
}

async function startMinters(minterSetup) {
  const script = fileURLToPath(new URL('./valid-token-minter.mjs', import.meta.url));
  const children = Array.from({ length: MINTERS }, () =>
    fork(script, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  await Promise.all(
    children.map((child) => {
      const ready = nextMessage(child);
      child.send({ setup: { ...minterSetup, keep: PROBE } });
      return ready;
    }),
  );
  return children;
}

/** Tokens `from` … `from + count - 1`, minted in parallel by the minters, in index order. */
async function mint(from, count) {
  const share = Math.ceil(count / minters.length);
  const parts = await Promise.all(
    minters.map((minter, index) => {
      const start = from + index * share;
      const size = Math.max(0, Math.min(share, from + count - start));
      const reply = nextMessage(minter);
      minter.send({ mint: { from: start, count: size } });
      return reply;
    }),
  );
  return parts.flatMap((part) => part.tokens);
}

/** The newest `count` (at most `PROBE`) flood tokens, oldest first, as the minters remember them. */
async function replay(count) {
  const replies = await Promise.all(
    minters.map((minter) => {
      const reply = nextMessage(minter);
      minter.send({ replay: true });
      return reply;
    }),
  );
  // Negative indices are the warm-up's.
  const chunks = replies
    .flatMap((reply) => reply.chunks)
    .filter((chunk) => chunk.from >= 0)
    .sort((a, b) => a.from - b.from);
  return chunks.flatMap((chunk) => chunk.tokens).slice(-count);
}

function nextMessage(emitter) {
  return new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`minter exited with code ${code}`));
    emitter.once('exit', onExit);
    emitter.once('message', (message) => {
      emitter.off('exit', onExit);
      resolve(message);
    });
  });
}
