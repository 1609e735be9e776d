// Baseline: Hono 4 on @hono/node-server answering GET /me with no authentication at all.
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { listenOn } from './serve.mjs';

const app = new Hono().get('/me', (c) => c.json({ sub: 'anonymous' }));
await listenOn(createAdaptorServer({ fetch: app.fetch }));
