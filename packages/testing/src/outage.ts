import type { ServerResponse } from 'node:http';
import type { OutageMode, OutageOptions } from './types.js';
import { assertKnownKeys } from './known-keys.js';

const OUTAGE_MODES: readonly OutageMode[] = ['refuse', 'error', 'slow', 'garbage', 'hang', 'huge'];
const DEFAULT_STATUS = 503;
const DEFAULT_DELAY_MS = 5000;
// Large enough to trip any sane response-size limit of a JWKS client (real sets are < 10 KB).
const HUGE_PADDING_BYTES = 10 * 1024 * 1024;
// Node's timers turn a longer delay into 1 ms, so a "very slow" IdP would answer at once.
const MAX_DELAY_MS = 2 ** 31 - 1;

/** An outage the server answers itself; `refuse` never reaches a handler. */
export interface AnsweredOutage {
  readonly mode: Exclude<OutageMode, 'refuse'>;
  readonly status: number;
  readonly delayMs: number;
  readonly retryAfter: number | undefined;
  /** How many requests the outage answers before it ends by itself; `undefined`: no limit. */
  readonly requests: number | undefined;
}

export type Outage = AnsweredOutage | { readonly mode: 'refuse' };

export function parseOutage(mode: unknown, options: OutageOptions = {}): Outage {
  if (typeof mode !== 'string' || !(OUTAGE_MODES as readonly string[]).includes(mode)) {
    throw new TypeError(`outage mode must be one of ${OUTAGE_MODES.join(', ')}`);
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('outage options must be an object');
  }
  assertKnownKeys(options, OUTAGE_OPTION_KEYS, 'outage');
  const { status = DEFAULT_STATUS, delayMs = DEFAULT_DELAY_MS, retryAfter, requests } = options;
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new TypeError('status must be an integer HTTP status from 200 to 599');
  }
  if (!Number.isFinite(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS) {
    throw new TypeError(`delayMs must be a number from 0 to ${MAX_DELAY_MS}`);
  }
  if (retryAfter !== undefined && (!Number.isSafeInteger(retryAfter) || retryAfter < 0)) {
    throw new TypeError('retryAfter must be a non-negative integer number of seconds');
  }
  if (requests !== undefined && (!Number.isSafeInteger(requests) || requests <= 0)) {
    throw new TypeError('requests must be a positive integer');
  }
  if (mode === 'refuse') {
    // A refused connection never reaches the server, so there is nothing to count.
    if (requests !== undefined) throw new TypeError("requests does not apply to 'refuse'");
    return { mode };
  }
  return { mode: mode as AnsweredOutage['mode'], status, delayMs, retryAfter, requests };
}

const OUTAGE_OPTION_KEYS = Object.keys({
  delayMs: true,
  status: true,
  retryAfter: true,
  requests: true,
} satisfies { readonly [K in keyof Required<OutageOptions>]: true });

/** What a responder needs from the server: the healthy answer and a place to park timers. */
export interface OutageResponseContext {
  /** Writes the healthy response; called late by `slow` so it reflects keys at that moment. */
  readonly respond: () => void;
  /** The healthy JSON body, for `huge` to pad. */
  readonly body: () => string;
  readonly headers: Record<string, string>;
  /** Timers the server clears on close, so a pending `slow` answer never outlives it. */
  readonly timers: Set<NodeJS.Timeout>;
}

export function respondDuringOutage(
  outage: AnsweredOutage,
  res: ServerResponse,
  context: OutageResponseContext,
): void {
  switch (outage.mode) {
    case 'error': {
      res.writeHead(outage.status, {
        'content-type': 'text/plain; charset=utf-8',
        ...(outage.retryAfter === undefined ? {} : { 'retry-after': String(outage.retryAfter) }),
      });
      res.end(`tokengate test issuer: simulated outage (${outage.status})\n`);
      return;
    }
    case 'slow': {
      const timer = setTimeout(() => {
        context.timers.delete(timer);
        if (!res.destroyed) context.respond();
      }, outage.delayMs);
      context.timers.add(timer);
      res.once('close', () => {
        clearTimeout(timer);
        context.timers.delete(timer);
      });
      return;
    }
    case 'garbage': {
      // Labelled JSON on purpose (a misbehaving proxy or captive portal), so a client must
      // survive the parse failure itself rather than rely on the content type.
      res.writeHead(200, context.headers);
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>\n');
      return;
    }
    case 'hang': {
      // Headers and the start of a chunked body go out at once; the rest never comes, which is
      // what a stalled upstream looks like to a client that only times out on the headers.
      res.writeHead(200, context.headers);
      res.write('{"keys":[');
      return;
    }
    case 'huge': {
      // The real document, padded: valid JSON, so only a response-size limit stops it. Chunked
      // without Content-Length, so the limit must be enforced while reading, not from a header.
      const body = context.body();
      res.writeHead(200, context.headers);
      res.write('{"x-tokengate-padding":"');
      res.write(Buffer.alloc(HUGE_PADDING_BYTES, 'x'));
      res.end(`",${body.slice(1)}`);
      return;
    }
  }
}
