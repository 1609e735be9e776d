// HTTP/1.1 over a bare TLS connection, for the mutual-TLS tests (RFC 8705): the client chooses
// its certificate (or none), every header line, and may resume an earlier TLS session; the
// answer is read byte for byte, as sendRaw reads a plain one.
import { connect, type ConnectionOptions } from 'node:tls';
import { parseResponse } from './http-response.js';
import type { RawRequest, RawResponse } from './raw-http-client.js';

export interface TlsClientOptions {
  /** The CA that issued the server's certificate (a test's own, for 127.0.0.1). */
  readonly ca: string;
  /** The client certificate (PEM) and its private key (PEM); both or neither. */
  readonly cert?: string;
  readonly key?: string;
  /** A session from an earlier answer's `session`, to resume it (RFC 8446 §2.2). */
  readonly session?: Buffer;
}

export interface TlsResponse extends RawResponse {
  /** Whether the handshake resumed `options.session` rather than running in full. */
  readonly resumed: boolean;
  /** The last session ticket the server sent, for a later resumption. */
  readonly session: Buffer | undefined;
}

/**
 * Sends one request over a new TLS connection to 127.0.0.1 and resolves with the complete
 * response; rejects on a TLS or socket error, a response cut short, or 10 s without a byte.
 */
export function sendTls(
  port: number,
  request: RawRequest,
  options: TlsClientOptions,
): Promise<TlsResponse> {
  const body = request.body ?? '';
  const lines = [
    `${request.method ?? 'GET'} ${request.path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Connection: close',
    ...(request.headers ?? []).map(([name, value]) => `${name}: ${value}`),
  ];
  if (body.length > 0) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  const connection: ConnectionOptions = {
    host: '127.0.0.1',
    port,
    ca: options.ca,
    ...(options.cert === undefined ? {} : { cert: options.cert, key: options.key }),
    ...(options.session === undefined ? {} : { session: options.session }),
  };
  return new Promise((resolve, reject) => {
    const socket = connect(connection);
    const chunks: Buffer[] = [];
    let session: Buffer | undefined;
    let resumed = false;
    socket.setTimeout(10_000, () => socket.destroy(new Error('response timed out')));
    // TLS 1.3 tickets arrive after the handshake; keep the last one (RFC 8446 §4.6.1).
    socket.on('session', (ticket: Buffer) => {
      session = ticket;
    });
    socket.once('secureConnect', () => {
      resumed = socket.isSessionReused();
      socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const { status, headers, body: text } = parseResponse(Buffer.concat(chunks));
      if (status === undefined) reject(new Error(`incomplete response: ${text.slice(0, 200)}`));
      else resolve({ status, headers, body: text, resumed, session });
    });
  });
}
