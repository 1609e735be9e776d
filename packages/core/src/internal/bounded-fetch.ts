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
 * GETs a JSON document with a deadline covering headers and body, and a size cap checked
 * while the body streams in, so a hostile or broken endpoint can neither stall nor bloat us.
 * Rejects with a plain `Error` whose message is safe to log.
 */
export async function fetchJson(url: string, options: BoundedFetchOptions): Promise<FetchedJson> {
  // An explicit timer rather than AbortSignal.timeout(): its deadline holds even under GC
  // pressure, and it is cleared as soon as the body is in.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    return await fetchWithin(url, options, controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

async function fetchWithin(
  url: string,
  options: BoundedFetchOptions,
  signal: AbortSignal,
): Promise<FetchedJson> {
  let response: Response;
  try {
    response = await options.fetch(url, {
      signal,
      redirect: 'error',
      headers: { accept: 'application/json' },
    });
  } catch (cause) {
    throw new Error(signal.aborted ? `timed out after ${options.timeoutMs} ms` : 'request failed', {
      cause,
    });
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    throw new Error(`HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length'));
  if (declared > options.maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new Error(`body larger than ${options.maxBytes} bytes`);
  }
  const text = await readCapped(response, options.maxBytes, signal, options.timeoutMs);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    throw new Error('body is not JSON', { cause });
  }
  return { body, cacheControl: response.headers.get('cache-control') };
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
