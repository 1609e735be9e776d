import { cognitoIssuer, oidcIssuer, type TrustedIssuer } from '@tokengate/core';
import { flag, listOption, stringOption, type Parsed } from '../args.js';
import { UsageError } from '../io.js';

export const VERIFY_OPTIONS = {
  cognito: { type: 'string' },
  'client-id': { type: 'string', multiple: true },
  'token-use': { type: 'string' },
  issuer: { type: 'string' },
  audience: { type: 'string', multiple: true },
  'jwks-uri': { type: 'string' },
  scope: { type: 'string', multiple: true },
  group: { type: 'string', multiple: true },
  'allow-insecure-http': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export interface IssuerChoice {
  readonly trusted: TrustedIssuer;
  /** What the token's `iss` must equal, for the issuer check's detail. */
  readonly expectedIssuer: string;
}

/**
 * The trusted issuer the flags describe. Cognito-style when `--cognito`, `--client-id` or
 * `--token-use` is given (then `--issuer`, if present, replaces the AWS issuer URL: cognito-local,
 * LocalStack, the local test issuer); OpenID Connect otherwise (`--issuer` and `--audience`).
 * The core's own `TypeError`s (a bad URL, a bad pool id) become usage errors.
 */
export function issuerFromFlags(parsed: Parsed): IssuerChoice {
  const userPoolId = stringOption(parsed, 'cognito');
  const clientIds = listOption(parsed, 'client-id');
  const tokenUse = stringOption(parsed, 'token-use');
  const issuer = stringOption(parsed, 'issuer');
  const audiences = listOption(parsed, 'audience');
  const jwksUri = stringOption(parsed, 'jwks-uri');
  const allowInsecureHttp = flag(parsed, 'allow-insecure-http');
  const cognito = userPoolId !== undefined || clientIds.length > 0 || tokenUse !== undefined;

  if (tokenUse !== undefined && tokenUse !== 'access' && tokenUse !== 'id') {
    throw new UsageError(`--token-use must be "access" or "id", got ${JSON.stringify(tokenUse)}`);
  }
  try {
    if (cognito) {
      if (audiences.length > 0) {
        throw new UsageError('--audience is for --issuer (OIDC); a Cognito pool takes --client-id');
      }
      if (clientIds.length === 0) throw new UsageError('--cognito needs --client-id <id>');
      if (userPoolId === undefined && issuer === undefined) {
        throw new UsageError('--client-id needs --cognito <userPoolId> or --issuer <url>');
      }
      const trusted = cognitoIssuer({
        ...(userPoolId === undefined ? {} : { userPoolId }),
        ...(issuer === undefined ? {} : { issuerOverride: issuer }),
        ...(jwksUri === undefined ? {} : { jwksUri }),
        ...(tokenUse === undefined ? {} : { tokenUse: tokenUse as 'access' | 'id' }),
        clientId: clientIds,
        allowInsecureHttp,
      });
      return { trusted, expectedIssuer: issuer ?? cognitoIssuerUrl(userPoolId ?? '') };
    }
    if (issuer === undefined) {
      throw new UsageError(
        'verify needs --issuer <url> --audience <aud>, or --cognito <userPoolId> --client-id <id>',
      );
    }
    if (audiences.length === 0) throw new UsageError('--issuer needs --audience <aud>');
    const trusted = oidcIssuer({
      issuer,
      audience: audiences,
      ...(jwksUri === undefined ? {} : { jwksUri }),
      allowInsecureHttp,
    });
    return { trusted, expectedIssuer: issuer };
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(error.message);
    throw error;
  }
}

/** The original form (`cognito-idp.<region>…`); the core also trusts the updated one. */
function cognitoIssuerUrl(userPoolId: string): string {
  const region = userPoolId.split('_')[0] ?? '';
  return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
}
