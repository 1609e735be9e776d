// node examples/express/server.mjs — see examples/shared/config.mjs for the environment.
import { loadConfig, printBanner } from '@tokengate/example-shared';
import { buildApp } from './app.mjs';

const config = await loadConfig();
const server = buildApp(config.gateOptions).listen(config.port, config.host, async () => {
  await printBanner({
    name: 'Express',
    url: `http://localhost:${server.address().port}`,
    embedded: config.embedded,
  });
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    void config.embedded?.close();
  });
}
