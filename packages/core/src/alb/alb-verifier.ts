import { createAlbKeyStore } from './alb-keys.js';
import { resolveAlbOptions, type AlbVerifierOptions } from './alb-options.js';
import { albKid, decodeAlbToken } from './alb-token.js';
import { stringArrayClaim, stringClaim } from '../claims/claim-readers.js';
import { checkClaims, invalid } from '../claims/claims-check.js';
import { detailList, detailTime, seen, seenList } from '../errors/error-detail.js';
import { observed } from '../lib/observe.js';
import { assertTokenCharset } from '../jws/token-charset.js';
import { signatureIsValid } from '../jws/signature.js';
import type { JwtClaims, RequestSource, TokengateClaims, VerifiedToken } from '../lib/types.js';
import { BEARER } from '../claims/token-binding.js';
import { markVerified } from '../claims/verified-token.js';

/**
 * Verifies the `x-amzn-oidc-data` header an Application Load Balancer with authentication
 * signs; built by {@link createAlbVerifier}, or given to an adapter as `albVerifier`.
 *
 * @example
 * ```ts
 * const requireAuth = authenticate({ albVerifier: createAlbVerifier(options) });
 * ```
 */
export interface AlbVerifier {
  /**
   * Verifies the value of the `x-amzn-oidc-data` header. Resolves to the normalized result or
   * rejects with a `TokengateError` (`InvalidTokenError` 401, `IdpUnavailableError` 503).
   */
  verify<C extends JwtClaims = JwtClaims & TokengateClaims>(
    headerValue: string,
    /** The request the header came with: only read to describe a rejection in `onEvent`. */
    source?: RequestSource,
  ): Promise<VerifiedToken<C>>;
}

/**
 * Creates a verifier for the user-claims token an Application Load Balancer with Cognito or
 * OIDC authentication forwards in `x-amzn-oidc-data`: ES256, signed by the ALB, its key a PEM
 * fetched by kid. Build it once at startup: it owns the key cache.
 *
 * @example
 * ```ts
 * const alb = createAlbVerifier({
 *   region: 'eu-west-1',
 *   albArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188',
 *   clientId: '1example23456789',
 *   issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
 * });
 * const { subject, claims } = await alb.verify(req.headers['x-amzn-oidc-data']);
 * ```
 */
export function createAlbVerifier(options: AlbVerifierOptions): AlbVerifier {
  const { signers, clients, issuers, maxTokenBytes, policy, keyStore, onEvent } =
    resolveAlbOptions(options);
  const keys = createAlbKeyStore(keyStore);

  async function verifyToken(token: string): Promise<VerifiedToken> {
    if (typeof token !== 'string' || token.length === 0) {
      throw invalid('TOKEN_MALFORMED', 'Token must be a non-empty string');
    }
    if (token.length > maxTokenBytes) {
      throw invalid('TOKEN_TOO_LARGE', 'Token is too large', {
        length: token.length,
        maxTokenBytes,
      });
    }
    // Strictly ASCII before decoding, `=` padding allowed: see assertTokenCharset.
    assertTokenCharset(token, true);
    const { header, claims, signingInput, signature } = decodeAlbToken(token);
    // RFC 8725 §3.1: the ALB signs with ES256 only, so nothing else is ever tried.
    if (header.alg !== 'ES256') {
      throw invalid('ALG_NOT_ALLOWED', 'Token algorithm is not allowed', {
        alg: seen(header.alg),
        allowed: ['ES256'],
      });
    }
    if (header.crit !== undefined) {
      throw invalid(
        'CRIT_UNSUPPORTED',
        'Token has critical header parameters that are not understood',
        { crit: seenList(header.crit) },
      );
    }
    const kid = albKid(header.kid);
    // Every check that needs no key runs first, so a forged token costs no fetch unless it
    // names our ALB and client and is unexpired.
    const { signer, client } = header;
    if (signers !== null && !(typeof signer === 'string' && signers.has(signer))) {
      throw invalid('AUDIENCE_MISMATCH', 'Token was not signed by an accepted load balancer', {
        signer: seen(signer),
        expected: detailList(signers),
      });
    }
    if (clients !== null && !(typeof client === 'string' && clients.has(client))) {
      throw invalid('CLIENT_ID_MISMATCH', 'Token client is not accepted', {
        client: seen(client),
        expected: detailList(clients),
      });
    }
    const issuer = claims.iss;
    if (typeof issuer !== 'string') {
      throw invalid('CLAIM_MISSING', 'Token has no iss claim', {
        claim: 'iss',
        seen: seen(issuer),
      });
    }
    if (issuers !== undefined && !issuers.has(issuer)) {
      throw invalid('ISSUER_UNKNOWN', 'Token issuer is not trusted', {
        iss: seen(issuer),
        trusted: detailList(issuers),
      });
    }
    const now = Date.now() / 1000;
    checkClaims(claims, header, policy, now);
    // The ALB repeats `exp` in the header; when it is there it must hold too.
    if (typeof header.exp === 'number' && now - policy.clockToleranceSeconds >= header.exp) {
      throw invalid('TOKEN_EXPIRED', 'Token has expired', {
        exp: detailTime(header.exp),
        now: detailTime(now),
        leewaySeconds: policy.clockToleranceSeconds,
        in: 'header',
      });
    }
    const found = keys.getKey(kid);
    const key = found instanceof Promise ? await found : found;
    const checked = signatureIsValid('ES256', key, signingInput, signature);
    if (!(checked === true || (checked !== false && (await checked)))) {
      throw invalid('SIGNATURE_INVALID', 'Token signature is invalid', {
        alg: 'ES256',
        kid: seen(kid),
        signer: seen(signer),
      });
    }
    // Marked so guards accept it (see verified-token.ts).
    return markVerified<VerifiedToken>({
      token,
      header,
      claims,
      issuer,
      subject: stringClaim(claims.sub),
      clientId: stringClaim(client),
      // The ALB signs the user's claims from the IdP's ID token and userinfo: an identity, never
      // an access token for this API.
      tokenUse: 'id',
      scopes: [],
      groups: stringArrayClaim(claims['cognito:groups']),
      expiresAt: claims.exp,
      // The ALB's header is a bearer credential of the ALB's own: it carries no `cnf`.
      binding: BEARER,
    });
  }

  const verify = observed(verifyToken, onEvent);

  return { verify: verify as AlbVerifier['verify'] };
}
