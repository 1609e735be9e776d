// Serves an app on 127.0.0.1 and an ephemeral port, for the tests that call it over real HTTP:
// a Node request listener (an Express app, a Koa `app.callback()`) or a Fastify instance.
import type { FastifyInstance } from 'fastify';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Drops kept-alive connections too, so a test never waits on an idle socket. */
  close(): Promise<void>;
}

export function listenOnLoopback(handler: RequestListener): Promise<LoopbackServer> {
  return new Promise((resolve) => {
    const server = createServer(handler);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Fastify listens itself; an app that fails to start (a plugin throwing) is closed first. */
export async function listenFastify(app: FastifyInstance): Promise<LoopbackServer> {
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
  } catch (error) {
    await app.close();
    throw error;
  }
  const { port } = app.server.address() as AddressInfo;
  return { port, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
