// node examples/fastify/server.mjs — see examples/shared/config.mjs for the environment.
import { loadConfig, printBanner } from '@tokengate/example-shared';
import { buildApp } from './app.mjs';

const config = await loadConfig();
const app = await buildApp(config.gateOptions);
// Fastify's default host, localhost, answers on both 127.0.0.1 and ::1.
await app.listen({
  port: config.port,
  ...(config.host === undefined ? {} : { host: config.host }),
});
await printBanner({
  name: 'Fastify',
  url: `http://localhost:${app.server.address().port}`,
  embedded: config.embedded,
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    void app.close();
    void config.embedded?.close();
  });
}
