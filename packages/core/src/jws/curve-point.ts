// Point validation for the NIST curves (SEC 1 v2 §3.2.2.1; FIPS 186-5 / SP 800-186 §3.2.1):
// a public key must be a point on its curve, or an invalid-curve attack can draw secrets out of
// a signer. Verification alone leaks nothing, but a key off its curve is not a key: it is
// refused here, the same way on every backend, rather than by Node at import or by Web Crypto
// at first use (where it would read as a bad signature rather than an unusable key).

/** Field prime p and coefficient b of y² = x³ − 3x + b over GF(p). */
interface Curve {
  readonly p: bigint;
  readonly b: bigint;
}

const CURVES: Readonly<Record<'P-256' | 'P-384' | 'P-521', Curve>> = {
  'P-256': {
    p: 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
  },
  'P-384': {
    p: 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
  },
  'P-521': {
    p: 2n ** 521n - 1n,
    b: 0x051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
  },
};

/** Whether big-endian coordinates `x`, `y` are a point of `crv` (each below p, on the curve). */
export function isOnCurve(crv: 'P-256' | 'P-384' | 'P-521', x: Uint8Array, y: Uint8Array): boolean {
  const { p, b } = CURVES[crv];
  const px = toBigInt(x);
  const py = toBigInt(y);
  if (px >= p || py >= p) return false;
  const right = (((((px * px) % p) * px - 3n * px + b) % p) + p) % p;
  return (py * py) % p === right;
}

function toBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}
