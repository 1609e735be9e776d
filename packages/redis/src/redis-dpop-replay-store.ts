import { createHash } from 'node:crypto';
import { createClient } from '@redis/client';
import { assertKnownKeys } from '@tokengate/core';
import { notifyListener } from './notify-listener.js';
import { integerAtLeast, isErrorReply, nonEmptyString } from './options.js';
import type {
  RedisDpopReplayClient,
  RedisDpopReplayEvent,
  RedisDpopReplayStore,
  RedisDpopReplayStoreOptions,
} from './redis-dpop-replay-types.js';

type DegradedReason = 'timeout' | 'overloaded' | 'unreachable' | 'refused';

/** A `remember()` whose command is in flight: what its deadline, or `close()`, has to undo. */
interface Waiter {
  readonly controller: AbortController;
  readonly reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

/** A client the store created: it may drop it (`destroy()`) and open another. */
type OwnedClient = RedisDpopReplayClient & { destroy(): unknown };

const MAX_COMMAND_TIMEOUT_MS = 60_000;

/**
 * A DPoP replay store for a fleet (RFC 9449 §11.1): each proof id is recorded with one atomic
 * `SET <key> 1 NX PX <ttl>`, so of two instances receiving the same proof at once exactly one
 * hears `OK` (new) and the other `nil` (a replay). Nothing is cached locally: a local "seen"
 * answer could only ever be `false`, and a local "new" one would be unsafe.
 *
 * Fails closed: a Redis error, a lost connection, a missed deadline or too many unanswered
 * commands rejects, which the core answers with 503; `remember()` never resolves `true` unless
 * Redis itself said `OK`.
 *
 * @example
 * ```ts
 * const replayStore = createRedisDpopReplayStore({ url: 'redis://cache:6379' });
 * app.use(authenticate({ issuers, dpop: { mode: 'required', replayStore } }));
 * ```
 */
export function createRedisDpopReplayStore(
  options: RedisDpopReplayStoreOptions,
): RedisDpopReplayStore {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options must be an object');
  }
  assertKnownKeys(options, OPTION_KEYS, 'createRedisDpopReplayStore');
  const keyPrefix = nonEmptyString(options.keyPrefix, 'keyPrefix', 'tokengate:dpop:');
  const timeoutMs = integerAtLeast(options.commandTimeoutMs, 'commandTimeoutMs', 1, 1000);
  if (timeoutMs > MAX_COMMAND_TIMEOUT_MS) {
    throw new TypeError(`commandTimeoutMs must be an integer of at most ${MAX_COMMAND_TIMEOUT_MS}`);
  }
  const maxPending = integerAtLeast(options.maxPending, 'maxPending', 1, 10_000);
  const onEvent = options.onEvent;
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    throw new TypeError('onEvent must be a function');
  }
  const url = urlOption(options);

  let client: RedisDpopReplayClient = options.client ?? ownedClient(url as string);
  const ownsClient = options.client === undefined;
  let closed = false;
  let healthy = true;
  let unhealthySince = 0;
  // Our commands in the client's queues, until Redis answers them or the connection drops:
  // what a hung Redis would otherwise let grow without bound.
  let pending = 0;
  const waiters = new Set<Waiter>();

  function emit(event: RedisDpopReplayEvent): void {
    notifyListener(onEvent, event);
  }
  const onError = (error: unknown): void => {
    if (!closed) emit({ type: 'dpop-replay-store-error', error });
  };

  /** Lets go of a connection of ours for good; its errors are of no interest any more. */
  function drop(connection: OwnedClient): void {
    connection.off('error', onError);
    connection.on('error', ignore); // an 'error' event without a listener would be fatal
    if (connection.isOpen) connection.destroy();
  }

  function open(connection: RedisDpopReplayClient): void {
    connection.on('error', onError);
    // node-redis reconnects by itself after a failed first attempt too; until then, commands
    // wait in its offline queue, each at most until its deadline.
    if (!connection.isOpen) connection.connect().catch(onError);
  }
  open(client);

  function degrade(reason: DegradedReason, error?: unknown): void {
    if (!healthy || closed) return;
    healthy = false;
    unhealthySince = Date.now();
    emit({ type: 'dpop-replay-store-degraded', reason, ...(error === undefined ? {} : { error }) });
  }

  /**
   * Replaces our own connection when a command missed its deadline although connected: the
   * server hangs or the TCP connection is half open, and the kernel may take many minutes to
   * notice. Destroying it rejects every command queued on it, so `pending` drops at once. At
   * most once per deadline: commands on the new connection need a full deadline to miss.
   */
  function reset(stalled: RedisDpopReplayClient): void {
    if (!ownsClient || closed || stalled !== client || !stalled.isReady) return;
    client = ownedClient(url as string);
    open(client);
    drop(stalled as OwnedClient);
    emit({ type: 'dpop-replay-store-connection-reset' });
  }

  function send(args: readonly string[]): Promise<unknown> {
    const connection = client;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { controller: new AbortController(), reject, timer: undefined };
      let command: Promise<unknown>;
      try {
        command = connection.sendCommand(args, { abortSignal: waiter.controller.signal });
      } catch (error) {
        reject(error as Error);
        return;
      }
      pending += 1;
      waiters.add(waiter);
      waiter.timer = setTimeout(() => {
        waiters.delete(waiter);
        // Still waiting to be written: node-redis removes it. Written: its reply comes, or the
        // connection drops; either way `pending` counts it until then.
        waiter.controller.abort();
        reject(new RedisDpopReplayTimeout(timeoutMs));
        reset(connection);
      }, timeoutMs);
      command.then(
        (reply) => {
          pending -= 1;
          if (finish(waiter)) resolve(reply);
        },
        (error: unknown) => {
          pending -= 1;
          if (finish(waiter)) reject(error as Error);
        },
      );
    });
  }

  /** Whether the waiter was still waiting (neither timed out nor closed). */
  function finish(waiter: Waiter): boolean {
    if (!waiters.delete(waiter)) return false;
    clearTimeout(waiter.timer);
    return true;
  }

  async function remember(key: string, expiresAtMs: number): Promise<boolean> {
    if (closed) throw new Error('the Redis DPoP replay store is closed');
    if (typeof key !== 'string') throw new TypeError('key must be a string');
    if (typeof expiresAtMs !== 'number' || !Number.isFinite(expiresAtMs)) {
      throw new TypeError('expiresAtMs must be a finite number of milliseconds since the epoch');
    }
    const ttlMs = Math.ceil(expiresAtMs - Date.now());
    // Past its expiry the key may have been recorded and already forgotten: the store cannot
    // tell new from replayed, so it does not say "new". The core never asks for such a key (the
    // proof's `iat` window is checked first), unless its clock or units are wrong, and then
    // refusing every proof is the visible, safe failure; a minimal TTL would silently turn
    // replay detection off.
    if (ttlMs <= 0) return false;
    if (pending >= maxPending) {
      degrade('overloaded');
      throw new Error(`the Redis DPoP replay store has ${pending} commands unanswered`);
    }
    let reply: unknown;
    try {
      reply = await send(['SET', keyPrefix + digest(key), '1', 'NX', 'PX', String(ttlMs)]);
    } catch (error) {
      if (closed) throw new Error('the Redis DPoP replay store is closed', { cause: error });
      if (error instanceof RedisDpopReplayTimeout) {
        degrade('timeout');
        throw error;
      }
      degrade(isErrorReply(error) ? 'refused' : 'unreachable', error);
      throw new Error('the Redis DPoP replay store could not record the proof', { cause: error });
    }
    // `OK` (a string, or a Buffer under a client's type mapping): set, so new. `nil`: present.
    const isNew = reply === null ? false : String(reply) === 'OK' ? true : undefined;
    if (isNew === undefined) {
      degrade('refused');
      throw new Error('the Redis DPoP replay store got an unexpected reply to SET NX');
    }
    if (!healthy) {
      healthy = true;
      emit({ type: 'dpop-replay-store-recovered', unavailableMs: Date.now() - unhealthySince });
    }
    return isNew;
  }

  return {
    remember,
    get pending() {
      return pending;
    },
    async close() {
      if (closed) return;
      closed = true;
      const error = new Error('the Redis DPoP replay store was closed');
      for (const waiter of waiters) {
        clearTimeout(waiter.timer);
        waiter.controller.abort();
        waiter.reject(error);
      }
      waiters.clear();
      // Destroyed, not QUIT: QUIT waits for replies a hung Redis never sends, and every
      // command still queued has just been answered with a rejection anyway.
      if (ownsClient) drop(client as OwnedClient);
      else client.off('error', onError);
    },
  };
}

/**
 * The Redis key of a store key: SHA-256 over its UTF-16 code units, base64url. The proof's
 * `jti` is chosen by the client (up to 256 characters, any JSON string): hashed, every key has
 * the same short length whatever the input, and two different strings never share a key. Over
 * UTF-16, not UTF-8: UTF-8 encoding turns every lone surrogate (legal in a JSON string, e.g.
 * `"\ud800"`) into U+FFFD, which would make distinct proof ids collide.
 */
function digest(key: string): string {
  return createHash('sha256').update(key, 'utf16le').digest('base64url');
}

function ignore(): void {}

function ownedClient(url: string): OwnedClient {
  return createClient({ url });
}

function urlOption(options: RedisDpopReplayStoreOptions): string | undefined {
  const { client, url } = options;
  if ((client === undefined) === (url === undefined)) {
    throw new TypeError('pass exactly one of client and url');
  }
  if (client !== undefined) {
    if (
      typeof client !== 'object' ||
      client === null ||
      typeof client.sendCommand !== 'function' ||
      typeof client.on !== 'function'
    ) {
      throw new TypeError('client must be a node-redis client (createClient())');
    }
    return undefined;
  }
  // Parsed here because node-redis would throw Node's ERR_INVALID_URL, whose `input` property
  // carries the whole URL, password included, into whatever logs the error. Never echoed.
  if (typeof url !== 'string' || !/^rediss?:\/\//.test(url) || !URL.canParse(url)) {
    throw new TypeError('url must be a redis:// or rediss:// URL');
  }
  return url;
}

/** A missed deadline, told apart from a Redis failure for the `degraded` event. */
class RedisDpopReplayTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`the Redis DPoP replay store got no answer within ${timeoutMs} ms`);
    this.name = 'RedisDpopReplayTimeout';
  }
}

const OPTION_KEYS = new Set(
  Object.keys({
    client: true,
    url: true,
    keyPrefix: true,
    commandTimeoutMs: true,
    maxPending: true,
    onEvent: true,
  } satisfies { readonly [K in keyof Required<RedisDpopReplayStoreOptions>]: true }),
);
