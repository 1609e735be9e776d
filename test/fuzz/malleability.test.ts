// Re-encodings of a valid signature that no random mutation is likely to hit, checked one by
// one. They define what the fuzz properties call a neutral mutation (see `neutrality`).
import type { Verifier } from '@tokengate/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDer } from './signature-mutations.js';
import { neutrality } from './oracle.js';
import { createWorld, type BaseToken, type FuzzWorld } from './world.js';

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// Order of the P-256 group (FIPS 186-4 D.1.2.3) and of the Ed25519 base point (RFC 8032 §5.1).
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const ED25519_L = 2n ** 252n + 27742317777372353535851937790883648493n;

let world: FuzzWorld;
let verifier: Verifier;

beforeAll(async () => {
  world = await createWorld();
  verifier = world.verifier;
});
afterAll(() => world?.close());

const accepts = (token: string): Promise<boolean> =>
  verifier.verify(token).then(
    () => true,
    () => false,
  );
const tokenOf = (name: string): BaseToken => world.tokens.find((t) => t.name === name) as BaseToken;
const withSignature = (token: string, signature: Buffer): string =>
  `${token.slice(0, token.lastIndexOf('.') + 1)}${signature.toString('base64url')}`;
const signatureOf = (token: string): Buffer =>
  Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url');

const bigEndian = (bytes: Buffer): bigint => BigInt(`0x${bytes.toString('hex') || '0'}`);
const toBytes = (value: bigint, length: number): Buffer =>
  Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex');

describe('signature encodings that keep the signed bytes', () => {
  it('refuses the non-canonical spellings of a signature, which decode to the same bytes', async () => {
    // Every fuzzed signature is 64 or 256 bytes: the last base64url character carries 2 bits
    // and 4 unused ones (RFC 4648 §3.5), so Buffer's decoder reads 16 spellings of it as the
    // same signature. RFC 7515 does not say whether a verifier must refuse them, and nothing
    // signed changes, so the fuzz properties allow either verdict for these (`neutrality`).
    // tokengate refuses them (compact-jws.ts, `hasStrayBits`), so one signature has one token
    // string, and nothing keyed by the string (caches, deny lists) can be dodged.
    for (const base of world.tokens) {
      const cut = base.token.length - 1;
      const variants = [...B64URL]
        .map((char) => base.token.slice(0, cut) + char)
        .filter((variant) => neutrality(base.token, variant) === 'non-canonical-signature');
      expect(variants, base.name).toHaveLength(15);
      for (const variant of variants) expect(await accepts(variant), base.name).toBe(false);
    }
  });

  it('accepts the other ECDSA signature of the same message, (r, n - s): inherent to ECDSA', async () => {
    // RFC 7518 §3.4 has no low-S rule, and IdPs emit high and low S alike, so refusing one half
    // would refuse genuine tokens. The signed bytes are unchanged; the token string differs.
    const base = tokenOf('oidc ES256 access');
    const signature = signatureOf(base.token);
    const s = bigEndian(signature.subarray(32));
    const flipped = Buffer.concat([signature.subarray(0, 32), toBytes(P256_N - s, 32)]);
    expect(await accepts(withSignature(base.token, flipped))).toBe(true);
  });

  it('refuses an ECDSA signature with s + n or r + n (not reduced, and no longer 64 bytes)', async () => {
    const base = tokenOf('oidc ES256 access');
    const signature = signatureOf(base.token);
    const r = bigEndian(signature.subarray(0, 32));
    const s = bigEndian(signature.subarray(32));
    const unreducedS = Buffer.concat([signature.subarray(0, 32), toBytes(s + P256_N, 33)]);
    const unreducedR = Buffer.concat([toBytes(r + P256_N, 33), signature.subarray(32)]);
    expect(await accepts(withSignature(base.token, unreducedS))).toBe(false);
    expect(await accepts(withSignature(base.token, unreducedR))).toBe(false);
  });

  it('refuses a DER-encoded ECDSA signature (RFC 7518 §3.4 wants R || S)', async () => {
    const base = tokenOf('oidc ES256 access');
    expect(await accepts(withSignature(base.token, toDer(signatureOf(base.token))))).toBe(false);
  });

  it('refuses an Ed25519 signature whose S is not reduced, S + L (RFC 8032 §5.1.7)', async () => {
    const base = tokenOf('oidc EdDSA access');
    const signature = signatureOf(base.token);
    // S is the little-endian second half of the signature.
    const s = bigEndian(Buffer.from(signature.subarray(32)).reverse());
    const unreduced = Buffer.concat([
      signature.subarray(0, 32),
      toBytes(s + ED25519_L, 32).reverse(),
    ]);
    expect(await accepts(withSignature(base.token, unreduced))).toBe(false);
  });

  it('refuses the same signature bytes under padding or the standard alphabet', async () => {
    for (const base of world.tokens) {
      const signature = base.token.slice(base.token.lastIndexOf('.') + 1);
      const head = base.token.slice(0, base.token.lastIndexOf('.') + 1);
      const standard = signatureOf(base.token).toString('base64');
      expect(await accepts(`${head}${signature}=`), base.name).toBe(false);
      expect(await accepts(`${head}${standard}`), base.name).toBe(false);
    }
  });
});
