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
