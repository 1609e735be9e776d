import { printBanner } from './banner.mjs';

/**
 * Starts an example server, announces it (the banner's first line is the "listening on" line
 * scripts wait for), and shuts it down cleanly on SIGINT/SIGTERM.
 */
export async function runExample({ name, config, listen, close }) {
  const port = await listen(config.port, config.host);
  await printBanner({ name, url: `http://localhost:${port}`, embedded: config.embedded });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      void close();
      void config.embedded?.close();
    });
  }
}

/** `listen`/`close` for apps with a Node-style `app.listen()` (Express, Koa). */
export function nodeServer(app) {
  let server;
  return {
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server = app.listen(port, host, () => resolve(server.address().port));
        server.once('error', reject);
      }),
    close: async () => {
      server.close();
      server.closeAllConnections();
    },
  };
}
