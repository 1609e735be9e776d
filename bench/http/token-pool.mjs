// Pre-minted distinct tokens for the "fresh tokens" scenario; minting is never measured.

// RS256 signing runs on libuv's thread pool, so batches keep both cores busy.
const MINT_BATCH = 64;

/** Mints `size` distinct access tokens (each has its own `jti`, so its own signature). */
export async function mintTokenPool(issuer, size, tokenOptions) {
  const pool = [];
  while (pool.length < size) {
    const batch = Math.min(MINT_BATCH, size - pool.length);
    pool.push(
      ...(await Promise.all(Array.from({ length: batch }, () => issuer.accessToken(tokenOptions)))),
    );
  }
  if (new Set(pool).size !== pool.length) throw new Error('the token pool has duplicates');
  return pool;
}
