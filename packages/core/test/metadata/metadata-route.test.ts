// The gate's metadata answer: cached by shared caches only when it is the same for every
// request (a configured resource or `publicOrigin`); built from `Host`, it is not stored.
import { createGate, oidcIssuer } from '@tokengate/core';
import { describe, expect, it } from 'vitest';

const issuers = [
  oidcIssuer({
    issuer: 'https://issuer.example.com',
    jwksUri: 'https://issuer.example.com/jwks',
    audience: 'api',
  }),
];
const request = {
  rawHeaders: ['Host', '127.0.0.1:3000'],
  url: '/.well-known/oauth-protected-resource',
  method: 'GET',
};

describe('gate.resourceMetadata caching', () => {
  it('is no-store when the resource comes from the request, public otherwise', async () => {
    const fromHost = createGate({ issuers, resourceMetadata: true });
    const fixed = createGate({
      issuers,
      resourceMetadata: true,
      publicOrigin: 'https://api.example.com',
    });
    const configured = createGate({
      issuers,
      resourceMetadata: { resource: 'https://api.example.com' },
    });
    try {
      expect(fromHost.resourceMetadata(request)?.headers['Cache-Control']).toBe('no-store');
      expect(JSON.parse(fromHost.resourceMetadata(request)!.body).resource).toBe(
        'http://127.0.0.1:3000',
      );
      expect(fixed.resourceMetadata(request)?.headers['Cache-Control']).toBe('public, max-age=300');
      expect(configured.resourceMetadata(request)?.headers['Cache-Control']).toBe(
        'public, max-age=300',
      );
    } finally {
      await Promise.all([fromHost.close(), fixed.close(), configured.close()]);
    }
  });
});
