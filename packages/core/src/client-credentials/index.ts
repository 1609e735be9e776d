/**
 * The outgoing side: an OAuth 2.0 client-credentials token source (RFC 6749 §4.4) for a service
 * that calls other services. This entry loads neither the verifier nor the JWKS cache; the main
 * `@tokengate/core` entry re-exports the same names.
 *
 * @example
 * ```ts
 * import { createClientCredentialsSource } from '@tokengate/core/client-credentials';
 *
 * const tokens = createClientCredentialsSource({
 *   tokenEndpoint: 'https://auth.example.com/oauth2/token',
 *   clientId: 'orders-service',
 *   clientSecret: process.env.CLIENT_SECRET!,
 *   scopes: ['inventory/read'],
 * });
 * // `Authorization: Bearer <token>`, renewed before it expires and once after a 401.
 * const res = await tokens.fetch('https://inventory.example.com/items');
 * ```
 *
 * @module \@tokengate/core/client-credentials
 */
// The `@tokengate/core/client-credentials` entry: the outgoing token source alone. It loads
// neither the verifier nor the JWKS cache, so a service that only calls others does not carry
// them. The main entry re-exports the same names.
export { createClientCredentialsSource } from './client-credentials.js';
export type { ClientCredentialsSource } from './client-credentials.js';
export type {
  ClientCredentialsOptions,
  ClientCredentialsEvent,
  ClientCredentialsEventListener,
} from './client-credentials-options.js';
export { TokenEndpointError } from './token-endpoint-error.js';
export type { TokenEndpointErrorCode } from './token-endpoint-error.js';
