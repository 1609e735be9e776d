import { utf8Bytes } from '../lib/base64.js';
import {
  assertKnownKeys,
  describe,
  isPlainObject,
  optionKeys,
  positiveInteger,
} from '../lib/options.js';
import { createDpopNonces, type DpopNonces } from './nonce.js';

/**
 * Server-provided nonces (RFC 9449 §8), the `dpop.nonce` option: proofs must carry a recent
 * nonce from `DPoP-Nonce`, which bounds how long a stolen proof is worth anything.
 *
 * @example
 * ```ts
 * const dpop: DpopOptions = { mode: 'required', nonce: { secret: process.env.DPOP_NONCE_SECRET!, rotateSeconds: 120 } };
 * ```
 */
export interface DpopNonceOptions {
  /**
   * The secret nonces are derived from (at least 32 bytes; a string counts its UTF-8 bytes):
   * give every server of a fleet the same one so they agree. Default: random, per process.
   */
  readonly secret?: string | Uint8Array;
  /** How often the nonce changes, in whole seconds (at most 3600). Default 60; the previous one stays accepted. */
  readonly rotateSeconds?: number;
}

// In seconds, so far below a timer's 2^31 − 1 ms; nonces arm no timer anyway (nonce.ts).
const MAX_ROTATE_SECONDS = 3600;
const MIN_SECRET_BYTES = 32;

const NONCE_OPTION_KEYS = optionKeys<DpopNonceOptions>({ secret: true, rotateSeconds: true });

/** Validates `dpop.nonce` once: `false` (or absent) is off, an object of options turns nonces on. */
export function dpopNoncesOption(value: unknown): DpopNonces | undefined {
  if (value === undefined || value === false) return undefined;
  // A plain object only: a Map or a class instance has no option a reader would see, and would
  // silently turn nonces on with a random secret.
  if (!isPlainObject(value)) {
    throw new TypeError(`dpop.nonce must be false or an object, got ${describe(value)}`);
  }
  assertKnownKeys(value, NONCE_OPTION_KEYS, 'dpop.nonce');
  const { secret, rotateSeconds } = value as DpopNonceOptions;
  const rotate = positiveInteger(rotateSeconds, 'dpop.nonce.rotateSeconds', 60);
  if (rotate > MAX_ROTATE_SECONDS) {
    throw new TypeError(
      `dpop.nonce.rotateSeconds must be at most ${MAX_ROTATE_SECONDS}, got ${rotate}`,
    );
  }
  return createDpopNonces(secretOption(secret), rotate);
}

function secretOption(secret: unknown): Uint8Array {
  if (secret === undefined) return crypto.getRandomValues(new Uint8Array(MIN_SECRET_BYTES));
  const bytes =
    typeof secret === 'string'
      ? utf8Bytes(secret)
      : secret instanceof Uint8Array
        ? Uint8Array.from(secret) // a copy: the caller may reuse or wipe its buffer
        : undefined;
  // Never echoes the secret in the message.
  if (bytes === undefined) {
    throw new TypeError('dpop.nonce.secret must be a string or a Uint8Array');
  }
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new TypeError(
      `dpop.nonce.secret must be at least ${MIN_SECRET_BYTES} bytes, got ${bytes.length}`,
    );
  }
  return bytes;
}
