import { describe } from '../lib/options.js';
import type { TrustedIssuer } from '../lib/types.js';
import {
  assertOptions,
  presetKeys,
  idTokenIdentity,
  presetIssuer,
  signInCheck,
} from './preset-base.js';
import type { PresetOptions } from './preset-options.js';
import { frozenIssuer } from '../issuers/issuer-shape.js';

export interface FacebookIssuerOptions extends PresetOptions {
  /** Your Facebook app id, e.g. `1234567890123456`: the accepted `aud`. */
  readonly appId: string | readonly string[];
  /**
   * Only `id` (the default): Facebook Limited Login signs ID tokens only, no JWT access tokens for your API.
   * Anything else is a TypeError at creation.
   */
  readonly tokenUse?: 'id';
}

const APP_ID = /^\d+$/;

/**
 * Trusts Facebook Limited Login ID tokens (the `AuthenticationToken` of the iOS SDK): `iss`
 * is `https://www.facebook.com`, keys at
 * `https://limited.facebook.com/.well-known/oauth/openid/jwks/`, RS256, `aud` your app id.
 * Classic Facebook Login access tokens are opaque and cannot be verified this way.
 *
 * @example
 * ```ts
 * const facebook = facebookIssuer({ appId: '1234567890123456' });
 * ```
 */
export function facebookIssuer(options: FacebookIssuerOptions): TrustedIssuer {
  assertOptions(options, 'facebookIssuer', FACEBOOK_OPTION_KEYS);
  const appIds = typeof options.appId === 'string' ? [options.appId] : options.appId;
  if (
    !Array.isArray(appIds) ||
    appIds.length === 0 ||
    !appIds.every((id) => typeof id === 'string' && APP_ID.test(id))
  ) {
    throw new TypeError(
      `appId must be a numeric app id string or a list of them, got ${describe(options.appId)}`,
    );
  }
  return frozenIssuer({
    ...presetIssuer(options, {
      kind: 'facebook',
      // https://developers.facebook.com/docs/facebook-login/limited-login/token/validating
      issuers: ['https://www.facebook.com'],
      jwksUri: 'https://limited.facebook.com/.well-known/oauth/openid/jwks/',
      audience: Object.freeze([...(appIds as string[])]),
      algorithms: ['RS256'],
      tokenUse: signInCheck(options.tokenUse, 'facebookIssuer'),
    }),
    normalize: idTokenIdentity,
  });
}

const FACEBOOK_OPTION_KEYS = presetKeys<FacebookIssuerOptions>({
  appId: true,
  tokenUse: true,
});
