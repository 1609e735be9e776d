import { connect } from 'node:net';
import { parseResponse } from '../support/http-response.js';

export interface RawRequest {
  readonly method?: string;
  readonly path: string;
  /** Header lines in order; repeated names are sent as separate lines. */
  readonly headers?: readonly (readonly [string, string])[];
  readonly body?: string;
}

export interface RawResponse {
  readonly status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Sends one HTTP/1.1 request over a raw socket, so tests control every header line (Node's
 * own client merges or refuses some, such as a second Authorization line).
 */
export function sendRaw(port: number, request: RawRequest): Promise<RawResponse> {
  const body = request.body ?? '';
  const lines = [
    `${request.method ?? 'GET'} ${request.path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Connection: close',
  ];
  for (const [name, value] of request.headers ?? []) lines.push(`${name}: ${value}`);
  if (body.length > 0 || (request.method !== undefined && request.method !== 'GET')) {
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  }
  const payload = `${lines.join('\r\n')}\r\n\r\n${body}`;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('response timed out')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      try {
        resolve(complete(Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    });
    socket.write(payload);
  });
}

function complete(bytes: Buffer): RawResponse {
  const { status, headers, body } = parseResponse(bytes);
  if (status === undefined)
    throw new Error(`incomplete response: ${JSON.stringify(body.slice(0, 200))}`);
  return { status, headers, body };
}
