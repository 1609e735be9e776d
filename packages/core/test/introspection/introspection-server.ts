// A tiny RFC 7662 introspection endpoint on 127.0.0.1 whose answers each test scripts: real
// HTTP, so deadlines, size caps and status handling are exercised as in production.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the endpoint received. */
export interface SeenRequest {
  readonly headers: IncomingMessage['headers'];
  readonly form: URLSearchParams;
}

/** What the endpoint answers; a function of the request, so one server serves many tokens. */
export interface ScriptedAnswer {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** An object is sent as JSON; a string as is. */
  readonly body?: unknown;
  /** Waits this long before answering (the deadline tests). */
  readonly delayMs?: number;
}

export interface IntrospectionServer {
  readonly url: string;
  readonly seen: SeenRequest[];
  answer: (request: SeenRequest) => ScriptedAnswer | Promise<ScriptedAnswer>;
  close(): Promise<void>;
}

export async function startIntrospectionServer(): Promise<IntrospectionServer> {
  const server = createServer((req, res) => void handle(req, res));
  const state: IntrospectionServer = {
    url: '',
    seen: [],
    answer: () => ({ body: { active: false } }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = {
      headers: req.headers,
      form: new URLSearchParams(Buffer.concat(chunks).toString('utf8')),
    };
    state.seen.push(request);
    const scripted = await state.answer(request);
    if (scripted.delayMs !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, scripted.delayMs));
    }
    if (res.destroyed) return;
    const body =
      typeof scripted.body === 'string' ? scripted.body : JSON.stringify(scripted.body ?? {});
    res.writeHead(scripted.status ?? 200, {
      'content-type': 'application/json',
      ...scripted.headers,
    });
    res.end(body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, { url: `http://127.0.0.1:${port}/introspect` });
}
