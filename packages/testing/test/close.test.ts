import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer } from '../src/index.js';

// Loopback servers and sockets of this worker; a leak would keep `vitest` (or a user's
// `node --test`) from exiting.
function openTcpHandles(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource.startsWith('TCP')).length;
}

describe('close()', () => {
  let baseline = 0;
  beforeAll(() => {
    baseline = openTcpHandles();
  });
  // Client sockets see the server's FIN a moment after close() resolves, hence the poll.
  afterEach(async () => {
    await expect.poll(openTcpHandles, { timeout: 1000 }).toBe(baseline);
  });

  it('frees the port and destroys keep-alive connections', async () => {
    const issuer = await createTestIssuer({ alg: 'ES256' });
    await (await fetch(issuer.jwksUri)).text(); // leaves a keep-alive connection open
    expect(openTcpHandles()).toBeGreaterThan(baseline);

    await issuer.close();
    await issuer.close(); // idempotent
    await expect(fetch(issuer.jwksUri)).rejects.toThrow();
  });

  it('ends hung and delayed responses at once', async () => {
    const issuer = await createTestIssuer({ alg: 'EdDSA' });
    await issuer.outage('hang');
    const hung = await fetch(issuer.jwksUri);
    const hungBody = hung.text().then(
      () => 'answered',
      () => 'failed',
    );
    await issuer.outage('slow', { delayMs: 60_000 });
    const delayed = fetch(issuer.discoveryUri).then(
      () => 'answered',
      () => 'failed',
    );
    // Close only once the server holds the delayed request.
    await expect.poll(() => issuer.stats.discoveryRequests).toBe(1);

    const started = performance.now();
    await issuer.close();
    expect(await hungBody).toBe('failed');
    expect(await delayed).toBe('failed');
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(issuer.outage('error')).rejects.toThrow(Error);
  });

  it('closes from the refuse state too', async () => {
    const issuer = await createTestIssuer({ alg: 'ES384' });
    await issuer.outage('refuse');
    await issuer.close();
    await expect(issuer.recover()).rejects.toThrow(Error);
  });
});
