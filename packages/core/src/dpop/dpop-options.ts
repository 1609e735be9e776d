import { isSupportedAlgorithm, SUPPORTED_ALGORITHMS } from '../jws/algorithms.js';
import {
  assertKnownKeys,
  describe,
  durationMs,
  isPlainObject,
  nonNegativeNumber,
  optionKeys,
  positiveInteger,
} from '../lib/options.js';
import type { Algorithm } from '../lib/types.js';
import type { DpopReplayStore } from './dpop-replay-store.js';
import { createMemoryDpopReplayStore } from './memory-replay-store.js';
import type { DpopNonces } from './nonce.js';
import { dpopNoncesOption, type DpopNonceOptions } from './nonce-options.js';
import { createProofKeyCache, type ProofKeyCache } from './proof-keys.js';

export type { DpopNonceOptions } from './nonce-options.js';

/**
 * Whether a route accepts DPoP-bound tokens (RFC 9449): `allowed` takes both schemes, `required`
 * takes only `DPoP` (a bearer token is refused, RFC 9449 §7.2), `disabled` takes only `Bearer`.
 *
 * @example
 * ```ts
 * const requireAuth = authenticate({ issuers, dpop: 'required' satisfies DpopMode }); // bearer tokens refused
 * ```
 */
export type DpopMode = 'allowed' | 'required' | 'disabled';

/**
 * The `dpop` option of the gate (every adapter): the mode and how proofs are checked. Checked
 * once, at creation, with `TypeError` naming `dpop.<option>`. See docs/dpop.md.
 *
 * @example
 * ```ts
 * const requireAuth = authenticate({
 *   issuers,
 *   dpop: { mode: 'required', proofMaxAgeSeconds: 30, replayStore: createRedisDpopReplayStore({ url }) },
 * });
 * ```
 */
export interface DpopOptions {
  /** Default `allowed`. */
  readonly mode?: DpopMode;
  /** Proof algorithms accepted. Default: every asymmetric one (RS*, PS*, ES*, EdDSA); never HMAC or `none`. */
  readonly algorithms?: readonly Algorithm[];
  /** How old a proof's `iat` may be, in whole seconds (at most 3600). Default 60. */
  readonly proofMaxAgeSeconds?: number;
  /** How far ahead a proof's `iat` may be (clock skew), in seconds (at most 300). Default 5. */
  readonly clockToleranceSeconds?: number;
  /**
   * Where proof ids are remembered (RFC 9449 §11.1). Default: a memory store for this process
   * (`createMemoryDpopReplayStore()`); behind a load balancer, a shared one.
   */
  readonly replayStore?: DpopReplayStore;
  /**
   * How long a request waits for the replay store before answering 503. Default 1000 ms; at
   * most 2^31 − 1 (a timer's limit).
   */
  readonly replayTimeoutMs?: number;
  /**
   * Server nonces (RFC 9449 §8). Default `false`. This and the options above shape how proofs
   * are checked: with `mode: 'disabled'` none is, so setting one is a `TypeError`.
   */
  readonly nonce?: false | DpopNonceOptions;
  /**
   * Per issuer (its exact `iss`), with `mode: 'allowed'`: `'required'` refuses that issuer's
   * bearer tokens, `'disabled'` its DPoP-bound ones; other issuers follow `mode`.
   */
  readonly issuers?: Readonly<Record<string, DpopMode>>;
}

/**
 * DPoP options validated once ({@link dpopPolicy}), read by {@link checkDpopProof} on every
 * request.
 *
 * @example
 * ```ts
 * const policy: DpopPolicy = dpopPolicy('required');
 * policy.mode; // 'required'
 * ```
 */
export interface DpopPolicy {
  /** Which schemes the route accepts. */
  readonly mode: DpopMode;
  /** The accepted proof algorithms, for the `DPoP algs="…"` challenge (RFC 9449 §7.1). */
  readonly algorithms: readonly Algorithm[];
  /** How old a proof's `iat` may be, in seconds. */
  readonly proofMaxAgeSeconds: number;
  /** How far ahead a proof's `iat` may be, in seconds. */
  readonly clockToleranceSeconds: number;
  /** Where proof ids are remembered. */
  readonly replayStore: DpopReplayStore;
  /** How long a request waits for the replay store, in ms. */
  readonly replayTimeoutMs: number;
  /** `algorithms` as a set, for the check. */
  readonly algorithmSet: ReadonlySet<string>;
  /** The nonce source when nonces are on. */
  readonly nonces: DpopNonces | undefined;
  /** Proof keys already imported. */
  readonly keys: ProofKeyCache;
  /** `issuers`: the mode of each issuer that differs from `mode`. */
  readonly issuerModes: ReadonlyMap<string, DpopMode>;
  /** The nonce to send in `DPoP-Nonce` now, when nonces are on (RFC 9449 §8.1). */
  nonce(): string | undefined | Promise<string | undefined>;
  /** Closes the replay store when the policy made it (the default memory store); idempotent. */
  close(): Promise<void>;
}

const MODES: ReadonlySet<string> = new Set(['allowed', 'required', 'disabled']);
const MAX_PROOF_AGE_SECONDS = 3600;
const MAX_TOLERANCE_SECONDS = 300;

/** Proof keys kept imported: one a client, most clients sign every proof with the same key. */
const PROOF_KEY_ENTRIES = 10_000;
const PROOF_KEY_BYTES = 16 * 1024 * 1024;

/**
 * Validates the `dpop` option once, at creation: every mistake is a `TypeError` naming
 * `dpop.<option>`. A mode alone (`'required'`) stands for `{ mode }`.
 *
 * @example
 * ```ts
 * const policy = dpopPolicy({ mode: 'required', algorithms: ['ES256', 'EdDSA'] });
 * await checkDpopProof(policy, presentation, Date.now());
 * await policy.close(); // closes the memory replay store it made
 * ```
 */
export function dpopPolicy(options: DpopMode | DpopOptions | undefined): DpopPolicy {
  const given: DpopOptions =
    options === undefined ? {} : typeof options === 'string' ? { mode: options } : options;
  // A plain object only: the fields of a Map or a class instance are no options, and its
  // defaults would silently apply.
  if (!isPlainObject(given)) {
    throw new TypeError(
      `dpop must be 'allowed', 'required', 'disabled' or an object, got ${describe(options)}`,
    );
  }
  assertKnownKeys(given, OPTION_KEYS, 'dpop');
  const mode = given.mode ?? 'allowed';
  if (!MODES.has(mode)) {
    throw new TypeError(
      `dpop.mode must be 'allowed', 'required' or 'disabled', got ${describe(mode)}`,
    );
  }
  if (mode === 'disabled') refuseProofOptions(given);
  const algorithms = algorithmsOption(given.algorithms);
  const proofMaxAgeSeconds = positiveInteger(
    given.proofMaxAgeSeconds,
    'dpop.proofMaxAgeSeconds',
    60,
  );
  // RFC 9449 §11.1: proofs are accepted for "a relatively brief period"; every id must be
  // remembered that long, so the window also sizes the replay store.
  if (proofMaxAgeSeconds > MAX_PROOF_AGE_SECONDS) {
    throw new TypeError(
      `dpop.proofMaxAgeSeconds must be at most ${MAX_PROOF_AGE_SECONDS}, got ${proofMaxAgeSeconds}`,
    );
  }
  const clockToleranceSeconds = nonNegativeNumber(
    given.clockToleranceSeconds,
    'dpop.clockToleranceSeconds',
    5,
  );
  if (clockToleranceSeconds > MAX_TOLERANCE_SECONDS) {
    throw new TypeError(
      `dpop.clockToleranceSeconds must be at most ${MAX_TOLERANCE_SECONDS}, got ${clockToleranceSeconds}`,
    );
  }
  const replayTimeoutMs = durationMs(given.replayTimeoutMs, 'dpop.replayTimeoutMs', 1000);
  const ownsStore = given.replayStore === undefined;
  if (
    !ownsStore &&
    typeof (given.replayStore as Partial<DpopReplayStore> | null)?.remember !== 'function'
  ) {
    throw new TypeError(
      `dpop.replayStore must be a DpopReplayStore (an object with remember()), got ${describe(given.replayStore)}`,
    );
  }
  const replayStore = given.replayStore ?? createMemoryDpopReplayStore();
  const nonces = dpopNoncesOption(given.nonce);
  const issuerModes = issuerModesOption(given.issuers, mode);
  let closed: Promise<void> | undefined;
  return {
    mode,
    algorithms,
    proofMaxAgeSeconds,
    clockToleranceSeconds,
    replayStore,
    replayTimeoutMs,
    algorithmSet: new Set(algorithms),
    nonces,
    keys: createProofKeyCache(PROOF_KEY_ENTRIES, PROOF_KEY_BYTES),
    issuerModes,
    nonce: () => nonces?.current(Date.now()),
    close() {
      // A store the app passed in is the app's to close: it may serve other policies too.
      closed ??= ownsStore ? Promise.resolve(replayStore.close?.()) : Promise.resolve();
      return closed;
    },
  };
}

function algorithmsOption(value: unknown): readonly Algorithm[] {
  if (value === undefined) return SUPPORTED_ALGORITHMS;
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(`dpop.algorithms must be a non-empty list, got ${describe(value)}`);
  }
  for (const alg of value as unknown[]) {
    // RFC 9449 §4.2: a proof's `alg` is asymmetric, never `none` nor a MAC (RFC 8725 §3.1–3.2).
    if (!isSupportedAlgorithm(alg)) {
      throw new TypeError(
        `dpop.algorithms: ${describe(alg)} is not allowed; use ${SUPPORTED_ALGORITHMS.join(', ')} (never HMAC or none, RFC 9449 §4.2)`,
      );
    }
  }
  return Object.freeze([...new Set(value as Algorithm[])]);
}

/**
 * The options that shape how a proof is checked. With `mode: 'disabled'` no proof is ever
 * checked (a DPoP-bound token is refused before its proof is read), so one of them set there
 * would be silently ignored: most likely a mode mistyped or left over, which is refused instead.
 * `nonce: false` says what the mode already means, and `issuers` is checked on its own (a mode
 * per issuer other than the gate's needs `mode: 'allowed'`).
 */
const PROOF_OPTIONS = [
  'algorithms',
  'proofMaxAgeSeconds',
  'clockToleranceSeconds',
  'replayStore',
  'replayTimeoutMs',
  'nonce',
] as const satisfies readonly (keyof DpopOptions)[];

function refuseProofOptions(given: DpopOptions): void {
  for (const name of PROOF_OPTIONS) {
    const value: unknown = given[name];
    if (value === undefined || (name === 'nonce' && value === false)) continue;
    throw new TypeError(
      `dpop.${name} has no effect with dpop.mode 'disabled', which checks no DPoP proof: drop it, or set dpop.mode to 'allowed' or 'required'`,
    );
  }
}

const OPTION_KEYS = optionKeys<DpopOptions>({
  mode: true,
  algorithms: true,
  proofMaxAgeSeconds: true,
  clockToleranceSeconds: true,
  replayStore: true,
  replayTimeoutMs: true,
  nonce: true,
  issuers: true,
});

/** `dpop.issuers`: a policy per exact `iss`, only under `mode: 'allowed'` (stricter only). */
function issuerModesOption(value: unknown, mode: DpopMode): ReadonlyMap<string, DpopMode> {
  const modes = new Map<string, DpopMode>();
  if (value === undefined) return modes;
  // A Map would pass as an object without entries: every mode in it silently dropped.
  if (!isPlainObject(value)) {
    throw new TypeError(`dpop.issuers must be an object of iss → mode, got ${describe(value)}`);
  }
  for (const [issuer, issuerMode] of Object.entries(value)) {
    if (issuer === '' || !MODES.has(issuerMode as string)) {
      throw new TypeError(
        `dpop.issuers[${JSON.stringify(issuer)}] must be 'allowed', 'required' or 'disabled', got ${describe(issuerMode)}`,
      );
    }
    if (issuerMode !== mode && mode !== 'allowed') {
      throw new TypeError(
        `dpop.issuers[${JSON.stringify(issuer)}]: a mode per issuer needs dpop.mode 'allowed' (the gate's challenge offers only ${mode === 'required' ? 'DPoP' : 'Bearer'})`,
      );
    }
    if (issuerMode !== mode) modes.set(issuer, issuerMode as DpopMode);
  }
  return modes;
}
