// The conformance table's DPoP scenarios (RFC 9449), run against every adapter over real HTTP
// on 127.0.0.1 with the default gate (`allowed`), `required`, `disabled` and server nonces:
// an adapter that answers differently from the others is a failing test.
import { createDpopKey } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from './apps.js';
import {
  ADAPTERS,
  createDpopWorld,
  dpopRequest,
  expectAnswer,
  ok,
  proofRefused,
  REALM,
  startDpopApps,
  USER_SUB,
  type DpopApp,
  type DpopWorld,
} from './dpop-kit.js';
import { DPOP_SCENARIOS } from './dpop-scenarios.js';
import { sendRaw, type RawResponse } from '../support/raw-http-client.js';

let world: DpopWorld;
let apps: Map<string, RunningApp>;

beforeAll(async () => {
  world = await createDpopWorld();
  apps = await startDpopApps(world, ['allowed', 'required', 'disabled', 'nonce']);
}, 60_000);

afterAll(async () => {
  await Promise.all([...(apps?.values() ?? [])].map((app) => app.close()));
  await world?.idp.close();
});

const NONCE_REQUIRED = {
  status: 401,
  challenge: `Bearer realm="${REALM}", DPoP realm="${REALM}", error="use_dpop_nonce", error_description="DPoP proof must carry the nonce the server provides", algs="ES256"`,
  body: {
    error: 'use_dpop_nonce',
    error_description: 'DPoP proof must carry the nonce the server provides',
  },
};

/** RFC 9449 §8.1: a nonce is an opaque non-empty string of NQCHAR; ours are base64url. */
function nonceOf(response: RawResponse): string {
  const nonce = response.headers['dpop-nonce'];
  expect(nonce).toMatch(/^[\w-]{16,}$/);
  return nonce!;
}

describe.each(ADAPTERS)('%s', (adapter) => {
  const appFor = (app: DpopApp): RunningApp => {
    const running = apps.get(`${app}:${adapter}`);
    if (running === undefined) throw new Error(`${app}:${adapter} did not start`);
    return running;
  };
  const origin = (app: DpopApp): string => `http://127.0.0.1:${appFor(app).port}`;

  it.each(DPOP_SCENARIOS)('$name', async ({ app = 'allowed', request, expected }) => {
    const response = await sendRaw(appFor(app).port, await request(world, origin(app)));
    expectAnswer(response, expected);
    // Server nonces are off in these apps: no answer names one.
    expect(response.headers['dpop-nonce']).toBeUndefined();
  });

  it('the proof is checked on every request, the cached token’s too', async () => {
    const port = appFor('allowed').port;
    const token = await world.idp.accessToken({ sub: USER_SUB, dpop: world.key });
    for (let i = 0; i < 3; i += 1) {
      const request = await dpopRequest(world, origin('allowed'), { token });
      expectAnswer(await sendRaw(port, request), ok());
    }
    const unproven = await dpopRequest(world, origin('allowed'), { token, lines: () => [] });
    expectAnswer(await sendRaw(port, unproven), proofRefused('Request has no DPoP proof'));
    const stranger = await dpopRequest(world, origin('allowed'), { token, key: world.other });
    expectAnswer(
      await sendRaw(port, stranger),
      proofRefused('DPoP proof key is not the key the token is bound to'),
    );
  });

  it('RSA keys: PS256 and RS256 proofs', async () => {
    for (const alg of ['PS256', 'RS256'] as const) {
      const key = await createDpopKey({ alg });
      const token = await world.idp.accessToken({ sub: USER_SUB, dpop: key });
      const request = await dpopRequest(world, origin('allowed'), { key, token });
      expectAnswer(await sendRaw(appFor('allowed').port, request), ok());
    }
  });

  describe('server nonces (RFC 9449 §8)', () => {
    const send = async (nonce?: string) =>
      sendRaw(
        appFor('nonce').port,
        await dpopRequest(world, origin('nonce'), nonce === undefined ? {} : { proof: { nonce } }),
      );

    it('a proof without a nonce: 401 use_dpop_nonce with DPoP-Nonce; the retry passes', async () => {
      const first = await send();
      expectAnswer(first, NONCE_REQUIRED);
      const nonce = nonceOf(first);
      const retry = await send(nonce);
      expectAnswer(retry, ok());
      // RFC 9449 §8.2: the success carries the nonce to use next.
      expect(nonceOf(retry)).toBe(nonce);
      expectAnswer(await send(nonce), ok());
    });

    it('a nonce another server with the same secret issued is accepted', async () => {
      const issuer = adapter === 'express' ? 'koa' : 'express';
      const answer = await sendRaw(
        apps.get(`nonce:${issuer}`)!.port,
        await dpopRequest(world, `http://127.0.0.1:${apps.get(`nonce:${issuer}`)!.port}`),
      );
      expectAnswer(await send(nonceOf(answer)), ok());
    });

    it('a bearer token needs no nonce, and its answer still carries one', async () => {
      const response = await sendRaw(appFor('nonce').port, {
        path: '/me',
        headers: [['Authorization', `Bearer ${world.plain}`]],
      });
      expectAnswer(response, ok());
      nonceOf(response);
    });
  });
});
