// A TCP port on 127.0.0.1 that nothing listens on, for servers that must be told their port up
// front (redis-server has no `--port 0`). Another process may take it before the caller binds
// it; on loopback in a test run that race has not been seen, and a clash fails loudly.
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}
