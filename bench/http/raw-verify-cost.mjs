// The crypto floor of one verification: `crypto.verify` of one token's signing input with a
// ready KeyObject on this thread, no decoding, no claims. The fresh-token ceiling adds it to the
// bare server's CPU per request.
import { verify } from 'node:crypto';

const WARMUP_CALLS = 500;
const MEASURE_MS = 1000;

/** Mean microseconds of one RS256 `crypto.verify` on `token`'s signing input. */
export function measureRawVerifyMicros(token, publicKey) {
  const dot = token.lastIndexOf('.');
  const data = Buffer.from(token.slice(0, dot), 'ascii');
  const signature = Buffer.from(token.slice(dot + 1), 'base64url');
  const once = () => {
    if (!verify('sha256', data, publicKey, signature)) throw new Error('crypto.verify rejected');
  };
  for (let index = 0; index < WARMUP_CALLS; index++) once();
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  // Check the clock every 100 calls so reading it costs nothing measurable.
  while (elapsed < MEASURE_MS) {
    for (let index = 0; index < 100; index++) once();
    calls += 100;
    elapsed = performance.now() - start;
  }
  return (elapsed * 1000) / calls;
}
