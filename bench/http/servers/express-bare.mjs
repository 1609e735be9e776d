// Baseline: Express 5 answering GET /me with no authentication at all.
import express from 'express';
import { listen } from './serve.mjs';

const app = express();
app.get('/me', (_req, res) => res.json({ sub: 'anonymous' }));
await listen(app);
