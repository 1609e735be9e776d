import { UsageError } from '../io.js';

const TIMEOUT_MS = 5000;
/** A JWKS or discovery document is a few KiB; anything past this is refused, not buffered. */
const MAX_BYTES = 512 * 1024;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface FetchedJson {
  readonly url: string;
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/** Thrown when the IdP cannot be reached or answers badly: exit status 2, like a 503. */
export class FetchFailedError extends Error {
  override readonly name = 'FetchFailedError';
}

/**
 * `https:` only, except loopback `http:` (a local issuer) or with `--allow-insecure-http`:
 * keys fetched over plain http can be swapped by anyone on the path (RFC 8725 §3.8 spirit).
 */
export function checkUrl(value: string, allowInsecureHttp: boolean, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${what} is not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && (allowInsecureHttp || LOOPBACK.has(url.hostname))) return url;
  if (url.protocol === 'http:') {
    throw new UsageError(`${what} uses http: on a non-loopback host; pass --allow-insecure-http`);
  }
  throw new UsageError(`${what} must be an https: URL, got ${url.protocol}`);
}

/** GET with a 5 s deadline and a 512 KiB cap, parsed as JSON; redirects are not followed. */
export async function fetchJson(url: URL): Promise<FetchedJson> {
  let response: Response;
  try {
    response = await fetch(url, {
      redirect: 'manual',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new FetchFailedError(`${url.href}: ${reason(error)}`);
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new FetchFailedError(`${url.href}: HTTP ${response.status}`);
  }
  const text = await readCapped(response, url);
  try {
    return {
      url: url.href,
      status: response.status,
      headers: response.headers,
      body: JSON.parse(text),
    };
  } catch {
    throw new FetchFailedError(`${url.href}: the response is not JSON`);
  }
}

async function readCapped(response: Response, url: URL): Promise<string> {
  const length = Number(response.headers.get('content-length'));
  if (Number.isFinite(length) && length > MAX_BYTES) {
    await response.body?.cancel();
    throw new FetchFailedError(`${url.href}: response larger than ${MAX_BYTES} bytes`);
  }
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      if (size > MAX_BYTES) {
        throw new FetchFailedError(`${url.href}: response larger than ${MAX_BYTES} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof FetchFailedError) throw error;
    throw new FetchFailedError(`${url.href}: ${reason(error)}`);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function reason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError')
    return `no answer within ${TIMEOUT_MS} ms`;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  return error instanceof Error ? error.message : String(error);
}
