import { backend } from '#crypto-backend';

/** RFC 2104 §2: SHA-256's block size, in bytes. */
const BLOCK_BYTES = 64;

/**
 * HMAC-SHA-256 (RFC 2104) over the backend's SHA-256, so it is synchronous on Node and a
 * promise on Web Crypto, like every other hash on the request path. Used for the DPoP server
 * nonces (dpop/nonce.ts), computed once per rotation window: speed does not matter here,
 * needing no second crypto member in the seam does.
 */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array | Promise<Uint8Array> {
  // RFC 2104 §2: a key longer than the block is hashed first.
  if (key.length > BLOCK_BYTES) {
    const hashed = backend.sha256(key);
    return hashed instanceof Promise
      ? hashed.then((short) => withKey(short, message))
      : withKey(hashed, message);
  }
  return withKey(key, message);
}

function withKey(key: Uint8Array, message: Uint8Array): Uint8Array | Promise<Uint8Array> {
  const inner = backend.sha256(concat(padded(key, 0x36), message));
  return inner instanceof Promise
    ? inner.then((digest) => backend.sha256(concat(padded(key, 0x5c), digest)))
    : backend.sha256(concat(padded(key, 0x5c), inner));
}

/** The key, zero-filled to the block size and XORed with `pad` (ipad 0x36, opad 0x5c). */
function padded(key: Uint8Array, pad: number): Uint8Array {
  const block = new Uint8Array(BLOCK_BYTES);
  for (let i = 0; i < BLOCK_BYTES; i += 1) block[i] = (key[i] ?? 0) ^ pad;
  return block;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}
