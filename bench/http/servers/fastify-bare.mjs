// Baseline: Fastify 5 answering GET /me with no authentication at all.
import Fastify from 'fastify';
import { announce } from './serve.mjs';

const app = Fastify();
app.get('/me', async () => ({ sub: 'anonymous' }));
await app.listen({ host: '127.0.0.1', port: 0 });
announce(app.server);
