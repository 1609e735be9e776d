// HTTP/1.1 over a bare socket, for tests that must control every header line (Node's own client
// merges or refuses some, such as a second Authorization line) and see exactly what came back.
// Two clients share the framing: `sendRaw` for conformance, which rejects on any transport
// error, and `exchange` for the fuzzer, which never rejects because the server closed early (a
// parser error answers and hangs up while we may still be writing): only a hang rejects.
import { connect, type Socket } from 'node:net';
import { parseResponse, type ParsedResponse } from './http-response.js';

type HeaderLine = readonly [string, string];

export interface RawRequest {
  readonly method?: string;
  readonly path: string;
  /** Header lines in order; repeated names are sent as separate lines. */
  readonly headers?: readonly HeaderLine[];
  readonly body?: string;
}

export interface RawResponse {
  readonly status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface RawExchangeRequest {
  readonly method: string;
  /** Path and query, sent as is. */
  readonly target: string;
  /** Header lines in order, sent as UTF-8; repeated names are separate lines. */
  readonly headers: readonly HeaderLine[];
  /** A body gets a Content-Length line. */
  readonly body?: string | undefined;
}

/** `status` is `undefined` when the connection ended without a complete response head. */
export type RawExchange = ParsedResponse;

export interface ExchangeOptions {
  /** Default 5000. */
  readonly timeoutMs?: number;
  /** The error a hang rejects with; default a plain `Error`. */
  readonly onHang?: (message: string) => Error;
}

/** Request line, header lines, blank line, body: the bytes as they go on the wire. */
function encode(requestLine: string, headers: Iterable<HeaderLine>, body: string): string {
  const lines = [requestLine];
  for (const [name, value] of headers) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Connects to 127.0.0.1, writes `payload`, and gathers every byte the server sends back. */
function open(port: number, payload: string): { socket: Socket; received(): Buffer } {
  const socket = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.write(payload);
  return { socket, received: () => Buffer.concat(chunks) };
}

/**
 * Sends one request and resolves with the complete response; rejects on a socket error, a
 * response cut short, or 10 s without a byte.
 */
export function sendRaw(port: number, request: RawRequest): Promise<RawResponse> {
  const body = request.body ?? '';
  const headers: HeaderLine[] = [
    ['Host', `127.0.0.1:${port}`],
    ['Connection', 'close'],
    ...(request.headers ?? []),
  ];
  if (body.length > 0 || (request.method !== undefined && request.method !== 'GET')) {
    headers.push(['Content-Length', String(Buffer.byteLength(body))]);
  }
  const payload = encode(`${request.method ?? 'GET'} ${request.path} HTTP/1.1`, headers, body);
  return new Promise((resolve, reject) => {
    const { socket, received } = open(port, payload);
    socket.setTimeout(10_000, () => socket.destroy(new Error('response timed out')));
    socket.on('error', reject);
    socket.on('end', () => {
      try {
        resolve(complete(received()));
      } catch (error) {
        reject(error);
      }
    });
  });
}

function complete(bytes: Buffer): RawResponse {
  const { status, headers, body } = parseResponse(bytes);
  if (status === undefined)
    throw new Error(`incomplete response: ${JSON.stringify(body.slice(0, 200))}`);
  return { status, headers, body };
}

/** The header lines `exchange` adds before the request's own, in order. */
export function framingHeaders(port: number, body: string | undefined): [string, string][] {
  const lines: [string, string][] = [
    ['Host', `127.0.0.1:${port}`],
    ['Connection', 'close'],
  ];
  if (body !== undefined) lines.push(['Content-Length', String(Buffer.byteLength(body))]);
  return lines;
}

/** Sends one request and resolves with whatever came back before the connection closed. */
export function exchange(
  port: number,
  request: RawExchangeRequest,
  { timeoutMs = 5000, onHang = (message) => new Error(message) }: ExchangeOptions = {},
): Promise<RawExchange> {
  const payload = encode(
    `${request.method} ${request.target} HTTP/1.1`,
    [...framingHeaders(port, request.body), ...request.headers],
    request.body ?? '',
  );
  return new Promise((resolve, reject) => {
    const { socket, received } = open(port, payload);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(onHang(`no response within ${timeoutMs} ms`));
    }, timeoutMs);
    // EPIPE/ECONNRESET after an early answer: the 'close' that follows reports what arrived.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseResponse(received()));
    });
  });
}
