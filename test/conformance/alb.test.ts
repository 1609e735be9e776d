// Behind an Application Load Balancer the adapters read `x-amzn-oidc-data` instead of
// `Authorization`, identically in Express, Koa and Fastify.
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAlbVerifier } from '@tokengate/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AdapterName, type RunningApp } from './apps.js';
import { sendRaw } from '../support/raw-http-client.js';

const ARN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188';
const CLIENT = '1example23456789';
const ISS = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123';
const ADAPTERS: readonly AdapterName[] = [
  'express',
  'koa',
  'fastify',
  'hono',
  'nestjs',
  'nestjs-fastify',
];

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const kid = randomUUID();
let keyServer: Server;
const apps = new Map<AdapterName, RunningApp>();

/** An ALB-shaped token: ES256, signer and client in the header, base64 padding kept. */
function albToken(claims: Record<string, unknown>): string {
  const padded = (value: unknown) =>
    Buffer.from(JSON.stringify(value)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  const exp = Math.floor(Date.now() / 1000) + 120;
  const input = `${padded({ alg: 'ES256', kid, signer: ARN, iss: ISS, client: CLIENT, exp })}.${padded({ iss: ISS, exp, ...claims })}`;
  const signature = sign('sha256', Buffer.from(input), {
    key: privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${signature.toString('base64').replace(/\+/g, '-').replace(/\//g, '_')}`;
}

beforeAll(async () => {
  keyServer = createServer((req, res) => {
    if (req.url !== `/${kid}`) return void res.writeHead(404).end();
    res.writeHead(200).end(publicKey.export({ type: 'spki', format: 'pem' }));
  });
  await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
  const albVerifier = createAlbVerifier({
    region: 'us-east-1',
    albArn: ARN,
    clientId: CLIENT,
    issuer: ISS,
    keyBaseUrl: `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}/`,
  });
  for (const adapter of ADAPTERS)
    apps.set(adapter, await startApp(adapter, { albVerifier, realm: 'tokengate' }));
});
afterAll(async () => {
  await Promise.all([...apps.values()].map((app) => app.close()));
  keyServer.closeAllConnections();
  keyServer.close();
});

describe.each(ADAPTERS)('%s behind an ALB', (adapter) => {
  const port = () => apps.get(adapter)?.port ?? 0;

  it('reads the user from x-amzn-oidc-data', async () => {
    const token = albToken({ sub: 'alb-user', 'cognito:groups': ['admin'] });
    const me = await sendRaw(port(), { path: '/me', headers: [['x-amzn-oidc-data', token]] });
    expect([me.status, JSON.parse(me.body)]).toEqual([200, { route: '/me', sub: 'alb-user' }]);
    const admin = await sendRaw(port(), { path: '/admin', headers: [['X-Amzn-Oidc-Data', token]] });
    expect(admin.status).toBe(200);
  });

  it('ignores Authorization and answers 401 without the ALB header', async () => {
    const response = await sendRaw(port(), {
      path: '/me',
      headers: [['Authorization', 'Bearer abc']],
    });
    expect([response.status, response.headers['www-authenticate']]).toEqual([
      401,
      'Bearer realm="tokengate"',
    ]);
  });

  it('refuses two ALB headers and a forged one', async () => {
    const token = albToken({ sub: 'alb-user' });
    const twice = await sendRaw(port(), {
      path: '/me',
      headers: [
        ['x-amzn-oidc-data', token],
        ['x-amzn-oidc-data', token],
      ],
    });
    expect(twice.status).toBe(400);
    const forged = await sendRaw(port(), {
      path: '/me',
      headers: [['x-amzn-oidc-data', `${token.slice(0, -6)}AAAA==`]],
    });
    expect([forged.status, JSON.parse(forged.body).error]).toEqual([401, 'invalid_token']);
  });

  // The ALB header has no syntax check of its own: raw bytes 0x80–0xFF (what the UTF-8 of "é"
  // and "Ł" arrives as) reach the core, which refuses anything but ASCII base64url.
  it('refuses raw non-ASCII bytes in the header', async () => {
    const token = albToken({ sub: 'alb-user' });
    const dot = token.indexOf('.');
    for (const lookAlike of ['é', 'Ł']) {
      const bent = `${token.slice(0, dot + 5)}${lookAlike}${token.slice(dot + 6)}`;
      const response = await sendRaw(port(), {
        path: '/me',
        headers: [['x-amzn-oidc-data', bent]],
      });
      expect([response.status, JSON.parse(response.body)]).toEqual([
        401,
        { error: 'invalid_token', error_description: 'Token payload is not base64url' },
      ]);
    }
  });
});
