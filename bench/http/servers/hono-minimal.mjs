// Minimal verifier on Hono 4 (@hono/node-server): one middleware doing only `crypto.verify`
// (signature-only.mjs).
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { listenOn } from './serve.mjs';
import { loadVerifyKey, MINIMAL_BODY, signatureValid } from './signature-only.mjs';

const key = await loadVerifyKey();
const app = new Hono().get(
  '/me',
  (c, next) => (signatureValid(c.req.header('authorization'), key) ? next() : c.body(null, 401)),
  (c) => c.json(MINIMAL_BODY),
);
await listenOn(createAdaptorServer({ fetch: app.fetch }));
