import { encodeBase64, utf8Bytes } from '../lib/base64.js';
import { hmacSha256 } from './hmac-sha256.js';

/**
 * Server-provided DPoP nonces (RFC 9449 §8, §9). Stateless: the nonce of a time window is
 * HMAC-SHA-256(secret, window number), so every server of a fleet sharing the secret issues
 * and accepts the same nonces without talking to each other, and nothing is stored per client.
 * A nonce is accepted in its own window and the next one, so one handed out just before a
 * rotation stays good for at least `rotateSeconds`.
 */
export interface DpopNonces {
  /** The nonce to send in `DPoP-Nonce` now (RFC 9449 §8.1). */
  current(nowMs: number): string | Promise<string>;
  /** Whether a proof's `nonce` claim is the current or the previous window's nonce. */
  accepts(nonce: string, nowMs: number): boolean | Promise<boolean>;
}

/** Windows whose nonce is kept: current, previous, and one either side for clock jumps. */
const KEPT_WINDOWS = 4;

// Domain separation: the same secret used for anything else never yields these MACs.
const LABEL = 'tokengate DPoP-Nonce v1 ';

/**
 * Nonces from `secret` (validated by dpopPolicy: at least 32 bytes), rotating every
 * `rotateSeconds`. Each window's nonce is computed once and kept, so checking one is a string
 * comparison; on Web Crypto the first use in a window awaits one HMAC.
 */
export function createDpopNonces(secret: Uint8Array, rotateSeconds: number): DpopNonces {
  const windowMs = rotateSeconds * 1000;
  const kept = new Map<number, string | Promise<string>>();

  function nonceOf(window: number): string | Promise<string> {
    const known = kept.get(window);
    if (known !== undefined) return known;
    const mac = hmacSha256(secret, utf8Bytes(`${LABEL}${window}`));
    let nonce: string | Promise<string>;
    if (mac instanceof Promise) {
      nonce = mac.then((bytes) => {
        const text = encodeBase64(bytes, true);
        // Later lookups answer synchronously; only if the window is still kept.
        if (kept.get(window) === nonce) kept.set(window, text);
        return text;
      });
    } else {
      nonce = encodeBase64(mac, true);
    }
    kept.set(window, nonce);
    // Insertion order is the order windows were first asked for: drop the oldest.
    if (kept.size > KEPT_WINDOWS) kept.delete(kept.keys().next().value as number);
    return nonce;
  }

  return {
    current: (nowMs) => nonceOf(Math.floor(nowMs / windowMs)),
    accepts(nonce, nowMs) {
      const window = Math.floor(nowMs / windowMs);
      const current = nonceOf(window);
      const previous = nonceOf(window - 1);
      if (typeof current === 'string' && typeof previous === 'string') {
        return nonce === current || nonce === previous;
      }
      return Promise.all([current, previous]).then(
        ([now, before]) => nonce === now || nonce === before,
      );
    },
  };
}
