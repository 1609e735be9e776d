import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { AnsweredOutage, Outage } from './outage.js';
import { respondDuringOutage } from './outage.js';
import type { HttpAnswer } from './token-endpoint.js';

export interface JwksServerConfig {
  readonly jwksPath: string;
  readonly discoveryPath: string;
  readonly jwks: () => unknown;
  readonly discovery: () => unknown;
  readonly tokenPath: string;
  /** Answers a POST to the token endpoint; it reads the request body itself. */
  readonly token: (req: IncomingMessage) => Promise<HttpAnswer>;
  /** `''` sends no Cache-Control header. */
  readonly cacheControl: string;
}

export interface JwksServer {
  readonly port: number;
  readonly jwksRequests: number;
  readonly discoveryRequests: number;
  readonly tokenRequests: number;
  resetStats(): void;
  setOutage(outage: Outage | undefined): Promise<void>;
  close(): Promise<void>;
}

/** Serves the JWKS, discovery document and token endpoint on 127.0.0.1, with switchable outages. */
export async function startJwksServer(config: JwksServerConfig): Promise<JwksServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (config.cacheControl !== '') headers['cache-control'] = config.cacheControl;
  let jwksRequests = 0;
  let discoveryRequests = 0;
  let tokenRequests = 0;
  let outage: Outage | undefined;
  // Requests the current outage still answers before it ends by itself (`requests` option).
  let outageBudget: number | undefined;
  let closed = false;

  /** The outage that applies to the request arriving now, counted against its budget. */
  function takeOutage(): AnsweredOutage | undefined {
    if (outage === undefined || outage.mode === 'refuse') return undefined;
    const current = outage;
    if (outageBudget !== undefined) {
      outageBudget -= 1;
      if (outageBudget <= 0) {
        outage = undefined;
        outageBudget = undefined;
      }
    }
    return current;
  }

  function handleToken(req: IncomingMessage, res: ServerResponse): void {
    tokenRequests += 1;
    if (req.method !== 'POST') {
      // RFC 6749 §3.2: the client MUST use POST.
      res.writeHead(405, { allow: 'POST', 'content-type': 'application/json' });
      res.end('{"error":"method_not_allowed"}');
      return;
    }
    const current = takeOutage();
    config.token(req).then(
      (answer) => {
        if (res.destroyed) return;
        const respond = (): void => {
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
        };
        if (current === undefined) respond();
        else {
          const body = (): string => answer.body;
          respondDuringOutage(current, res, { respond, body, headers: answer.headers, timers });
        }
      },
      () => {
        if (res.headersSent) res.destroy();
        else
          res
            .writeHead(500, { 'content-type': 'application/json' })
            .end('{"error":"server_error"}');
      },
    );
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    // Any query string is ignored, as a static JWKS host would.
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === config.tokenPath) {
      handleToken(req, res);
      return;
    }
    let document: () => unknown;
    if (path === config.jwksPath) {
      jwksRequests += 1;
      document = config.jwks;
    } else if (path === config.discoveryPath) {
      discoveryRequests += 1;
      document = config.discovery;
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not_found"}');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' });
      res.end('{"error":"method_not_allowed"}');
      return;
    }
    const body = (): string => JSON.stringify(document());
    const respond = (): void => {
      res.writeHead(200, headers);
      res.end(body());
    };
    const current = takeOutage();
    if (current === undefined) respond();
    else respondDuringOutage(current, res, { respond, body, headers, timers });
  }

  const server = createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  function listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  // Destroying sockets, not just closing the listener, is what makes `refuse` cut keep-alive
  // connections and keeps hung responses from leaking handles past `close()`.
  function stopListening(): Promise<void> {
    return new Promise((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      if (!server.listening) {
        destroySockets();
        resolve();
        return;
      }
      server.close(() => resolve());
      destroySockets();
    });
  }

  function destroySockets(): void {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  }

  await listen(0);
  const { port } = server.address() as AddressInfo;

  return {
    port,
    get jwksRequests() {
      return jwksRequests;
    },
    get discoveryRequests() {
      return discoveryRequests;
    },
    get tokenRequests() {
      return tokenRequests;
    },
    resetStats() {
      jwksRequests = 0;
      discoveryRequests = 0;
      tokenRequests = 0;
    },
    async setOutage(next) {
      if (closed) throw new Error('the test issuer is closed');
      const wasRefusing = outage?.mode === 'refuse';
      const refusing = next?.mode === 'refuse';
      outage = next;
      outageBudget = next === undefined || next.mode === 'refuse' ? undefined : next.requests;
      if (refusing && !wasRefusing) await stopListening();
      if (!refusing && wasRefusing) {
        try {
          // The same port again, so URLs handed out before the outage stay valid.
          await listen(port);
        } catch (error) {
          outage = { mode: 'refuse' };
          throw error;
        }
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await stopListening();
    },
  };
}
