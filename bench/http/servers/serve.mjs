// Shared tail of every bench server: listen on an ephemeral loopback port, announce it on
// stdout (the suite's ready signal), and answer the suite's samples over the IPC channel:
// CPU and GC time (read before and after each measured run, so the suite can charge them to
// that run's requests) and the heap retained once the server's runs are over.
import { createServer } from 'node:http';
import { PerformanceObserver } from 'node:perf_hooks';

// Sum of GC pause durations since start, in ms. The observer callback runs on this event loop
// between requests; it allocates an entry list per batch, not per request.
let gcMillis = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMillis += entry.duration;
}).observe({ entryTypes: ['gc'] });

/** Starts a `node:http` server for a request listener (Express app, Koa callback). */
export async function listen(listener) {
  await listenOn(createServer(listener));
}

/** Listens with an existing `node:http` server (Hono's adaptor server) and announces it. */
export async function listenOn(server) {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  announce(server);
}

/** Announces an already listening server and answers samples over the IPC channel. */
export function announce(server) {
  process.on('message', (message) => {
    if (message === 'sample') {
      // Microseconds of user + system time: the server's own cost, whatever the client does.
      const { user, system } = process.cpuUsage();
      process.send?.({ cpuMicros: user + system, gcMicros: gcMillis * 1000 });
    } else if (message === 'heap') {
      // After a full collection, what the server still holds (caches, JIT state); the suite
      // asks only once the measured runs are over. The child runs with --expose-gc.
      globalThis.gc?.();
      process.send?.({ heapUsed: process.memoryUsage().heapUsed });
    }
  });
  process.once('SIGTERM', () => {
    server.closeAllConnections?.();
    server.close(() => process.exit(0));
  });
  process.stdout.write(`${server.address().port}\n`);
}
