import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Outage } from './outage.js';
import { respondDuringOutage } from './outage.js';

export interface JwksServerConfig {
  readonly jwksPath: string;
  readonly discoveryPath: string;
  readonly jwks: () => unknown;
  readonly discovery: () => unknown;
  /** `''` sends no Cache-Control header. */
  readonly cacheControl: string;
}

export interface JwksServer {
  readonly port: number;
  readonly jwksRequests: number;
  readonly discoveryRequests: number;
  resetStats(): void;
  setOutage(outage: Outage | undefined): Promise<void>;
  close(): Promise<void>;
}

/** Serves the JWKS and discovery document on 127.0.0.1, with switchable outages. */
export async function startJwksServer(config: JwksServerConfig): Promise<JwksServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (config.cacheControl !== '') headers['cache-control'] = config.cacheControl;
  let jwksRequests = 0;
  let discoveryRequests = 0;
  let outage: Outage | undefined;
  let closed = false;

  function handle(req: IncomingMessage, res: ServerResponse): void {
    // Any query string is ignored, as a static JWKS host would.
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
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
    if (outage === undefined || outage.mode === 'refuse') respond();
    else respondDuringOutage(outage, res, { respond, body, headers, timers });
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
    resetStats() {
      jwksRequests = 0;
      discoveryRequests = 0;
    },
    async setOutage(next) {
      if (closed) throw new Error('the test issuer is closed');
      const wasRefusing = outage?.mode === 'refuse';
      const refusing = next?.mode === 'refuse';
      outage = next;
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
