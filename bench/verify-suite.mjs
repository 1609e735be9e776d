// Micro benchmark of one token verification per algorithm. Every library gets keys that are
// already imported and cached, and no network: what remains is decoding, signature and claims.
import { verify as cryptoVerify } from 'node:crypto';
import { cognitoIssuer, createVerifier } from '@tokengate/core';
import { createTestIssuer } from '@tokengate/testing';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { Bench } from 'tinybench';

const USER_POOL_ID = 'us-east-1_Bench';
// A real-looking Cognito `iss`, so aws-jwt-verify accepts the tokens; JWKS stays on loopback.
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${USER_POOL_ID}`;
const CLIENT_ID = '1example23456789abcdefghij';

// Each library verifies each pooled token once: warmups and measured runs of every round draw
// from the pool without wrapping, so no library can profit from a result cache ("cold" tokens).
// The best of a few short rounds is reported, which filters out noise from other processes.
const ROUNDS = 3;
const WARMUP_ITERATIONS = 300;
const RUN_ITERATIONS = 2000;
const POOL_SIZE = ROUNDS * (WARMUP_ITERATIONS + RUN_ITERATIONS);
const MINT_BATCH = 64;

// Groups and scopes bring the RS256 token to ~1 KB, a typical Cognito access token.
const TOKEN_OPTIONS = {
  username: 'b3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  groups: ['orders-admin', 'billing-readers'],
  scopes: ['openid', 'email', 'tokengate-api/orders.read'],
};

/**
 * Runs the suite for one algorithm and returns one row per task, raw `crypto.verify` first.
 *
 * @param {'RS256' | 'ES256' | 'EdDSA'} alg
 */
export async function runVerifySuite(alg) {
  const issuer = await createTestIssuer({
    kind: 'cognito',
    alg,
    userPoolId: USER_POOL_ID,
    clientId: CLIENT_ID,
    issuer: ISSUER,
  });
  try {
    const pool = await mintPool(issuer);
    const [key] = issuer.keys();
    if (key === undefined) throw new Error('the test issuer has no key');
    const raw = rawVerifier(alg, key.publicKey, pool[0]);

    const tokengate = createVerifier({
      issuers: [
        cognitoIssuer({
          userPoolId: USER_POOL_ID,
          clientId: CLIENT_ID,
          jwksUri: issuer.jwksUri,
          algorithms: [alg],
        }),
      ],
    });
    await tokengate.prewarm();

    const aws = CognitoJwtVerifier.create({
      userPoolId: USER_POOL_ID,
      tokenUse: 'access',
      clientId: CLIENT_ID,
    });
    aws.cacheJwks(issuer.jwks());

    const joseJwks = createLocalJWKSet(issuer.jwks());
    const joseOptions = { issuer: ISSUER, algorithms: [alg] };

    // Prove each contender accepts the tokens before timing anything, so no row measures a
    // rejection path.
    const probe = pool[0];
    if (!raw()) throw new Error(`${alg}: crypto.verify rejected the token`);
    await tokengate.verify(probe);
    aws.verifySync(probe);
    await jwtVerify(probe, joseJwks, joseOptions);

    const contenders = [
      { name: 'crypto.verify (same token, ceiling)', fn: raw, async: false },
      {
        name: 'tokengate verify (cold tokens)',
        fn: cycle(pool, (token) => tokengate.verify(token)),
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

    /** @type {Map<string, { meanMs: number, p99Ms: number }>} */
    const best = new Map();
    for (let round = 0; round < ROUNDS; round++) {
      const bench = new Bench({
        name: `${alg} round ${round + 1}`,
        time: 0,
        iterations: RUN_ITERATIONS,
        warmupTime: 0,
        warmupIterations: WARMUP_ITERATIONS,
        throws: true,
      });
      // Rotate the order each round so no contender always runs right after minting or GC.
      for (let index = 0; index < contenders.length; index++) {
        const { name, fn, async } = contenders[(index + round) % contenders.length];
        bench.add(name, fn, { async });
      }
      await bench.run();
      for (const task of bench.tasks) {
        const result = task.result;
        if (result.state !== 'completed') {
          throw new Error(`${alg} / ${task.name}: ${result.state}`, { cause: result.error });
        }
        const previous = best.get(task.name);
        if (previous === undefined || result.latency.mean < previous.meanMs) {
          best.set(task.name, { meanMs: result.latency.mean, p99Ms: result.latency.p99 });
        }
      }
    }

    const rows = contenders.map(({ name }) => ({ name, ...best.get(name) }));
    return { rows, tokenBytes: probe.length };
  } finally {
    await issuer.close();
  }
}

/** Pre-mints the token pool, so minting is never measured; signing runs in parallel batches. */
async function mintPool(issuer) {
  const pool = [];
  while (pool.length < POOL_SIZE) {
    const batch = Math.min(MINT_BATCH, POOL_SIZE - pool.length);
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
    if (next === pool.length) throw new Error('token pool exhausted: raise POOL_SIZE');
    return verifyOne(pool[next++]);
  };
}

/** `crypto.verify` on one token's signing input, split and decoded up front: the ceiling. */
function rawVerifier(alg, publicKey, token) {
  const dot = token.lastIndexOf('.');
  const data = Buffer.from(token.slice(0, dot), 'ascii');
  const signature = Buffer.from(token.slice(dot + 1), 'base64url');
  if (alg === 'EdDSA') return () => cryptoVerify(null, data, publicKey, signature);
  // RFC 7518 §3.4: ECDSA JWS signatures are R || S, not DER.
  const key = alg === 'ES256' ? { key: publicKey, dsaEncoding: 'ieee-p1363' } : publicKey;
  return () => cryptoVerify('sha256', data, key, signature);
}
