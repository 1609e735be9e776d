import { stringList } from '../lib/options.js';
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

export interface AppleIssuerOptions extends PresetOptions {
  /** Your app's bundle id or Services ID (web), e.g. `com.example.app`: the accepted `aud`. */
  readonly clientId: string | readonly string[];
  /**
   * Only `id` (the default): Apple signs ID tokens only, no JWT access tokens for your API.
   * Anything else is a TypeError at creation.
   */
  readonly tokenUse?: 'id';
}

/**
 * Trusts "Sign in with Apple" ID tokens: `iss` is `https://appleid.apple.com`, keys at
 * `https://appleid.apple.com/auth/keys`, RS256, `aud` your bundle id or Services ID. The
 * subject is Apple's stable team-scoped user id.
 *
 * @example
 * ```ts
 * const apple = appleIssuer({ clientId: ['com.example.app', 'com.example.web'] });
 * ```
 */
export function appleIssuer(options: AppleIssuerOptions): TrustedIssuer {
  assertOptions(options, 'appleIssuer', APPLE_OPTION_KEYS);
  return frozenIssuer({
    ...presetIssuer(options, {
      kind: 'apple',
      // https://developer.apple.com/documentation/sign_in_with_apple/sign_in_with_apple_rest_api/verifying_a_user
      issuers: ['https://appleid.apple.com'],
      jwksUri: 'https://appleid.apple.com/auth/keys',
      audience: stringList(options.clientId, 'clientId'),
      algorithms: ['RS256'],
      tokenUse: signInCheck(options.tokenUse, 'appleIssuer'),
    }),
    normalize: idTokenIdentity,
  });
}

const APPLE_OPTION_KEYS = presetKeys<AppleIssuerOptions>({
  clientId: true,
  tokenUse: true,
});
