// Minimal verifier on Express 5: one middleware doing only `crypto.verify` (signature-only.mjs).
import express from 'express';
import { listen } from './serve.mjs';
import { loadVerifyKey, MINIMAL_BODY, signatureValid } from './signature-only.mjs';

const key = await loadVerifyKey();
const app = express();
app.get(
  '/me',
  (req, res, next) =>
    signatureValid(req.headers.authorization, key) ? next() : res.sendStatus(401),
  (_req, res) => res.json(MINIMAL_BODY),
);
await listen(app);
