// Shared setup of the introspection tests: one issuer shape, tokens, answers.
import { randomBytes } from 'node:crypto';
import {
  createVerifier,
  introspectionIssuer,
  type IntrospectionIssuerOptions,
  type Verifier,
  type VerifierOptions,
} from '@tokengate/core';
import type { IntrospectionServer } from './introspection-server.js';

export const ISSUER = 'https://idp.tokengate.test';
export const API = 'https://api.tokengate.test';
export const CLIENT_ID = 'orders-api';
// Characters that form-urlencoding and Basic must both carry (RFC 6749 §2.3.1, Appendix B).
export const SECRET = 'p@ss:w rd+%/é'.replace('é', 'e');

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** An opaque token as oidc-provider mints them: 43 base64url characters, no dots. */
export function opaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/** An RFC 7662 §2.2 answer for an active token, with `overrides` merged last. */
export function activeAnswer(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = nowSeconds();
  return {
    active: true,
    iss: ISSUER,
    aud: API,
    sub: 'user-1',
    client_id: 'web-app',
    scope: 'orders:read orders:write',
    token_type: 'Bearer',
    iat: now - 10,
    exp: now + 300,
    ...overrides,
  };
}

export function issuerOptions(
  server: IntrospectionServer,
  overrides: Partial<IntrospectionIssuerOptions> = {},
): IntrospectionIssuerOptions {
  return {
    issuer: ISSUER,
    introspectionEndpoint: server.url,
    clientId: CLIENT_ID,
    clientAuth: { method: 'client_secret_basic', clientSecret: SECRET },
    audience: API,
    ...overrides,
  };
}

export function verifierFor(
  server: IntrospectionServer,
  overrides: Partial<IntrospectionIssuerOptions> = {},
  verifierOptions: Omit<VerifierOptions, 'issuers'> = {},
): Verifier {
  return createVerifier({
    issuers: [introspectionIssuer(issuerOptions(server, overrides))],
    ...verifierOptions,
  });
}
