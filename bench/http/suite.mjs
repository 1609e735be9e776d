// The HTTP suite: every server of `servers.mjs` in its own process, loaded by autocannon from
// this one, first with one reused token (the common case), then with a pool of distinct tokens
// (every verification cold). Progress goes to stderr so stdout stays Markdown.
import { decodeJwt } from 'jose';
import { startBenchIssuer, TOKEN_OPTIONS } from '../bench-issuer.mjs';
import { startChildServer } from './child-server.mjs';
import { rotate, runLoad } from './load.mjs';
import { forgeSignature, probeServer } from './probe.mjs';
import { measureRawVerifyMicros } from './raw-verify-cost.mjs';
import { SERVERS } from './servers.mjs';
import { mintTokenPool } from './token-pool.mjs';

/**
 * @param {{ seconds: number, warmupSeconds: number, poolSize: number }} options
 */
export async function runHttpSuite({ seconds, warmupSeconds, poolSize }) {
  const { issuer, env } = await startBenchIssuer();
  try {
    const token = await issuer.accessToken(TOKEN_OPTIONS);
    const tokens = { token, forged: forgeSignature(token), sub: decodeJwt(token).sub };
    progress(`minting ${poolSize.toLocaleString('en-US')} tokens…`);
    const pool = await mintTokenPool(issuer, poolSize, TOKEN_OPTIONS);
    const [key] = issuer.keys();
    if (key === undefined) throw new Error('the bench issuer has no key');
    const rawVerifyMicros = measureRawVerifyMicros(token, key.publicKey);

    const rows = [];
    const skipped = [];
    // BENCH_SERVERS=fastify runs only the servers whose file name contains it.
    const only = process.env.BENCH_SERVERS;
    for (const server of SERVERS.filter((s) => only === undefined || s.file.includes(only))) {
      try {
        rows.push(await benchServer(server, { env, tokens, pool, seconds, warmupSeconds }));
      } catch (error) {
        // A peer that cannot run here must not sink the whole suite; the reason is reported.
        skipped.push({ ...server, reason: error instanceof Error ? error.message : String(error) });
        progress(`${server.framework} / ${server.name}: skipped: ${skipped.at(-1).reason}`);
      }
    }
    return { rows, skipped, rawVerifyMicros, tokenBytes: token.length };
  } finally {
    await issuer.close();
  }
}

async function benchServer(server, { env, tokens, pool, seconds, warmupSeconds }) {
  const child = await startChildServer(server.file, env);
  try {
    const { url } = child;
    await probeServer(url, server, tokens);
    const bare = server.kind === 'bare';
    // One rotation for the warm-up and every segment: a token comes back only after a full lap.
    const nextToken = rotate(pool);
    // JIT and key caches warm up on unmeasured traffic, the same amount for every server. Some
    // peers keep speeding up for several seconds, so an authenticating server warms up on both
    // kinds of token; otherwise whichever scenario ran first would be handicapped.
    await runLoad({ url, seconds: bare ? 2 * warmupSeconds : warmupSeconds, token: tokens.token });
    if (!bare) await runLoad({ url, seconds: warmupSeconds, nextToken });

    const reused = await measure(child, seconds, (segment) =>
      runLoad({ url, seconds: segment, token: tokens.token }),
    );
    report(server, 'reused token', reused);
    // Tokens do not matter to a server that does not verify them: one run is its baseline.
    if (bare) return { ...server, reused, fresh: undefined };
    const fresh = await measure(child, seconds, (segment) =>
      runLoad({ url, seconds: segment, nextToken }),
    );
    report(server, 'fresh tokens', fresh);
    return { ...server, reused, fresh };
  } finally {
    await child.stop();
  }
}

/**
 * Measures `seconds` of load as one-second segments and keeps the fastest, like the micro
 * suite keeps its best round: on a shared 2-core host another process can take a core for a
 * moment, and the best segment is the one it disturbed least. The server's CPU time over that
 * segment is charged to its requests. Failures count over all segments.
 */
async function measure(child, seconds, load) {
  const segments = Math.max(1, Math.round(seconds));
  let best;
  let non2xx = 0;
  let errors = 0;
  for (let index = 0; index < segments; index++) {
    const before = await child.cpuMicros();
    const result = await load(seconds / segments);
    const after = await child.cpuMicros();
    non2xx += result.non2xx;
    errors += result.errors;
    const cpuMicrosPerRequest = (after - before) / result.requests;
    if (best === undefined || result.reqPerSec > best.reqPerSec) {
      best = { ...result, cpuMicrosPerRequest };
    }
  }
  return { ...best, non2xx, errors };
}

function report(server, scenario, result) {
  const line = `${server.framework} / ${server.name} / ${scenario}: ${Math.round(result.reqPerSec)} req/s, p99 ${result.p99Ms} ms, ${result.cpuMicrosPerRequest.toFixed(1)} µs CPU/req`;
  progress(line);
  if (result.non2xx > 0 || result.errors > 0) {
    progress(
      `WARNING: ${server.framework} / ${server.name} / ${scenario}: ${result.non2xx} non-2xx responses, ${result.errors} errors`,
    );
  }
}

function progress(message) {
  process.stderr.write(`  ${message}\n`);
}
