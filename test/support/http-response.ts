// Parses a raw HTTP/1.1 response byte for byte, for the tests that talk to servers over bare
// sockets (conformance, fuzz): they must see exactly what a server sent.

export interface ParsedResponse {
  /** `undefined` when the bytes hold no complete status line and headers. */
  readonly status: number | undefined;
  /** Lower-cased names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export function parseResponse(bytes: Buffer): ParsedResponse {
  const headerEnd = bytes.indexOf('\r\n\r\n');
  if (headerEnd === -1) return { status: undefined, headers: {}, body: bytes.toString('utf8') };
  const [statusLine = '', ...headerLines] = bytes
    .subarray(0, headerEnd)
    .toString('latin1')
    .split('\r\n');
  const status = Number(statusLine.split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body = bytes.subarray(headerEnd + 4);
  if (headers['transfer-encoding']?.includes('chunked')) body = dechunk(body);
  return {
    status: Number.isInteger(status) ? status : undefined,
    headers,
    body: body.toString('utf8'),
  };
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let rest = body;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) return Buffer.concat(parts);
    parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
    rest = rest.subarray(lineEnd + 2 + size + 2);
  }
}
