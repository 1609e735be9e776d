import { invalid } from '../claims/claims-check.js';
import { detailList, seen } from '../errors/error-detail.js';
import { stringList } from '../lib/options.js';
import type { JwtClaims, JwtHeader, TrustedIssuer } from '../lib/types.js';
import {
  assertOptions,
  presetKeys,
  idTokenIdentity,
  hostName,
  presetIssuer,
  signInCheck,
} from './preset-base.js';
import type { PresetOptions } from './preset-options.js';
import { frozenIssuer } from '../issuers/issuer-shape.js';

export interface GoogleIssuerOptions extends PresetOptions {
  /** Your OAuth client id(s), e.g. `1234567890-abc.apps.googleusercontent.com`: the accepted `aud`. */
  readonly clientId: string | readonly string[];
  /** Accept only accounts of these Google Workspace domains (the `hd` claim). */
  readonly hostedDomain?: string | readonly string[];
  /**
   * Only `id` (the default): Google signs ID tokens only, no JWT access tokens for your API.
   * Anything else is a TypeError at creation.
   */
  readonly tokenUse?: 'id';
}

/**
 * Trusts Google ID tokens ("Sign in with Google"): `iss` is `https://accounts.google.com` or
 * `accounts.google.com` (Google uses both), keys at
 * `https://www.googleapis.com/oauth2/v3/certs`, RS256, `aud` your client id. With
 * `hostedDomain`, the `hd` claim must name one of those Workspace domains; consumer accounts
 * have no `hd` and are refused. The client is `azp`, else `aud`.
 *
 * @example
 * ```ts
 * const google = googleIssuer({
 *   clientId: '1234567890-abc.apps.googleusercontent.com',
 *   hostedDomain: 'example.com',
 * });
 * ```
 */
export function googleIssuer(options: GoogleIssuerOptions): TrustedIssuer {
  assertOptions(options, 'googleIssuer', GOOGLE_OPTION_KEYS);
  const clientIds = stringList(options.clientId, 'clientId');
  const tokenUse = signInCheck(options.tokenUse, 'googleIssuer');
  const hostedDomains =
    options.hostedDomain === undefined
      ? undefined
      : new Set(
          stringList(options.hostedDomain, 'hostedDomain').map((domain) =>
            hostName(domain, 'hostedDomain', 'example.com'),
          ),
        );
  return frozenIssuer({
    ...presetIssuer(options, {
      kind: 'google',
      // https://developers.google.com/identity/openid-connect/openid-connect#validatinganidtoken
      issuers: ['https://accounts.google.com', 'accounts.google.com'],
      jwksUri: 'https://www.googleapis.com/oauth2/v3/certs',
      audience: clientIds,
      algorithms: ['RS256'],
      tokenUse,
    }),
    validate(claims: JwtClaims, header: JwtHeader): void {
      tokenUse(claims, header);
      if (hostedDomains === undefined) return;
      const hd = claims.hd;
      if (hd === undefined) {
        throw invalid('CLAIM_MISSING', 'Token has no hd claim', {
          claim: 'hd',
          expected: detailList(hostedDomains),
        });
      }
      if (typeof hd !== 'string' || !hostedDomains.has(hd)) {
        throw invalid('CLAIM_INVALID', 'Token hosted domain is not accepted', {
          claim: 'hd',
          seen: seen(hd),
          expected: detailList(hostedDomains),
        });
      }
    },
    normalize: idTokenIdentity,
  });
}

const GOOGLE_OPTION_KEYS = presetKeys<GoogleIssuerOptions>({
  clientId: true,
  hostedDomain: true,
  tokenUse: true,
});
