// node examples/express/server.mjs — see examples/shared/config.mjs for the environment.
import { loadConfig, nodeServer, runExample } from '@tokengate/example-shared';
import { buildApp } from './app.mjs';

const config = await loadConfig();
await runExample({ name: 'Express', config, ...nodeServer(buildApp(config.gateOptions)) });
