// The memory check of the "Speed" issue for tokens that DO verify: 1,000,000 distinct valid
// tokens through one `@tokengate/core` verifier with its default result cache (10,000 entries,
// 32 MiB) must leave the heap bounded by that cache and flat. Two modes, each in a fresh process
// (bench/valid-token-phase.mjs): every token verified once (nothing is admitted), and every token
// verified twice (each is admitted, so the cache is full and churning). Prints Markdown.
//
// ES256, not the RS256 of the other suites: two million tokens are signed (a million per mode),
// at ~40 µs each with ES256 on this 2-core host against ~330 µs with RS256, which would add
// five minutes of minting per mode. What is measured is the verifier's heap and GC, which the
// algorithm barely changes; its rate is lower than with RS256, whose check is cheaper to verify
// than ES256's (see the micro suite).
//
// Usage: node bench/valid-token-flood.mjs   (BENCH_VALID_TOKENS=20000 for a smoke run)
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startBenchIssuer, TOKEN_OPTIONS } from './bench-issuer.mjs';
import { markdownTable } from './markdown-table.mjs';

const TOKENS = tokenCount(process.env.BENCH_VALID_TOKENS);
const PHASE = fileURLToPath(new URL('./valid-token-phase.mjs', import.meta.url));

const { issuer, env } = await startBenchIssuer({ alg: 'ES256' });
let results;
try {
  const template = await issuer.accessToken(TOKEN_OPTIONS);
  const [headerSegment, payloadSegment] = template.split('.');
  const setup = {
    headerSegment,
    claims: JSON.parse(Buffer.from(payloadSegment, 'base64url').toString()),
    privateJwk: issuer.keys()[0].privateKey.export({ format: 'jwk' }),
  };
  results = [];
  // One after the other, never together: each mode has both cores while it runs.
  for (const mode of ['once', 'twice']) {
    process.stderr.write(`  valid-token flood, each token verified ${mode}…\n`);
    results.push(await runPhase({ mode, tokens: TOKENS, env, setup: { ...setup, prefix: mode } }));
  }
} finally {
  await issuer.close();
}
printTables(results);

function runPhase(message) {
  return new Promise((resolve, reject) => {
    const child = fork(PHASE, [], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result;
    child.on('message', (reply) => (result = reply.result));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 && result !== undefined
        ? resolve(result)
        : reject(new Error(`valid-token phase "${message.mode}" exited with code ${code}`)),
    );
    child.send(message);
  });
}

function printTables([once, twice]) {
  const count = once.tokens.toLocaleString('en-US');
  console.log(
    `### Valid-token flood (\`@tokengate/core\` in-process, default cache: 10,000 entries / 32 MiB)\n`,
  );
  console.log(
    `${count} distinct valid ES256 Cognito access tokens of ${once.tokenBytes} bytes, minted by child processes while the measured one waits; batches of ${once.batch.toLocaleString('en-US')} concurrent \`verify()\` calls; each column a fresh process.\n`,
  );
  const row = (label, format) => [label, format(once), format(twice)];
  console.log(
    markdownTable(
      ['measure', 'each token verified once', 'each token verified twice (admitted)'],
      [
        row('verifications (all accepted)', (r) => r.verifications.toLocaleString('en-US')),
        row(
          'verifications/s; CPU µs per verification',
          (r) =>
            `${integer(r.verifications / r.seconds)}; ${(r.cpuMicros / r.verifications).toFixed(1)} µs`,
        ),
        row(
          'GC pauses: share of CPU (scavenges / mark-compacts)',
          (r) =>
            `${((100 * r.gcMillis * 1000) / r.cpuMicros).toFixed(1)} % (${integer(r.minorGcs)} / ${integer(r.majorGcs)})`,
        ),
        row(
          'heap used after `gc()`: before → after',
          (r) =>
            `${mb(r.heapBefore)} → ${mb(r.samples.at(-1))} MB (${signedMb(r.samples.at(-1) - r.heapBefore)} MB)`,
        ),
        row('heap after `gc()`: lowest–highest sample (spread)', (r) => {
          const low = Math.min(...r.samples);
          const high = Math.max(...r.samples);
          return `${mb(low)}–${mb(high)} MB (${mb(high - low)} MB)`;
        }),
        row(`heap after each ${integer(once.sampleEvery)} tokens, MB`, (r) =>
          r.samples.map(mb).join(', '),
        ),
        row(
          'peak heap used; peak RSS',
          (r) => `${mb(r.peakHeapUsed)} MB; ${mb(Math.max(r.maxRss, r.peakRssSampled))} MB`,
        ),
        row(
          'verdicts in the cache at the end (newest tokens probed)',
          (r) => `${integer(r.cacheEntries)} of ${integer(r.probed)}`,
        ),
      ],
    ),
  );
  console.log(
    `\nCPU, wall time and GC pauses are counted only while a batch is being verified (minting took ${once.mintSeconds.toFixed(0)} s and ${twice.mintSeconds.toFixed(0)} s outside them). Peak heap is sampled after every batch, before any forced collection, with the current ${once.chunk.toLocaleString('en-US')} minted tokens still held; peak RSS is the process's high-water mark.`,
  );
}

function tokenCount(text) {
  if (text === undefined || text === '') return 1_000_000;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1000) {
    console.error(`BENCH_VALID_TOKENS must be an integer of at least 1000, got ${text}`);
    process.exit(2);
  }
  return value;
}

function integer(value) {
  return Math.round(value).toLocaleString('en-US');
}

function mb(bytes) {
  return (bytes / 1024 / 1024).toFixed(1);
}

function signedMb(bytes) {
  return `${bytes >= 0 ? '+' : ''}${mb(bytes)}`;
}
