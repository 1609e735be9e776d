import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestIssuer } from '../src/index.js';
import type { TestIssuer, TestJwks } from '../src/index.js';

describe('outage()', () => {
  let issuer: TestIssuer;
  beforeEach(async () => {
    issuer = await createTestIssuer({ kind: 'cognito', alg: 'ES256' });
  });
  afterEach(() => issuer.close());

  async function expectHealthy(): Promise<void> {
    const response = await fetch(issuer.jwksUri);
    expect(response.status).toBe(200);
    const body = (await response.json()) as TestJwks;
    expect(body.keys[0]?.kid).toBe(issuer.currentKid);
  }

  it('refuse: connections are refused, recover() listens on the same port', async () => {
    await expectHealthy(); // leaves a keep-alive connection that refuse must cut
    await issuer.outage('refuse');
    const failure = await fetch(issuer.jwksUri).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(TypeError);
    await expect(fetch(issuer.discoveryUri)).rejects.toThrow();

    await issuer.recover();
    await expectHealthy();
    expect(new URL(issuer.jwksUri).origin).toBe(issuer.origin);
  });

  it('refuse: the refused connection error is ECONNREFUSED', async () => {
    await issuer.outage('refuse');
    const failure = await fetch(issuer.jwksUri).catch((error: unknown) => error);
    expect((failure as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
  });

  it('error: answers 503 by default, or the given status, on JWKS and discovery', async () => {
    await issuer.outage('error');
    expect((await fetch(issuer.jwksUri)).status).toBe(503);
    expect((await fetch(issuer.discoveryUri)).status).toBe(503);
    await issuer.outage('error', { status: 429 });
    expect((await fetch(issuer.jwksUri)).status).toBe(429);
    expect(issuer.stats).toStrictEqual({ jwksRequests: 2, discoveryRequests: 1, tokenRequests: 0 });

    await issuer.recover();
    await expectHealthy();
  });

  it('slow: answers normally after delayMs', async () => {
    await issuer.outage('slow', { delayMs: 300 });
    const started = performance.now();
    const response = await fetch(issuer.jwksUri);
    const elapsed = performance.now() - started;
    // Timers fire on whole milliseconds of loop time, so allow 2 ms of rounding.
    expect(elapsed).toBeGreaterThanOrEqual(298);
    expect(((await response.json()) as TestJwks).keys).toHaveLength(1);

    await issuer.recover();
    const quick = performance.now();
    await expectHealthy();
    expect(performance.now() - quick).toBeLessThan(300);
  });

  it('garbage: 200 with a body that is not JSON', async () => {
    await issuer.outage('garbage');
    const response = await fetch(issuer.jwksUri);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);

    await issuer.recover();
    await expectHealthy();
  });

  it('huge: 200 with a ~10 MB body and no Content-Length', async () => {
    await issuer.outage('huge');
    const response = await fetch(issuer.jwksUri);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBeNull();
    const text = await response.text();
    expect(text.length).toBeGreaterThanOrEqual(10 * 1024 * 1024);
    // Padded, not broken: only a size limit protects a client.
    expect((JSON.parse(text) as TestJwks).keys[0]?.kid).toBe(issuer.currentKid);

    await issuer.recover();
    await expectHealthy();
  });

  it('hang: headers arrive but the body never completes', async () => {
    await issuer.outage('hang');
    // Held in a variable: Node's timeout timer only weakly references its signal, and a
    // collected signal never fires.
    const signal = AbortSignal.timeout(300);
    const response = await fetch(issuer.jwksUri, { signal });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(signal.aborted).toBe(true);

    await issuer.recover();
    await expectHealthy();
  });

  it('leaves other paths alone', async () => {
    await issuer.outage('error');
    expect((await fetch(`${issuer.origin}/elsewhere`)).status).toBe(404);
  });

  it('rejects unknown modes and bad options with TypeError', async () => {
    await expect(issuer.outage('flaky' as never)).rejects.toThrow(TypeError);
    await expect(issuer.outage('error', { status: 99 })).rejects.toThrow(TypeError);
    await expect(issuer.outage('slow', { delayMs: -1 })).rejects.toThrow(TypeError);
    await expectHealthy();
  });
});
