// node examples/hono/server.mjs — see examples/shared/config.mjs for the environment.
import { createAdaptorServer } from '@hono/node-server';
import { loadConfig, nodeServer, runExample } from '@tokengate/example-shared';
import { buildApp } from './app.mjs';

const config = await loadConfig();
// @hono/node-server: a Node `http.Server` around the app's `fetch`; it also hands the raw
// header lines to the middleware (`c.env.incoming`), so duplicated Authorization lines are seen.
const server = createAdaptorServer({ fetch: buildApp(config.gateOptions).fetch });
await runExample({ name: 'Hono', config, ...nodeServer(server) });
