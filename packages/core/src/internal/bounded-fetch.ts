/** What a bounded fetch returns: the status, headers, and the body of a 200 (else empty). */
export interface FetchedText {
  readonly status: number;
  readonly headers: Headers;
  /** The UTF-8 body of a 200 answer; empty for any other status (that body is not read). */
  readonly body: string;
}

/** What a bounded JSON fetch returns on success. */
export interface FetchedJson {
  readonly body: unknown;
  readonly cacheControl: string | null;
}

export interface BoundedFetchOptions {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly fetch: typeof globalThis.fetch;
}

/**
 * GETs a small document with one deadline covering headers and body, a size cap checked
 * while the body streams in, and no redirects (a key location must not move: following a
 * redirect would let it point anywhere). A hostile or broken endpoint can neither stall nor
 * bloat us. A non-200 status resolves, so callers can tell "not found" from an outage;
 * network failures reject with a plain `Error` whose message is safe to log.
 */
export async function fetchText(
  url: string,
  options: BoundedFetchOptions,
  accept = 'application/json',
): Promise<FetchedText> {
  // An explicit timer rather than AbortSignal.timeout(): its deadline holds even under GC
  // pressure, and it is cleared as soon as the body is in.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    return await fetchWithin(url, options, accept, controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

/** `fetchText` for JSON documents (JWKS, discovery): anything but a 200 with JSON rejects. */
export async function fetchJson(url: string, options: BoundedFetchOptions): Promise<FetchedJson> {
  const { status, headers, body } = await fetchText(url, options);
  if (status !== 200) throw new Error(`HTTP ${status}`);
  try {
    return { body: JSON.parse(body), cacheControl: headers.get('cache-control') };
  } catch (cause) {
    throw new Error('body is not JSON', { cause });
  }
}

async function fetchWithin(
  url: string,
  options: BoundedFetchOptions,
  accept: string,
  signal: AbortSignal,
): Promise<FetchedText> {
  let response: Response;
  try {
    response = await options.fetch(url, { signal, redirect: 'error', headers: { accept } });
  } catch (cause) {
    throw new Error(signal.aborted ? `timed out after ${options.timeoutMs} ms` : 'request failed', {
      cause,
    });
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    return { status: response.status, headers: response.headers, body: '' };
  }
  const declared = Number(response.headers.get('content-length'));
  if (declared > options.maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new Error(`body larger than ${options.maxBytes} bytes`);
  }
  const body = await readCapped(response, options.maxBytes, signal, options.timeoutMs);
  return { status: 200, headers: response.headers, body };
}

async function readCapped(
  response: Response,
  maxBytes: number,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<string> {
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) throw new Error(`body larger than ${maxBytes} bytes`);
      chunks.push(value);
    }
  } catch (cause) {
    await reader.cancel().catch(() => undefined);
    if (signal.aborted) throw new Error(`timed out after ${timeoutMs} ms`, { cause });
    throw cause instanceof Error && cause.message.startsWith('body larger')
      ? cause
      : new Error('body could not be read', { cause });
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
