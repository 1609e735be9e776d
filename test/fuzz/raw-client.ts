// A raw HTTP/1.1 client for the fuzzer. Unlike test/conformance/raw-http.ts it never rejects
// because the server closed early (a parser error answers and hangs up while we may still be
// writing): it reports what came back, or that nothing did. Only a hang rejects.
import { connect } from 'node:net';
import { parseResponse } from '../support/http-response.js';
import { FuzzViolation } from './oracle.js';

export interface RawExchangeRequest {
  readonly method: string;
  /** Path and query, sent as is. */
  readonly target: string;
  /** Header lines in order, sent as UTF-8; repeated names are separate lines. */
  readonly headers: readonly (readonly [string, string])[];
  /** A body gets a Content-Length line. */
  readonly body?: string | undefined;
}

export interface RawExchange {
  /** `undefined` when the connection ended without a complete response head. */
  readonly status: number | undefined;
  /** Lower-cased names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The header lines the client adds before the request's own, in order. */
export function framingHeaders(port: number, body: string | undefined): [string, string][] {
  const lines: [string, string][] = [
    ['Host', `127.0.0.1:${port}`],
    ['Connection', 'close'],
  ];
  if (body !== undefined) lines.push(['Content-Length', String(Buffer.byteLength(body))]);
  return lines;
}

export function exchange(
  port: number,
  request: RawExchangeRequest,
  timeoutMs = 5000,
): Promise<RawExchange> {
  const lines = [`${request.method} ${request.target} HTTP/1.1`];
  for (const [name, value] of [...framingHeaders(port, request.body), ...request.headers]) {
    lines.push(`${name}: ${value}`);
  }
  const payload = `${lines.join('\r\n')}\r\n\r\n${request.body ?? ''}`;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new FuzzViolation(`no response within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // EPIPE/ECONNRESET after an early answer: the 'close' that follows reports what arrived.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseResponse(Buffer.concat(chunks)));
    });
    socket.write(payload);
  });
}
