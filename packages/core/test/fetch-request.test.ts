// gate.authenticateRequest(): the Fetch-API request path (Hono, Workers, Bun, Deno). Fetch
// `Headers` join repeated lines with ", " before we see them, so the duplicate-header cases of
// the adversarial catalogue are checked here on joined values, without raw header lines.
import {
  MAX_FORM_BODY_BYTES,
  cognitoIssuer,
  createGate,
  type Gate,
  type GateOptions,
} from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf } from './helpers.js';

let pool: TestIssuer;
let token: string;
const gates: Gate[] = [];

beforeAll(async () => {
  pool = await createTestIssuer({ kind: 'cognito' });
  token = await pool.accessToken({ sub: 'fetch-user' });
});
afterAll(async () => {
  await Promise.all(gates.map((gate) => gate.close()));
  await pool.close();
});

function gateFor(options: Partial<GateOptions> = {}): Gate {
  const gate = createGate({
    realm: 'api',
    issuers: [
      cognitoIssuer({
        userPoolId: pool.userPoolId ?? '',
        clientId: pool.clientId,
        issuerOverride: pool.issuer,
      }),
    ],
    ...options,
  } as GateOptions);
  gates.push(gate);
  return gate;
}

const URL_BASE = 'http://api.example.com';

/** Headers as a Fetch runtime builds them from the wire: repeated lines appended, so joined. */
function request(path: string, lines: [string, string][], init: RequestInit = {}): Request {
  const headers = new Headers();
  for (const [name, value] of lines) headers.append(name, value);
  return new Request(`${URL_BASE}${path}`, { ...init, headers });
}

const form = (body: string | ReadableStream<Uint8Array>, lines: [string, string][] = []): Request =>
  request('/orders', [['content-type', 'application/x-www-form-urlencoded'], ...lines], {
    method: 'POST',
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);

describe('authenticateRequest: headers', () => {
  it('verifies a Bearer token from Headers', async () => {
    const auth = await gateFor().authenticateRequest(
      request('/me', [['authorization', `Bearer ${token}`]]),
    );
    expect(auth?.subject).toBe('fetch-user');
  });

  it('answers a request without credentials with a bare 401', async () => {
    const error = await rejectionOf(gateFor().authenticateRequest(request('/me', [])));
    expect([error.code, error.realm]).toEqual(['CREDENTIALS_MISSING', 'api']);
  });

  it.each([
    ['two Bearer lines', [`Bearer TOKEN`, `Bearer TOKEN`], 'AUTHORIZATION_DUPLICATE'],
    [
      'a Basic line then a Bearer line',
      ['Basic dXNlcjpwYXNz', 'Bearer TOKEN'],
      'AUTHORIZATION_DUPLICATE',
    ],
    ['a Bearer line then an empty line', ['Bearer TOKEN', ''], 'AUTHORIZATION_MALFORMED'],
    [
      'a Bearer line then a Basic line',
      ['Bearer TOKEN', 'Basic dXNlcjpwYXNz'],
      'AUTHORIZATION_MALFORMED',
    ],
    ['one line with two comma-separated tokens', ['Bearer TOKEN,TOKEN'], 'AUTHORIZATION_MALFORMED'],
  ] as const)('refuses %s, joined by Headers, as invalid_request', async (_name, values, code) => {
    const lines = values.map((value): [string, string] => [
      'authorization',
      value.replaceAll('TOKEN', token),
    ]);
    const error = await rejectionOf(gateFor().authenticateRequest(request('/me', lines)));
    expect([error.status, error.error, error.code]).toEqual([400, 'invalid_request', code]);
  });

  it("leaves another scheme's own commas to that scheme: no bearer credentials", async () => {
    const digest = 'Digest username="u", realm="r", nonce="n", uri="/me", response="0"';
    const error = await rejectionOf(
      gateFor().authenticateRequest(request('/me', [['authorization', digest]])),
    );
    expect(error.code).toBe('CREDENTIALS_MISSING');
  });

  it('uses raw header lines when a Node server underneath passes them', async () => {
    // One line holding a Bearer member after a comma is malformed, not two lines.
    const line = `Bearer ${token}, Bearer ${token}`;
    const error = await rejectionOf(
      gateFor().authenticateRequest(request('/me', [['authorization', line]]), {
        rawHeaders: ['Authorization', line],
      }),
    );
    expect(error.code).toBe('AUTHORIZATION_MALFORMED');
  });
});

describe('authenticateRequest: query tokens', () => {
  it('takes ?access_token= only when allowed', async () => {
    const target = `/me?access_token=${token}`;
    const refused = await rejectionOf(gateFor().authenticateRequest(request(target, [])));
    expect(refused.code).toBe('CREDENTIALS_MISSING');
    const auth = await gateFor({ allowQueryToken: true }).authenticateRequest(request(target, []));
    expect(auth?.subject).toBe('fetch-user');
  });

  it('refuses a header token plus a query token', async () => {
    const error = await rejectionOf(
      gateFor().authenticateRequest(
        request(`/me?access%5Ftoken=${token}`, [['authorization', `Bearer ${token}`]]),
      ),
    );
    expect(error.code).toBe('MULTIPLE_TOKENS');
  });
});

describe('authenticateRequest: form-body tokens (RFC 6750 §2.2)', () => {
  it('reads a form-body token from a clone when allowed, leaving the body to the app', async () => {
    const req = form(`access_token=${token}&item=1`);
    const auth = await gateFor({ allowBodyToken: true }).authenticateRequest(req);
    expect(auth?.subject).toBe('fetch-user');
    expect(await req.text()).toBe(`access_token=${token}&item=1`);
  });

  it('does not read the body when body tokens are off', async () => {
    const req = form(`access_token=${token}`);
    const error = await rejectionOf(gateFor().authenticateRequest(req));
    expect([error.code, req.bodyUsed]).toEqual(['CREDENTIALS_MISSING', false]);
  });

  it('refuses a header token plus a form-body token, and two body tokens', async () => {
    const gate = gateFor({ allowBodyToken: true });
    const both = await rejectionOf(
      gate.authenticateRequest(
        form(`access_token=${token}`, [['authorization', `Bearer ${token}`]]),
      ),
    );
    const twice = await rejectionOf(
      gate.authenticateRequest(form(`access_token=${token}&access_token=${token}`)),
    );
    expect([both.code, twice.code]).toEqual(['MULTIPLE_TOKENS', 'MULTIPLE_TOKENS']);
  });

  it('ignores access_token in a JSON body and in a bracketed form name', async () => {
    const gate = gateFor({ allowBodyToken: true });
    const json = request('/orders', [['content-type', 'application/json']], {
      method: 'POST',
      body: JSON.stringify({ access_token: token }),
    });
    const codes = [
      (await rejectionOf(gate.authenticateRequest(json))).code,
      (await rejectionOf(gate.authenticateRequest(form(`access_token[]=${token}`)))).code,
    ];
    expect(codes).toEqual(['CREDENTIALS_MISSING', 'CREDENTIALS_MISSING']);
  });

  it('reads no body token under a look-alike content type (RFC 6750 §2.2)', async () => {
    const gate = gateFor({ allowBodyToken: true });
    const codes: string[] = [];
    for (const type of [
      'application/x-www-form-urlencoded-evil',
      'application/x-www-form-urlencoded.v2',
    ]) {
      const req = request('/orders', [['content-type', type]], {
        method: 'POST',
        body: `access_token=${token}`,
      });
      codes.push((await rejectionOf(gate.authenticateRequest(req))).code);
    }
    expect(codes).toEqual(['CREDENTIALS_MISSING', 'CREDENTIALS_MISSING']);
  });

  it('refuses a form body over the limit, by Content-Length or by counting', async () => {
    const gate = gateFor({ allowBodyToken: true });
    const big = `pad=${'a'.repeat(MAX_FORM_BODY_BYTES)}&access_token=${token}`;
    const declared = await rejectionOf(gate.authenticateRequest(form(big)));
    // A chunked body (no Content-Length) is counted while read.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const chunked = await rejectionOf(gate.authenticateRequest(form(stream)));
    expect([declared.status, declared.code, chunked.code]).toEqual([
      400,
      'BODY_UNREADABLE',
      'BODY_UNREADABLE',
    ]);
  });

  it('answers a broken body stream with a 400, not a crash', async () => {
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error('connection reset'));
      },
    });
    const error = await rejectionOf(
      gateFor({ allowBodyToken: true }).authenticateRequest(form(stream)),
    );
    expect([error.status, error.code]).toEqual([400, 'BODY_UNREADABLE']);
  });
});
