import { connect } from 'node:net';

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
        resolve(parseResponse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error);
      }
    });
    socket.write(payload);
  });
}

function parseResponse(text: string): RawResponse {
  const headerEnd = text.indexOf('\r\n\r\n');
  if (headerEnd === -1)
    throw new Error(`incomplete response: ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine = '', ...headerLines] = text.slice(0, headerEnd).split('\r\n');
  const status = Number(statusLine.split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body = text.slice(headerEnd + 4);
  if (headers['transfer-encoding']?.includes('chunked')) body = dechunk(body);
  return { status, headers, body };
}

function dechunk(body: string): string {
  let result = '';
  let rest = body;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.slice(0, lineEnd), 16);
    if (!(size > 0)) return result;
    result += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}
