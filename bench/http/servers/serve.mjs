// Shared tail of every bench server: listen on an ephemeral loopback port, announce it on
// stdout (the suite's ready signal), and report this process's CPU time when the suite asks,
// so it can divide server CPU by the requests of one measured run.
import { createServer } from 'node:http';

/** Starts a `node:http` server for a request listener (Express app, Koa callback). */
export async function listen(listener) {
  const server = createServer(listener);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  announce(server);
}

/** Announces an already listening server and answers CPU samples over the IPC channel. */
export function announce(server) {
  process.on('message', (message) => {
    // Microseconds of user + system time: the server's own cost, whatever the client does.
    if (message === 'cpu') process.send?.({ cpuMicros: cpuMicros() });
  });
  process.once('SIGTERM', () => {
    server.closeAllConnections?.();
    server.close(() => process.exit(0));
  });
  process.stdout.write(`${server.address().port}\n`);
}

function cpuMicros() {
  const { user, system } = process.cpuUsage();
  return user + system;
}
