import { backend } from '#crypto-backend';
import { LRUCache } from 'lru-cache';
import { IdpUnavailableError, InvalidTokenError } from '../errors/errors.js';
import type { VerifierEventListener } from '../lib/types.js';
import { fetchText } from '../lib/bounded-fetch.js';
import { notify } from '../lib/observe.js';
import type { JwksKey } from '../jws/jwk-import.js';
import { secureUrl } from '../lib/options.js';

export interface AlbKeyStoreOptions {
  /** Where the PEM for a (validated) kid lives. */
  readonly keyUrl: (kid: string) => string;
  readonly timeoutMs: number;
  /** How long a missing key or a failed fetch is remembered, and the fetch-budget window. */
  readonly cooldownMs: number;
  readonly maxKeys: number;
  /** Fetches allowed per cooldown window across all kids. */
  readonly maxFetchesPerCooldown: number;
  readonly fetch: typeof globalThis.fetch;
  readonly onEvent: VerifierEventListener | undefined;
}

/** Imported ALB public keys by kid. */
export interface AlbKeyStore {
  /**
   * The key for `kid`: synchronous once known, otherwise fetched once for all concurrent
   * callers. Throws or rejects with `InvalidTokenError` (`KEY_NOT_FOUND`) or `IdpUnavailableError`.
   */
  getKey(kid: string): JwksKey | Promise<JwksKey>;
}

/** Why a kid has no key, remembered until `until`; each request gets its own error from it. */
interface Miss {
  readonly until: number;
  /** The endpoint said there is no such key (401), rather than failing (503). */
  readonly missing: boolean;
  readonly cause: Error | undefined;
}

/** A PEM public key is ~180 bytes; anything near this cap is not one. */
const MAX_PEM_BYTES = 4096;
/** Remembered misses; the fetch budget already limits how fast they can be added. */
const MAX_MISSES = 1000;
// Only an SPKI block: a private key or certificate PEM would also import as a public key.
const SPKI_PEM = /^-----BEGIN PUBLIC KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END PUBLIC KEY-----$/;

/**
 * Distinct kids whose refusals are counted per cooldown (Misra-Gries counters). A kid asked for
 * more than 1/(MAX_WAITING + 1) of the refused requests of a cooldown is always among them.
 */
const MAX_WAITING = 256;

/**
 * Creates the ALB key store. An ALB key never changes once published under its kid, so a key
 * stays until evicted by the LRU bound: no refresh, and an outage cannot take it away.
 *
 * Unknown kids. The key URL is one per kid, and the signer ARN and client id that a token must
 * name before any fetch are not secret, so anyone can send tokens naming random kids (the kid
 * itself must be a lower-case UUID: see `albKid`). Three bounds keep that from becoming either
 * a flood of requests to AWS or a denial of the ALB's next key:
 * - single flight and a negative cache per kid: a kid is fetched once for all concurrent
 *   callers, and a 404/403 (or a failure) is remembered for that kid alone, for the cooldown,
 *   in an LRU of `MAX_MISSES` entries;
 * - a budget per cooldown: at most `maxFetchesPerCooldown` kids are fetched first come, first
 *   served, plus one reserved fetch (below). So at most `maxFetchesPerCooldown + 1` requests
 *   per cooldown reach the key server, whatever the kids;
 * - the reserved fetch: a request refused for budget (503, with `Retry-After`) is counted for
 *   its kid, in `MAX_WAITING` Misra-Gries counters reset every cooldown. The next cooldown
 *   reserves one fetch for the kid counted most, and only it may use it. After a rotation the
 *   ALB's new kid rides on every request it forwards, while a stream of random kids names each
 *   kid once (a count of 1, soon cleared). So the real kid, once refused 2 + n/(MAX_WAITING + 1)
 *   times in a cooldown of n refusals (Misra-Gries undercounts by at most the second term),
 *   wins the reserved fetch and is accepted in the next cooldown, however many random kids
 *   come before it. To delay it, an attacker must name one kid more often than all the ALB's
 *   traffic does in a cooldown, and a fresh kid each time (a fetched kid sits in the negative
 *   cache): a flood the load balancer itself sees, which still costs one extra fetch at most.
 */
export function createAlbKeyStore(options: AlbKeyStoreOptions): AlbKeyStore {
  const { cooldownMs, maxFetchesPerCooldown, onEvent } = options;
  const keys = new LRUCache<string, JwksKey>({ max: options.maxKeys });
  const misses = new LRUCache<string, Miss>({ max: MAX_MISSES });
  const inflight = new Map<string, Promise<JwksKey | Miss>>();
  /** Refusals for budget per kid in this cooldown (Misra-Gries: undercounts by ≤ n/(size+1)). */
  const waiting = new Map<string, number>();
  let windowStart = -Infinity;
  let windowFetches = 0;
  /** The kid counted most in the previous cooldown: the only one that may use the reserve. */
  let reservedFor: string | undefined;

  function getKey(kid: string): JwksKey | Promise<JwksKey> {
    const key = keys.get(kid);
    if (key !== undefined) return key;
    const now = Date.now();
    const miss = misses.get(kid);
    if (miss !== undefined && now < miss.until) throw refusal(miss, now);
    let pending = inflight.get(kid);
    if (pending === undefined) {
      if (now - windowStart >= cooldownMs) startWindow(now);
      if (windowFetches < maxFetchesPerCooldown) {
        windowFetches += 1;
      } else if (kid === reservedFor) {
        reservedFor = undefined;
      } else {
        // Budget spent: the key may well exist, we just may not ask yet, so this is a 503.
        countWaiting(kid);
        throw unavailable(new Error('key fetch budget spent'), windowStart + cooldownMs - now);
      }
      pending = load(kid).finally(() => inflight.delete(kid));
      inflight.set(kid, pending);
    }
    return pending.then((outcome) => {
      if ('material' in outcome) return outcome;
      throw refusal(outcome, Date.now());
    });
  }

  /** A new cooldown: fresh budget, and the reserve goes to the kid refused most in the last. */
  function startWindow(now: number): void {
    windowStart = now;
    windowFetches = 0;
    reservedFor = undefined;
    let most = 0;
    for (const [kid, count] of waiting) {
      if (count > most) {
        most = count;
        reservedFor = kid;
      }
    }
    waiting.clear();
  }

  /**
   * Misra-Gries: a counted kid gains one; a new kid takes a free counter, or, with none free,
   * every counter loses one (emptied ones are freed). A stream of distinct random kids thus
   * keeps clearing itself out (amortized O(1) per refusal), while a kid asked for often stays.
   */
  function countWaiting(kid: string): void {
    const count = waiting.get(kid);
    if (count !== undefined) {
      waiting.set(kid, count + 1);
    } else if (waiting.size < MAX_WAITING) {
      waiting.set(kid, 1);
    } else {
      for (const [other, n] of waiting) {
        if (n <= 1) waiting.delete(other);
        else waiting.set(other, n - 1);
      }
    }
  }

  async function load(kid: string): Promise<JwksKey | Miss> {
    const startedAt = Date.now();
    let url = '';
    try {
      url = secureUrl(options.keyUrl(kid), 'keyUrl(kid)', false);
      const { status, body } = await fetchText(
        url,
        { timeoutMs: options.timeoutMs, maxBytes: MAX_PEM_BYTES, fetch: options.fetch },
        'application/x-pem-file, text/plain',
      );
      // An S3-style endpoint answers 403 for an object that does not exist.
      if (status === 404 || status === 403) {
        emit(url, startedAt, `HTTP ${status}`);
        return remember(kid, true, new Error(`HTTP ${status}`));
      }
      if (status !== 200) throw new Error(`HTTP ${status}`);
      const key = await importPem(kid, body);
      keys.set(kid, key);
      misses.delete(kid);
      emit(url, startedAt, undefined);
      return key;
    } catch (error) {
      const cause = error instanceof Error ? error : new Error(String(error));
      emit(url, startedAt, cause.message);
      return remember(kid, false, cause);
    }
  }

  function remember(kid: string, missing: boolean, cause: Error): Miss {
    const miss = { until: Date.now() + cooldownMs, missing, cause };
    misses.set(kid, miss);
    return miss;
  }

  function refusal(miss: Miss, now: number): InvalidTokenError | IdpUnavailableError {
    if (!miss.missing) return unavailable(miss.cause, miss.until - now);
    return new InvalidTokenError('KEY_NOT_FOUND', {
      description: 'No load balancer public key matches the token kid',
    });
  }

  function emit(uri: string, startedAt: number, error: string | undefined): void {
    const durationMs = Date.now() - startedAt;
    notify(
      onEvent,
      error === undefined
        ? { type: 'jwks-fetch', uri, ok: true, durationMs, keys: 1 }
        : { type: 'jwks-fetch', uri, ok: false, durationMs, error },
    );
  }

  return { getKey };
}

function unavailable(cause: Error | undefined, waitMs: number): IdpUnavailableError {
  return new IdpUnavailableError({
    description: 'The load balancer public keys are unavailable; retry later',
    cause,
    retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
  });
}

/** Imports an SPKI PEM that must hold an EC P-256 key, the only kind ES256 may use (RFC 7518 §3.4). */
async function importPem(kid: string, text: string): Promise<JwksKey> {
  const pem = text.trim();
  if (!SPKI_PEM.test(pem)) throw new Error('body is not a PEM public key');
  let material: object;
  try {
    material = await backend.importSpkiP256(pem);
  } catch (cause) {
    throw new Error('body is not an EC P-256 PEM public key', { cause });
  }
  return {
    kid,
    alg: 'ES256',
    keyType: 'ec',
    namedCurve: 'prime256v1',
    material,
    fingerprint: pem,
    inputs: new Map(),
  };
}
