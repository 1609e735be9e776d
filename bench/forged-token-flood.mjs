// The memory and JWKS-amplification check of the "Speed" issue, run in-process on the built
// `@tokengate/core` (HTTP would only slow it down): 1,000,000 distinct forged or garbage
// tokens must not grow the heap, and 10,000 tokens with random `kid`s must not turn into
// 10,000 JWKS requests. Prints Markdown.
//
// Usage: node --expose-gc bench/forged-token-flood.mjs
import { setImmediate } from 'node:timers/promises';
import { cognitoIssuer, createVerifier } from '@tokengate/core';
import { startBenchIssuer, TOKEN_OPTIONS } from './bench-issuer.mjs';
import { createForgers } from './forged-tokens.mjs';
import { markdownTable } from './markdown-table.mjs';

const FLOOD_TOKENS = Number(process.env.BENCH_FLOOD_TOKENS ?? 1_000_000);
const UNKNOWN_KID_TOKENS = 10_000;
// Concurrent verifications per batch, like requests in flight on a busy server.
const BATCH = 1000;
const SAMPLE_EVERY = 250_000;
// The verifier's default `cooldownMs`, quoted in the output to read the fetch count against.
const DEFAULT_COOLDOWN_MS = 5000;

const gc = globalThis.gc;
if (typeof gc !== 'function') {
  console.error('run with node --expose-gc');
  process.exit(1);
}

const { issuer, env } = await startBenchIssuer();
try {
  const verifier = createVerifier({
    issuers: [
      cognitoIssuer({ clientId: env.CLIENT_ID, issuerOverride: env.ISSUER, jwksUri: env.JWKS_URI }),
    ],
  });
  await verifier.prewarm();
  const valid = await issuer.accessToken(TOKEN_OPTIONS);
  await verifier.verify(valid);
  const forgers = createForgers(valid);
  // Even tokens carry a forged signature under the real kid, odd ones are garbage.
  const floodToken = (index) => (index % 2 === 0 ? forgers.forged() : forgers.garbage());

  // Warm up first, so lazily built state (JIT code, caches at their steady size) is baseline.
  await verifyAll(verifier, 20_000, floodToken, new Map());
  const heapBefore = heapAfterGc();
  const codes = new Map();
  const samples = [];
  const floodStart = performance.now();
  for (let done = 0; done < FLOOD_TOKENS; done += BATCH) {
    await verifyAll(verifier, BATCH, (index) => floodToken(done + index), codes);
    if ((done + BATCH) % SAMPLE_EVERY === 0 || done + BATCH >= FLOOD_TOKENS) {
      samples.push(heapAfterGc());
    }
  }
  const floodSeconds = (performance.now() - floodStart) / 1000;
  const heapAfter = samples.at(-1);

  issuer.resetStats();
  const kidCodes = new Map();
  const kidStart = performance.now();
  await verifyAll(verifier, UNKNOWN_KID_TOKENS, () => forgers.unknownKid(), kidCodes, 100);
  const kidSeconds = (performance.now() - kidStart) / 1000;

  console.log(`### Forged-token flood (\`@tokengate/core\` in-process, default options)\n`);
  console.log(
    markdownTable(
      ['check', 'result'],
      [
        [
          `${FLOOD_TOKENS.toLocaleString('en-US')} distinct tokens (½ forged signature with the real kid, ½ garbage)`,
          `0 accepted, ${floodSeconds.toFixed(1)} s; ${describeCodes(codes)}`,
        ],
        [
          'heap used after `gc()`: before → after',
          `${mb(heapBefore)} → ${mb(heapAfter)} MB (${signedMb(heapAfter - heapBefore)} MB)`,
        ],
        [
          `heap after each ${SAMPLE_EVERY.toLocaleString('en-US')}`,
          samples.map((bytes) => `${mb(bytes)} MB`).join(', '),
        ],
        [
          `${UNKNOWN_KID_TOKENS.toLocaleString('en-US')} tokens with random \`kid\`s`,
          `${issuer.stats.jwksRequests} JWKS request(s) in ${kidSeconds.toFixed(1)} s (cooldown ${DEFAULT_COOLDOWN_MS / 1000} s); ${describeCodes(kidCodes)}`,
        ],
      ],
    ),
  );
} finally {
  await issuer.close();
}

/** Verifies `count` tokens from `make(index)` in concurrent batches; every one must fail. */
async function verifyAll(verifier, count, make, codes, batch = BATCH) {
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    const tokens = Array.from({ length: size }, (_, index) => make(start + index));
    const results = await Promise.allSettled(tokens.map((token) => verifier.verify(token)));
    // Rejections settle as microtasks; yield to the event loop between batches as a server
    // does between requests, or timers and sockets (the JWKS connection) would starve.
    await setImmediate();
    for (const result of results) {
      if (result.status === 'fulfilled') throw new Error('a forged token was accepted');
      const code = result.reason?.code ?? String(result.reason);
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
  }
}

function heapAfterGc() {
  gc();
  return process.memoryUsage().heapUsed;
}

function describeCodes(codes) {
  return [...codes]
    .sort(([, a], [, b]) => b - a)
    .map(([code, count]) => `${code} ${count.toLocaleString('en-US')}`)
    .join(', ');
}

function mb(bytes) {
  return (bytes / 1024 / 1024).toFixed(1);
}

function signedMb(bytes) {
  return `${bytes >= 0 ? '+' : ''}${mb(bytes)}`;
}
