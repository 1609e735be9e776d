// Micro benchmark of one token verification per algorithm, in interleaved rounds. Every
// library gets keys that are already imported and cached, and no network: what remains is
// decoding, signature and claims. Each round runs every contender once, in an order rotated
// per round; ratios are computed within a round by format-table.mjs.
import { verify as cryptoVerify } from 'node:crypto';
import { cognitoIssuer, createMemoryRevocationStore, createVerifier } from '@tokengate/core';
import { createTestIssuer } from '@tokengate/testing';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { Bench } from 'tinybench';

const USER_POOL_ID = 'us-east-1_Bench';
// A real-looking Cognito `iss`, so aws-jwt-verify accepts the tokens; JWKS stays on loopback.
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${USER_POOL_ID}`;
const CLIENT_ID = '1example23456789abcdefghij';
const MINT_BATCH = 64;

// Groups and scopes bring the RS256 token to ~1 KB, a typical Cognito access token.
const TOKEN_OPTIONS = {
  username: 'b3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  groups: ['orders-admin', 'billing-readers'],
  scopes: ['openid', 'email', 'tokengate-api/orders.read'],
};

export const RAW = 'crypto.verify (same token, ready key)';
export const TOKENGATE_COLD = 'tokengate verify (cold tokens)';

/**
 * Runs the suite for one algorithm: `rounds` rounds of every contender, raw `crypto.verify`
 * first in the returned names.
 *
 * Cold contenders verify distinct, never-seen tokens: warmups and timed calls of every round
 * draw from one pre-minted pool per contender without wrapping, so no result cache can help.
 *
 * @param {'RS256' | 'ES256' | 'EdDSA'} alg
 * @param {{ rounds: number, iterations: number, warmup: number }} options
 * @returns {Promise<{ names: string[], rounds: Map<string, { meanMs: number, p99Ms: number }>[],
 *   tokenBytes: number }>}
 */
export async function runVerifySuite(alg, { rounds, iterations, warmup }) {
  const issuer = await createTestIssuer({
    kind: 'cognito',
    alg,
    userPoolId: USER_POOL_ID,
    clientId: CLIENT_ID,
    issuer: ISSUER,
  });
  const verifiers = [];
  try {
    const pool = await mintPool(issuer, rounds * (warmup + iterations));
    // Its own token for the same-token contenders, so no cold contender ever meets it.
    const hot = await issuer.accessToken(TOKEN_OPTIONS);
    const [key] = issuer.keys();
    if (key === undefined) throw new Error('the test issuer has no key');
    const raw = rawVerifier(alg, key.publicKey, hot);

    const tokengateOptions = (extra) => ({
      issuers: [
        cognitoIssuer({
          userPoolId: USER_POOL_ID,
          clientId: CLIENT_ID,
          jwksUri: issuer.jwksUri,
          algorithms: [alg],
        }),
      ],
      ...extra,
    });
    const tokengate = createVerifier(tokengateOptions({}));
    const warm = createVerifier(tokengateOptions({}));
    // The issue's warm target counts the revocation check: the in-memory store, empty.
    const warmRevocation = createVerifier(
      tokengateOptions({ revocation: createMemoryRevocationStore() }),
    );
    verifiers.push(tokengate, warm, warmRevocation);
    for (const verifier of verifiers) await verifier.prewarm();

    const aws = CognitoJwtVerifier.create({
      userPoolId: USER_POOL_ID,
      tokenUse: 'access',
      clientId: CLIENT_ID,
    });
    aws.cacheJwks(issuer.jwks());

    const joseJwks = createLocalJWKSet(issuer.jwks());
    const joseOptions = { issuer: ISSUER, algorithms: [alg] };

    // Prove each contender accepts the tokens before timing anything, so no row measures a
    // rejection path. The cold probes use the hot token: the pools stay unseen.
    if (!raw()) throw new Error(`${alg}: crypto.verify rejected the token`);
    await tokengate.verify(hot);
    await warm.verify(hot);
    await warmRevocation.verify(hot);
    aws.verifySync(hot);
    await jwtVerify(hot, joseJwks, joseOptions);

    const contenders = [
      { name: RAW, fn: raw, async: false },
      { name: TOKENGATE_COLD, fn: cycle(pool, (token) => tokengate.verify(token)), async: true },
      { name: 'tokengate verify (warm: cache hit)', fn: () => warm.verify(hot), async: true },
      {
        name: 'tokengate verify (warm, in-memory revocation store)',
        fn: () => warmRevocation.verify(hot),
        async: true,
      },
      {
        name: 'aws-jwt-verify verifySync',
        fn: cycle(pool, (token) => aws.verifySync(token)),
        async: false,
      },
      {
        name: 'jose jwtVerify + createLocalJWKSet',
        fn: cycle(pool, (token) => jwtVerify(token, joseJwks, joseOptions)),
        async: true,
      },
    ];

    const results = [];
    for (let round = 0; round < rounds; round++) {
      const bench = new Bench({
        name: `${alg} round ${round + 1}`,
        time: 0,
        iterations,
        warmupTime: 0,
        warmupIterations: warmup,
        throws: true,
      });
      // Rotate the order each round so no contender always runs right after minting or GC.
      for (let index = 0; index < contenders.length; index++) {
        const { name, fn, async } = contenders[(index + round) % contenders.length];
        bench.add(name, fn, { async });
      }
      await bench.run();
      const byName = new Map();
      for (const task of bench.tasks) {
        const result = task.result;
        if (result.state !== 'completed') {
          throw new Error(`${alg} / ${task.name}: ${result.state}`, { cause: result.error });
        }
        byName.set(task.name, { meanMs: result.latency.mean, p99Ms: result.latency.p99 });
      }
      results.push(byName);
    }

    return { names: contenders.map(({ name }) => name), rounds: results, tokenBytes: hot.length };
  } finally {
    await Promise.all(verifiers.map((verifier) => verifier.close()));
    await issuer.close();
  }
}

/** Pre-mints the token pool, so minting is never measured; signing runs in parallel batches. */
async function mintPool(issuer, size) {
  const pool = [];
  while (pool.length < size) {
    const batch = Math.min(MINT_BATCH, size - pool.length);
    pool.push(
      ...(await Promise.all(
        Array.from({ length: batch }, () => issuer.accessToken(TOKEN_OPTIONS)),
      )),
    );
  }
  if (new Set(pool).size !== pool.length) throw new Error('the token pool has duplicates');
  return pool;
}

/** A task that hands each call the next unseen token of the pool and refuses to wrap around. */
function cycle(pool, verifyOne) {
  let next = 0;
  return () => {
    if (next === pool.length) throw new Error('token pool exhausted');
    return verifyOne(pool[next++]);
  };
}

/** `crypto.verify` on one token's signing input, split and decoded up front: the floor. */
function rawVerifier(alg, publicKey, token) {
  const dot = token.lastIndexOf('.');
  const data = Buffer.from(token.slice(0, dot), 'ascii');
  const signature = Buffer.from(token.slice(dot + 1), 'base64url');
  if (alg === 'EdDSA') return () => cryptoVerify(null, data, publicKey, signature);
  // RFC 7518 §3.4: ECDSA JWS signatures are R || S, not DER.
  const key = alg === 'ES256' ? { key: publicKey, dsaEncoding: 'ieee-p1363' } : publicKey;
  return () => cryptoVerify('sha256', data, key, signature);
}
