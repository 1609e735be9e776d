/** What a bounded fetch returns: the status, headers, and the body when it was read. */
export interface FetchedText {
  readonly status: number;
  readonly headers: Headers;
  /** The UTF-8 body, or empty when `readBody` said not to read it. */
  readonly body: string;
}

/** What a bounded JSON fetch returns on success. */
export interface FetchedJson {
  readonly body: unknown;
  readonly cacheControl: string | null;
}

export interface BoundedFetchOptions {
  /** Deadline of the whole fetch, headers and body together. */
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly fetch: typeof globalThis.fetch;
  /** Aborts the fetch at once (a cache being closed); it then rejects with reason `aborted`. */
  readonly signal?: AbortSignal;
}

export interface BoundedRequest {
  readonly method?: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** Which statuses' bodies to read; others are cancelled unread. Default: 200 only. */
  readonly readBody?: (status: number) => boolean;
}

/** Why a bounded fetch failed; the message is safe to log (no URL secrets, no body). */
export class BoundedFetchError extends Error {
  constructor(
    readonly reason: 'timeout' | 'network' | 'too-large' | 'unreadable' | 'aborted',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BoundedFetchError';
  }
}

/**
 * Sends one request with a deadline covering headers and body, a size cap checked while the
 * body streams in, and no redirects (a key location must not move, and a token request must
 * not replay credentials elsewhere). A hostile or broken endpoint can neither stall nor bloat
 * us. Any status resolves, so callers can tell "not found" from an outage.
 */
export async function boundedFetch(
  url: string,
  request: BoundedRequest,
  options: BoundedFetchOptions,
): Promise<FetchedText> {
  // An explicit timer rather than AbortSignal.timeout(): its deadline holds even under GC
  // pressure, and it is cleared as soon as the body is in.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  const outer = options.signal;
  const abort = (): void => controller.abort();
  if (outer !== undefined) {
    if (outer.aborted) controller.abort();
    else outer.addEventListener('abort', abort, { once: true });
  }
  try {
    return await fetchRetryingOnce(url, request, options, controller.signal);
  } catch (error) {
    // The owner closed: say so rather than "timed out", which would read as an IdP fault.
    throw outer?.aborted === true ? aborted(error) : error;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', abort);
  }
}

async function fetchRetryingOnce(
  url: string,
  request: BoundedRequest,
  options: BoundedFetchOptions,
  signal: AbortSignal,
): Promise<FetchedText> {
  if (signal.aborted) throw aborted();
  try {
    return await fetchWithin(url, request, options, signal);
  } catch (error) {
    // A pooled keep-alive socket the server already closed fails at once (ECONNRESET); a GET
    // is safe to send again, once, within the same deadline.
    const retriable =
      error instanceof BoundedFetchError &&
      error.reason === 'network' &&
      (request.method ?? 'GET') === 'GET' &&
      !signal.aborted;
    if (!retriable) throw error;
    return await fetchWithin(url, request, options, signal);
  }
}

/** A GET of a small text document (a PEM): the body of a 200 only. */
export function fetchText(
  url: string,
  options: BoundedFetchOptions,
  accept: string,
): Promise<FetchedText> {
  return boundedFetch(url, { headers: { accept } }, options);
}

/** A GET of a JSON document (JWKS, discovery): anything but a 200 with JSON rejects. */
export async function fetchJson(url: string, options: BoundedFetchOptions): Promise<FetchedJson> {
  const { status, headers, body } = await boundedFetch(
    url,
    { headers: { accept: 'application/json' } },
    options,
  );
  if (status !== 200) throw new BoundedFetchError('unreadable', `HTTP ${status}`);
  try {
    return { body: JSON.parse(body), cacheControl: headers.get('cache-control') };
  } catch (cause) {
    throw new BoundedFetchError('unreadable', 'body is not JSON', { cause });
  }
}

async function fetchWithin(
  url: string,
  request: BoundedRequest,
  options: BoundedFetchOptions,
  signal: AbortSignal,
): Promise<FetchedText> {
  // Node 20's fetch (undici) sometimes leaves a pending read unsettled when the signal aborts
  // after the headers are in, so every wait is raced against the deadline itself.
  const deadline = new Promise<never>((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(timedOut(options.timeoutMs)), { once: true });
  });
  deadline.catch(() => undefined); // no unhandled rejection once nothing waits on it
  let response: Response;
  try {
    // Called detached, not as `options.fetch(…)`: Workers' global fetch throws "Illegal
    // invocation" when its `this` is anything but the global object or undefined.
    const fetchFunction = options.fetch;
    const sent = fetchFunction(url, {
      method: request.method ?? 'GET',
      signal,
      // 'manual', refused below: Workers implement no 'error' mode (they throw on it).
      redirect: 'manual',
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    // Should the deadline win, a late response must still release its connection.
    sent.then(
      (late) => {
        if (signal.aborted) late.body?.cancel().catch(() => undefined);
      },
      () => undefined,
    );
    response = await Promise.race([sent, deadline]);
  } catch (cause) {
    throw signal.aborted
      ? timedOut(options.timeoutMs, cause)
      : new BoundedFetchError('network', 'request failed', { cause });
  }
  const { status, headers } = response;
  if (isRedirect(response)) {
    response.body?.cancel().catch(() => undefined);
    throw new BoundedFetchError('network', 'request failed', {
      cause: new Error(`redirect (HTTP ${status}) not followed`),
    });
  }
  if (!(request.readBody ?? isOk)(status)) {
    response.body?.cancel().catch(() => undefined);
    return { status, headers, body: '' };
  }
  if (Number(headers.get('content-length')) > options.maxBytes) {
    response.body?.cancel().catch(() => undefined);
    throw tooLarge(options.maxBytes);
  }
  const reader = response.body?.getReader();
  if (reader === undefined) return { status, headers, body: '' };
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), deadline]);
      if (done) break;
      size += value.byteLength;
      if (size > options.maxBytes) throw tooLarge(options.maxBytes);
      chunks.push(value);
    }
  } catch (cause) {
    // Not awaited: cancelling the same stuck stream could hang as well.
    reader.cancel().catch(() => undefined);
    if (cause instanceof BoundedFetchError) throw cause;
    throw signal.aborted
      ? timedOut(options.timeoutMs, cause)
      : new BoundedFetchError('unreadable', 'body could not be read', { cause });
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return { status, headers, body: LENIENT_UTF8.decode(body) };
}

const isOk = (status: number): boolean => status === 200;

/** WHATWG Fetch §2.2.6: the redirect statuses. */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * What `redirect: 'error'` would refuse (Fetch §4.4 step 6): a redirect status with a
 * `Location`, or the opaque redirect a browser's 'manual' mode hands back. A key set, discovery
 * document or token answer is never taken from anywhere but the URL that was configured.
 */
function isRedirect(response: Response): boolean {
  return (
    response.type === 'opaqueredirect' ||
    (REDIRECT_STATUSES.has(response.status) && response.headers.has('location'))
  );
}

// As Buffer#toString('utf8') decoded it: malformed bytes become U+FFFD (callers parse and
// validate the text), and a byte order mark stays in the text rather than being dropped.
const LENIENT_UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

function timedOut(timeoutMs: number, cause?: unknown): BoundedFetchError {
  return new BoundedFetchError('timeout', `timed out after ${timeoutMs} ms`, { cause });
}

function aborted(cause?: unknown): BoundedFetchError {
  return new BoundedFetchError('aborted', 'fetch aborted: closed', { cause });
}

function tooLarge(maxBytes: number): BoundedFetchError {
  return new BoundedFetchError('too-large', `body larger than ${maxBytes} bytes`);
}
