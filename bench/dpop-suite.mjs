// The cost of DPoP (RFC 9449) on the request path: one gate, the same cached access token,
// presented as a bearer token or as a DPoP-bound token with a fresh proof per request (the
// proof's signature, claims, `ath`, thumbprint and replay record are checked every time, cache
// hit or not). Next to them, raw `crypto.verify` of one proof's ES256 signature: the floor of
// what a proof can cost. Rounds are interleaved and rotated like the micro suite.
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { createGate, oidcIssuer } from '@tokengate/core';
import { createDpopKey, createTestIssuer } from '@tokengate/testing';
import { Bench } from 'tinybench';
import { formatRoundsTable } from './format-table.mjs';

export const DPOP_RAW = 'crypto.verify (one proof signature, ready key)';
const BEARER = 'gate: Bearer request (token cached)';
const DPOP = 'gate: DPoP request (token cached, fresh proof checked)';
const URL_ = 'https://api.example.com/orders';
const MINT_BATCH = 64;

/**
 * @param {{ rounds: number, iterations: number, warmup: number }} options
 */
export async function runDpopSuite({ rounds, iterations, warmup }) {
  const idp = await createTestIssuer({ kind: 'oidc', alg: 'ES256' });
  const gate = createGate({
    issuers: [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience })],
    publicOrigin: 'https://api.example.com',
  });
  try {
    const key = await createDpopKey({ alg: 'ES256' });
    const bearer = await idp.accessToken();
    const bound = await idp.accessToken({ dpop: key });
    // One proof per DPoP request: each is accepted once, so the pool is drawn without wrapping.
    const proofs = [];
    const size = rounds * (warmup + iterations) + 1;
    while (proofs.length < size) {
      const batch = Math.min(MINT_BATCH, size - proofs.length);
      proofs.push(
        ...(await Promise.all(
          Array.from({ length: batch }, () =>
            key.proof({ method: 'GET', url: URL_, accessToken: bound }),
          ),
        )),
      );
    }
    const bearerRequest = request(`Bearer ${bearer}`);
    let next = 0;
    const dpopRequest = () => request(`DPoP ${bound}`, proofs[next++]);
    const raw = rawProofCheck(proofs[0], key.publicJwk);

    // Each contender accepted before timing, so no row measures a refusal.
    if (!raw()) throw new Error('crypto.verify rejected the proof');
    if ((await gate.authenticate(bearerRequest))?.binding.type !== 'bearer')
      throw new Error('bearer');
    if ((await gate.authenticate(dpopRequest()))?.binding.type !== 'dpop') throw new Error('dpop');

    const contenders = [
      { name: DPOP_RAW, fn: raw, async: false },
      { name: BEARER, fn: () => gate.authenticate(bearerRequest), async: true },
      { name: DPOP, fn: () => gate.authenticate(dpopRequest()), async: true },
    ];
    const results = [];
    for (let round = 0; round < rounds; round++) {
      const bench = new Bench({
        name: `DPoP round ${round + 1}`,
        time: 0,
        iterations,
        warmupTime: 0,
        warmupIterations: warmup,
        throws: true,
      });
      for (let index = 0; index < contenders.length; index++) {
        const { name, fn, async } = contenders[(index + round) % contenders.length];
        bench.add(name, fn, { async });
      }
      await bench.run();
      const byName = new Map();
      for (const task of bench.tasks) {
        if (task.result.state !== 'completed') {
          throw new Error(`DPoP / ${task.name}: ${task.result.state}`, {
            cause: task.result.error,
          });
        }
        byName.set(task.name, { meanMs: task.result.latency.mean, p99Ms: task.result.latency.p99 });
      }
      results.push(byName);
    }
    return { names: contenders.map(({ name }) => name), rounds: results };
  } finally {
    await gate.close();
    await idp.close();
  }
}

function request(authorization, proof) {
  const rawHeaders = ['Host', 'api.example.com', 'Authorization', authorization];
  if (proof !== undefined) rawHeaders.push('DPoP', proof);
  return { rawHeaders, url: '/orders', method: 'GET' };
}

/** `crypto.verify` of one proof's ES256 signature with its key imported once. */
function rawProofCheck(proof, publicJwk) {
  const [header, payload, signature] = proof.split('.');
  const input = Buffer.from(`${header}.${payload}`);
  const bytes = Buffer.from(signature, 'base64url');
  const key = createPublicKey({ key: publicJwk, format: 'jwk' });
  const options = { key, dsaEncoding: 'ieee-p1363' };
  return () => cryptoVerify('sha256', input, options, bytes);
}

/**
 * Medians across rounds with (min–max); "× Bearer request" is the row's ops/s over the Bearer
 * request's in the same round, "× crypto.verify" over one raw proof check.
 */
export function formatDpopTable(suite) {
  return formatRoundsTable(suite, {
    raw: DPOP_RAW,
    title: '× Bearer request',
    against: (name) => (name === DPOP_RAW ? undefined : BEARER),
  });
}
