import type { ClaimPolicy, JsonWebKeySet } from '../lib/types.js';

/**
 * Options every IdP preset accepts: the common policy (`algorithms`, `clockToleranceSeconds`,
 * `maxTokenAgeSeconds`, `typ`, `requiredClaims`) and overrides that point a preset at a local
 * issuer or an emulator. The `aud` check comes from each preset's own options.
 *
 * @example
 * ```ts
 * const local: PresetOptions = { jwksUri: 'http://127.0.0.1:4000/jwks', clockToleranceSeconds: 0 };
 * const okta = oktaIssuer({ domain: 'example.okta.com', audience: 'api://default', ...local });
 * ```
 */
export interface PresetOptions extends Omit<ClaimPolicy, 'audience'> {
  /** JWKS location instead of the IdP's, e.g. a local test issuer that serves its keys. */
  readonly jwksUri?: string;
  /**
   * Exact `iss` to accept instead of the IdP's (an emulator, a proxy). Keys then come from
   * `jwksUri`, or from OpenID Connect discovery of this issuer when `jwksUri` is absent.
   */
  readonly issuerOverride?: string;
  /**
   * The IdP's keys, given up front instead of fetched: no request is ever sent for them, and
   * they change only on redeploy. Exclusive with `jwksUri`.
   */
  readonly jwks?: JsonWebKeySet;
  /** Allow `http:` URLs on non-loopback hosts (an emulator container, never production). */
  readonly allowInsecureHttp?: boolean;
}
