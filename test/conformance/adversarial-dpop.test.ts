// The adversarial catalogue's DPoP families (RFC 9449), run against every adapter over real
// HTTP on 127.0.0.1: each row is an attack, answered with its exact status, challenge and body;
// never a 200, and never a 5xx except when the replay store cannot answer. Each row's stable
// `code` is checked once on the gate itself, since the body carries only the OAuth `error`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from './apps.js';
import { PROOF_ALG, PROOF_FORM, PROOF_KEY } from './adversarial-dpop-proof.js';
import { PROOF_REQUEST } from './adversarial-dpop-request.js';
import { SCHEME, STORE } from './adversarial-dpop-scheme.js';
import {
  ADAPTERS,
  createDpopWorld,
  dpopRequest,
  expectAnswer,
  gateCode,
  proofRefused,
  startDpopApps,
  type DpopAttack,
  type DpopWorld,
} from './dpop-kit.js';
import { sendRaw } from '../support/raw-http-client.js';

const ATTACKS: readonly DpopAttack[] = [
  ...PROOF_FORM,
  ...PROOF_ALG,
  ...PROOF_KEY,
  ...PROOF_REQUEST,
  ...SCHEME,
  ...STORE,
];

let world: DpopWorld;
let apps: Map<string, RunningApp>;

beforeAll(async () => {
  world = await createDpopWorld();
  apps = await startDpopApps(world, [...new Set(ATTACKS.map((attack) => attack.app ?? 'allowed'))]);
}, 60_000);

afterAll(async () => {
  await Promise.all([...(apps?.values() ?? [])].map((app) => app.close()));
  await world?.idp.close();
});

describe.each(ADAPTERS)('%s', (adapter) => {
  it.each(ATTACKS)('$name', async ({ app = 'allowed', request, expected }) => {
    const running = apps.get(`${app}:${adapter}`);
    if (running === undefined) throw new Error(`${app}:${adapter} did not start`);
    const requests = [await request(world, `http://127.0.0.1:${running.port}`)].flat();
    const last = requests.pop()!;
    for (const first of requests) {
      expect((await sendRaw(running.port, first)).status, 'the original request').toBe(200);
    }
    const response = await sendRaw(running.port, last);
    expect(response.status).not.toBe(200);
    if (response.status >= 500) expect(expected.status).toBe(503);
    expectAnswer(response, expected);
    // RFC 9449 §8: a use_dpop_nonce answer names the nonce to use.
    if (expected.status === 401 && response.body.includes('use_dpop_nonce')) {
      expect(response.headers['dpop-nonce']).toMatch(/^[\w-]{16,}$/);
    }
  });

  it('the same proof sent ten times at once: accepted once (RFC 9449 §11.1)', async () => {
    const running = apps.get(`allowed:${adapter}`)!;
    const request = await dpopRequest(world, `http://127.0.0.1:${running.port}`);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => sendRaw(running.port, request)),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, ...Array<number>(9).fill(401)]);
    for (const answer of answers.filter((each) => each.status === 401)) {
      expectAnswer(answer, proofRefused('DPoP proof has already been used'));
    }
  });
});

describe('the gate itself', () => {
  it.each(ATTACKS)('$name: $code', async ({ app = 'allowed', code, request }) => {
    const port = 8080;
    const requests = [await request(world, `http://127.0.0.1:${port}`)].flat();
    expect(await gateCode(world, app, port, requests)).toBe(code);
  });
});
