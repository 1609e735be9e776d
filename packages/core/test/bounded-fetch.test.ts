// The one place that calls `fetch` (lib/bounded-fetch.ts), held to what every runtime's fetch
// accepts: Workers' global fetch throws when called with a `this` other than the global object
// and implements no `redirect: 'error'`. Redirects are still never followed.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createVerifier, oidcIssuer } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf } from './helpers.js';

let idp: TestIssuer;
beforeEach(async () => {
  idp = await createTestIssuer({ alg: 'ES256' });
});
afterEach(() => idp.close());

/** A fetch with Workers' two constraints, delegating to Node's own. */
function workersLikeFetch(
  this: unknown,
  input: Parameters<typeof fetch>[0],
  init?: RequestInit,
): Promise<Response> {
  if (this !== undefined && this !== globalThis) throw new TypeError('Illegal invocation');
  if (init?.redirect === 'error') throw new TypeError('Invalid redirect value');
  return fetch(input, init);
}

function verifierFor(jwksUri: string, fetchFunction: typeof fetch) {
  return createVerifier({
    jwks: { fetch: fetchFunction },
    issuers: [oidcIssuer({ issuer: idp.issuer, jwksUri, audience: idp.audience })],
  });
}

describe('bounded fetch', () => {
  it('works with a fetch that must be called detached and knows no redirect: error', async () => {
    const verifier = verifierFor(idp.jwksUri, workersLikeFetch as typeof fetch);
    await expect(verifier.verify(await idp.accessToken())).resolves.toMatchObject({
      issuer: idp.issuer,
    });
    await verifier.close();
  });

  it('does not follow a redirect to the real key set (503, not a verified token)', async () => {
    let followed = 0;
    const server: Server = createServer((request, response) => {
      if (request.url === '/moved') {
        response.writeHead(302, { location: idp.jwksUri }).end();
      } else {
        followed += 1;
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const verifier = verifierFor(
        `http://127.0.0.1:${port}/moved`,
        workersLikeFetch as typeof fetch,
      );
      const error = await rejectionOf(verifier.verify(await idp.accessToken()));
      expect(error.code).toBe('IDP_UNAVAILABLE');
      expect(followed).toBe(0);
      await verifier.close();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
