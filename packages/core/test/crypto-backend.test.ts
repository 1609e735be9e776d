// The crypto seam (jws/crypto-backend.ts): which backend a run resolved, and the platform
// primitives both must agree on. vitest.config.ts runs node:crypto, vitest.webcrypto.config.ts
// Web Crypto; the other verification suites then prove the two give the same verdicts.
import { generateKeyPairSync } from 'node:crypto';
import { backend } from '#crypto-backend';
import { describe, expect, it } from 'vitest';
import { decodeBase64Url, encodeBase64 } from '../src/lib/base64.js';
import { importKeySet } from '../src/jws/jwk-import.js';

describe('the crypto backend', () => {
  it('is the one this run asked for', () => {
    expect(backend.name).toBe(process.env['TOKENGATE_CRYPTO_BACKEND'] ?? 'node');
    expect(backend.verifyOffThread === undefined).toBe(backend.name === 'web');
  });

  it('decodes base64url like Buffer, and refuses what is not base64url', () => {
    for (let length = 0; length < 70; length += 1) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 97 + length * 13) & 0xff);
      const text = Buffer.from(bytes).toString('base64url');
      expect(encodeBase64(bytes, true)).toBe(text);
      expect(encodeBase64(bytes, false)).toBe(Buffer.from(bytes).toString('base64'));
      expect([...decodeBase64Url(text)]).toEqual([...bytes]);
      expect([...backend.decodeBase64Url(text)]).toEqual([...bytes]);
    }
    // A foreign character empties the neutral decoder's output, so the length check refuses it.
    for (const foreign of ['ab+d', 'ab/d', 'ab=d', 'ab d', 'ab\u0141d']) {
      expect(decodeBase64Url(foreign).length).toBeLessThan(3);
    }
  });

  it('checks key members the same way on both backends (RFC 8725 §3.5, RFC 7518 §6.2.1, SEC 1 §3.2.2.1)', () => {
    const rsa = (bits: number) =>
      generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ format: 'jwk' });
    const ecKey = (namedCurve: string) =>
      generateKeyPairSync('ec', { namedCurve }).publicKey.export({ format: 'jwk' });
    const ec = ecKey('P-256');
    // y of another point: the right size, but (x, y) is off the curve.
    const offCurve = { ...ec, y: ecKey('P-256').y };
    const keys = importKeySet({
      keys: [
        { ...rsa(2048), kid: 'ok-rsa' },
        { ...rsa(1024), kid: 'weak-rsa' },
        { ...ec, kid: 'ok-ec' },
        { ...ecKey('P-384'), kid: 'ok-p384' },
        { ...ecKey('P-521'), kid: 'ok-p521' },
        { ...offCurve, kid: 'off-curve' },
        { ...ec, x: ec.x!.slice(1), kid: 'short-x' },
        { ...ec, crv: 'P-256K', kid: 'unknown-curve' },
        { kty: 'OKP', crv: 'X25519', x: ec.x, kid: 'x25519' },
      ],
    });
    expect(keys?.all.map((key) => key.kid)).toEqual(['ok-rsa', 'ok-ec', 'ok-p384', 'ok-p521']);
    expect(keys?.skipped).toBe(5);
  });
});
