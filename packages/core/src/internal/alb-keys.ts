import { createPublicKey, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { IdpUnavailableError, InvalidTokenError } from '../errors.js';
import type { VerifierEventListener } from '../types.js';
import { fetchText } from './bounded-fetch.js';
import { notify } from './observe.js';
import type { JwksKey } from './jwk-import.js';
import { secureUrl } from './options.js';

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
 * Creates the ALB key store. An ALB key never changes once published under its kid, so a key
 * stays until evicted by the LRU bound: no refresh, and an outage cannot take it away. An
 * unknown kid is fetched once (single-flight); a 404/403 or a failure is remembered for the
 * cooldown, and at most `maxFetchesPerCooldown` fetches start per cooldown whatever the kids,
 * so a flood of random kids cannot turn into a flood of requests to AWS.
 */
export function createAlbKeyStore(options: AlbKeyStoreOptions): AlbKeyStore {
  const { cooldownMs, maxFetchesPerCooldown, onEvent } = options;
  const keys = new LRUCache<string, JwksKey>({ max: options.maxKeys });
  const misses = new LRUCache<string, Miss>({ max: MAX_MISSES });
  const inflight = new Map<string, Promise<JwksKey | Miss>>();
  let windowStart = -Infinity;
  let windowFetches = 0;

  function getKey(kid: string): JwksKey | Promise<JwksKey> {
    const key = keys.get(kid);
    if (key !== undefined) return key;
    const now = Date.now();
    const miss = misses.get(kid);
    if (miss !== undefined && now < miss.until) throw refusal(miss, now);
    let pending = inflight.get(kid);
    if (pending === undefined) {
      if (now - windowStart >= cooldownMs) {
        windowStart = now;
        windowFetches = 0;
      }
      // Budget spent: the key may well exist, we just may not ask yet, so this is a 503.
      if (windowFetches >= maxFetchesPerCooldown) {
        throw unavailable(new Error('key fetch budget spent'), windowStart + cooldownMs - now);
      }
      windowFetches += 1;
      pending = load(kid).finally(() => inflight.delete(kid));
      inflight.set(kid, pending);
    }
    return pending.then((outcome) => {
      if ('keyObject' in outcome) return outcome;
      throw refusal(outcome, Date.now());
    });
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
      const key = importPem(kid, body);
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
function importPem(kid: string, text: string): JwksKey {
  const pem = text.trim();
  if (!SPKI_PEM.test(pem)) throw new Error('body is not a PEM public key');
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey({ key: pem, format: 'pem' });
  } catch (cause) {
    throw new Error('body is not a PEM public key', { cause });
  }
  if (
    keyObject.asymmetricKeyType !== 'ec' ||
    keyObject.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
  ) {
    throw new Error('key is not an EC P-256 public key');
  }
  return {
    kid,
    alg: 'ES256',
    keyType: 'ec',
    namedCurve: 'prime256v1',
    keyObject,
    inputs: new Map(),
  };
}
