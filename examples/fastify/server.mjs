// node examples/fastify/server.mjs — see examples/shared/config.mjs for the environment.
import { loadConfig, runExample } from '@tokengate/example-shared';
import { buildApp } from './app.mjs';

const config = await loadConfig();
const app = await buildApp(config.gateOptions);
await runExample({
  name: 'Fastify',
  config,
  listen: async (port, host) => {
    // Fastify's default host, localhost, answers on both 127.0.0.1 and ::1.
    await app.listen({ port, ...(host === undefined ? {} : { host }) });
    return app.server.address().port;
  },
  close: () => app.close(),
});
