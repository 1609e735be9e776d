// node examples/nestjs/server.mjs — see examples/shared/config.mjs for the environment.
import { loadConfig, runExample } from '@tokengate/example-shared';
import { buildApp } from './app.mjs';

const config = await loadConfig();
const app = await buildApp(config.gateOptions);
await runExample({
  name: 'NestJS',
  config,
  listen: async (port, host) => {
    await (host === undefined ? app.listen(port) : app.listen(port, host));
    return app.getHttpServer().address().port;
  },
  // Closes the server and, through the module, the verifier's JWKS timers.
  close: () => app.close(),
});
