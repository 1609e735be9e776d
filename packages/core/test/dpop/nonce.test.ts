// Server nonces (RFC 9449 §8): stateless HMACs over time windows, the same on every server
// sharing the secret, accepted in their window and the next one.
import { createHmac, randomBytes } from 'node:crypto';
import { backend } from '#crypto-backend';
import { describe, expect, it } from 'vitest';
import { hmacSha256 } from '../../src/dpop/hmac-sha256.js';
import { createDpopNonces } from '../../src/dpop/nonce.js';

const SECRET = new TextEncoder().encode('a fleet-wide secret of 32 bytes+');
const MINUTE = 60_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % MINUTE); // a window boundary

describe('hmacSha256', () => {
  it.each([0, 1, 20, 32, 63, 64, 65, 131])(
    'matches node:crypto for a %i-byte key',
    async (length) => {
      const key = randomBytes(length);
      for (const message of [Buffer.alloc(0), Buffer.from('Hi There'), randomBytes(200)]) {
        const expected = createHmac('sha256', key).update(message).digest('hex');
        expect(Buffer.from(await hmacSha256(key, message)).toString('hex')).toBe(expected);
      }
    },
  );

  it('gives RFC 4231 test case 2', async () => {
    const mac = await hmacSha256(
      new TextEncoder().encode('Jefe'),
      new TextEncoder().encode('what do ya want for nothing?'),
    );
    expect(Buffer.from(mac).toString('hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('is synchronous on Node only', () => {
    const mac = hmacSha256(SECRET, SECRET);
    expect(mac instanceof Promise).toBe(backend.name === 'web');
  });
});

describe('createDpopNonces', () => {
  it('agrees across servers sharing the secret, and only with them', async () => {
    const one = createDpopNonces(SECRET, 60);
    const two = createDpopNonces(Uint8Array.from(SECRET), 60);
    const other = createDpopNonces(randomBytes(32), 60);
    const nonce = await one.current(T0 + 5_000);
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await two.current(T0 + 59_000)).toBe(nonce);
    expect(await two.accepts(nonce, T0 + 1)).toBe(true);
    expect(await other.current(T0 + 5_000)).not.toBe(nonce);
    expect(await other.accepts(nonce, T0 + 5_000)).toBe(false);
  });

  it('rotates every window and accepts the current and the previous nonce only', async () => {
    const nonces = createDpopNonces(SECRET, 60);
    const first = await nonces.current(T0);
    const second = await nonces.current(T0 + MINUTE);
    expect(second).not.toBe(first);
    expect(await nonces.accepts(first, T0 + MINUTE - 1)).toBe(true);
    // Handed out just before the rotation, it still works for the next whole window.
    expect(await nonces.accepts(first, T0 + 2 * MINUTE - 1)).toBe(true);
    expect(await nonces.accepts(first, T0 + 2 * MINUTE)).toBe(false);
    expect(await nonces.accepts(second, T0 + 2 * MINUTE)).toBe(true);
    // A nonce of a window not reached yet is not accepted either.
    expect(await nonces.accepts(second, T0)).toBe(false);
    expect(await nonces.accepts('', T0)).toBe(false);
    expect(await nonces.accepts(`${first}x`, T0)).toBe(false);
  });

  it('follows rotateSeconds', async () => {
    const nonces = createDpopNonces(SECRET, 5);
    const first = await nonces.current(T0);
    expect(await nonces.current(T0 + 4_999)).toBe(first);
    expect(await nonces.current(T0 + 5_000)).not.toBe(first);
    expect(await nonces.accepts(first, T0 + 10_000)).toBe(false);
  });

  it('answers synchronously on Node, and on Web Crypto once a window is known', async () => {
    const nonces = createDpopNonces(SECRET, 60);
    const first = nonces.current(T0);
    expect(typeof first === 'string').toBe(backend.name === 'node');
    await first;
    await nonces.accepts('x', T0);
    expect(typeof nonces.current(T0)).toBe('string');
    expect(typeof nonces.accepts('x', T0)).toBe('boolean');
  });
});
