import { describe, nonEmptyString } from '../internal/options.js';
import type { TrustedIssuer } from '../types.js';
import { assertOptions, presetIssuer, requiredAudience } from './internal/preset-base.js';
import type { PresetOptions } from './preset-options.js';

export interface OneLoginIssuerOptions extends PresetOptions {
  /** The account subdomain: `example` for `https://example.onelogin.com`. */
  readonly subdomain: string;
  /** Accepted `aud` values (the app's client id, or the API resource); `null` skips the check explicitly. */
  readonly audience: string | readonly string[] | null;
}

const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * Trusts OneLogin's OpenID Connect v2 endpoints: `iss` is
 * `https://<subdomain>.onelogin.com/oidc/2`, keys at `<iss>/certs`, RS256. Groups come from
 * the `groups` claim (the app's "Groups" setting), scopes from `scope`, the client from
 * `client_id` or `azp`.
 *
 * @example
 * ```ts
 * const onelogin = oneLoginIssuer({ subdomain: 'example', audience: 'c0ffee00-1234-5678-9abc-def012345678' });
 * ```
 */
export function oneLoginIssuer(options: OneLoginIssuerOptions): TrustedIssuer {
  assertOptions(options, 'oneLoginIssuer');
  const subdomain = nonEmptyString(options.subdomain, 'subdomain');
  if (!SUBDOMAIN.test(subdomain)) {
    throw new TypeError(
      `subdomain must be the account name only, e.g. example for example.onelogin.com, got ${describe(subdomain)}`,
    );
  }
  // https://developers.onelogin.com/openid-connect (v2 issuer and /certs)
  const issuer = `https://${subdomain.toLowerCase()}.onelogin.com/oidc/2`;
  // oidcIssuer() already reads OneLogin's layout: `scope`, `client_id`/`azp`, `groups`.
  return presetIssuer(options, {
    kind: 'onelogin',
    issuers: [issuer],
    jwksUri: `${issuer}/certs`,
    audience: requiredAudience(options.audience, 'oneLoginIssuer'),
    algorithms: ['RS256'],
    groupsClaim: 'groups',
  });
}
