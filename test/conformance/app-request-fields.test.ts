// The core reads a request field by field, never the framework's request object as a whole:
// an app's own `req.identity` (a shared tenant object) or `req.origin` (the client's `Origin`)
// must not become the key of the gate's per-request proof memo or the origin proofs are
// checked against. Express and NestJS on Express hand the core a copy of the fields only.
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { authenticate, errorHandler, oidcIssuer } from '@tokengate/express';
import { createDpopKey, createTestIssuer, type DpopKey, type TestIssuer } from '@tokengate/testing';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw } from '../support/raw-http-client.js';

let idp: TestIssuer;
let key: DpopKey;
let server: Server;
let base: string;
const TENANT = { name: 'shared across requests' };

beforeAll(async () => {
  idp = await createTestIssuer();
  key = await createDpopKey();
  const app = express();
  // What an app's own middleware may well do.
  app.use((req, _res, next) => {
    Object.assign(req, { identity: TENANT, origin: req.get('origin') });
    next();
  });
  const requireAuth = authenticate({
    issuers: [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience })],
    dpop: 'required',
  });
  app.get('/orders', requireAuth, (_req, res) => res.json({ ok: true }));
  app.use(errorHandler());
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await idp.close();
});

const port = () => Number(new URL(base).port);

describe('Express: fields the app set on req are not the core’s', () => {
  it('a shared req.identity does not let a later request skip or replay its proof', async () => {
    const token = await idp.accessToken({ dpop: key });
    const proof = await key.proof({ method: 'GET', url: `${base}/orders`, accessToken: token });
    const victim = await sendRaw(port(), {
      path: '/orders',
      headers: [
        ['Authorization', `DPoP ${token}`],
        ['DPoP', proof],
      ],
    });
    expect(victim.status).toBe(200);
    const noProof = await sendRaw(port(), {
      path: '/orders',
      headers: [['Authorization', `DPoP ${token}`]],
    });
    expect([noProof.status, JSON.parse(noProof.body).error]).toEqual([401, 'invalid_dpop_proof']);
    const replay = await sendRaw(port(), {
      path: '/orders',
      headers: [
        ['Authorization', `DPoP ${token}`],
        ['DPoP', proof],
      ],
    });
    expect([replay.status, JSON.parse(replay.body).error]).toEqual([401, 'invalid_dpop_proof']);
  });

  it('a req.origin copied from the client does not choose the origin the proof is checked against', async () => {
    const token = await idp.accessToken({ dpop: key });
    const proof = await key.proof({
      method: 'GET',
      url: 'https://other-api.example/orders',
      accessToken: token,
    });
    const answer = await sendRaw(port(), {
      path: '/orders',
      headers: [
        ['Authorization', `DPoP ${token}`],
        ['DPoP', proof],
        ['Origin', 'https://other-api.example'],
      ],
    });
    expect([answer.status, JSON.parse(answer.body).error]).toEqual([401, 'invalid_dpop_proof']);
  });
});
