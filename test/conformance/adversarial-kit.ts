// Shared vocabulary of the adversarial catalogue: what a scenario sees of the running world
// (issuers, their keys, the attacker's keys, the trap server), the exact answers tokengate
// gives, and builders of well-formed tokens that scenarios then bend one way.
import { randomUUID, type KeyObject } from 'node:crypto';
import { M2M_CLIENT } from './apps.js';
import { compact, ecdsaSigner, rsaSigner, type JsonPart, type Signer } from './attack-tokens.js';
import { inDpopChallenge, withDpop } from '../support/challenges.js';
import type { RawRequest } from '../support/raw-http-client.js';
import { REALM, USER_SUB, type Expected } from './scenarios.js';

export { USER_SUB, ADMIN_SUB } from './scenarios.js';

export interface KeyFacts {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The JWK exactly as the issuer publishes it (`kid`, `alg`, `use` included). */
  readonly jwk: Record<string, unknown>;
}

export interface IssuerFacts {
  readonly issuer: string;
  readonly clientId: string;
  /** The current signing key. */
  readonly key: KeyFacts;
}

export interface AttackContext {
  /** The Cognito pool of conformance.test.ts (RS256), with more keys published. */
  readonly pool: IssuerFacts & {
    /** A second usable RS256 key, so a token without `kid` is ambiguous. */
    readonly second: KeyFacts;
    /** Published with 1024-bit RSA: must be skipped (RFC 8725 §3.5). */
    readonly weak: KeyFacts;
    /** Published with `use: "enc"`: must never verify (RFC 7517 §4.2). */
    readonly enc: KeyFacts;
  };
  /** A second trusted Cognito pool that publishes, under pool A's `kid`, a different key. */
  readonly poolB: IssuerFacts & { readonly sharedKid: KeyFacts };
  /** A trusted OIDC issuer signing ES256 (default algorithm list), with an RS256 key too. */
  readonly ec: IssuerFacts & { readonly audience: string; readonly rsa: KeyFacts };
  /** A trusted Cognito pool whose JWKS endpoint refuses connections (an IdP outage). */
  readonly down: IssuerFacts;
  /** A Cognito pool nobody configured. */
  readonly stranger: IssuerFacts;
  readonly attacker: {
    readonly rsa: KeyFacts;
    readonly ec: KeyFacts;
    /** DER of a self-signed certificate of `rsa`. */
    readonly certificate: Buffer;
  };
  /** A loopback server that counts every request: header URLs must never reach it. */
  readonly trap: { readonly jwksUrl: string; readonly certificateUrl: string };
}

export type AppName = 'main' | 'id';

export interface AdversarialScenario {
  readonly name: string;
  /** `main` (access tokens; default) or `id` (the same pool with `tokenUse: 'id'`). */
  readonly app?: AppName;
  readonly request: (ctx: AttackContext) => RawRequest;
  readonly expected: Expected;
}

// ---- Exact answers ----------------------------------------------------------------------

/** Every `error_description` tokengate gives, so a table row reads as the reason. */
export const D = {
  segments: 'Token must have exactly three segments',
  headerB64: 'Token header is not base64url',
  payloadB64: 'Token payload is not base64url',
  signatureB64: 'Token signature is not base64url',
  headerJson: 'Token header is not JSON',
  payloadJson: 'Token payload is not JSON',
  headerObject: 'Token header is not a JSON object',
  payloadObject: 'Token payload is not a JSON object',
  alg: 'Token algorithm is not allowed',
  crit: 'Token has critical header parameters that are not understood',
  kidType: 'Token kid header is not a valid string',
  issuer: 'Token issuer is not trusted',
  noKey: 'No key of the issuer matches the token kid and algorithm',
  noKidAmbiguous: 'Token has no kid and no single key fits its algorithm',
  signature: 'Token signature is invalid',
  tooLarge: 'Token is too large',
  expMissing: 'Token has no exp claim',
  expired: 'Token has expired',
  notYetValid: 'Token is not valid yet',
  issuedInFuture: 'Token was issued in the future',
  sub: 'Token sub claim is not a string',
  audience: 'Token audience is not accepted',
  notAccess: 'Token is not a Cognito access token',
  notId: 'Token is not a Cognito id token',
  notAccessToken: 'Token is not an access token',
  client: 'Token client is not accepted',
  headerMalformed: 'Authorization header is not a valid Bearer credential',
  headerDuplicate: 'Request has more than one Authorization header',
  multipleMethods: 'Request carries a token by more than one method',
  bodyTokenMalformed: 'The access_token body parameter is not a valid token',
  notDpopBound: 'Token is not DPoP-bound: send it with the Bearer scheme',
} as const;

export const notNumericDate = (claim: 'exp' | 'nbf' | 'iat'): string =>
  `Token ${claim} claim is not a NumericDate`;

export const ok = (route: string, sub: string | null = USER_SUB): Expected => ({
  status: 200,
  challenge: null,
  body: { route, sub },
});

export const invalidToken = (description: string): Expected => ({
  status: 401,
  challenge: withDpop(
    `Bearer realm="${REALM}", error="invalid_token", error_description="${description}"`,
    REALM,
  ),
  body: { error: 'invalid_token', error_description: description },
});

/** 401 `invalid_token` for a request made with the `DPoP` scheme: the error in its challenge. */
export const invalidTokenInDpop = (description: string): Expected => ({
  status: 401,
  challenge: inDpopChallenge(`error="invalid_token", error_description="${description}"`, REALM),
  body: { error: 'invalid_token', error_description: description },
});

export const invalidRequest = (description: string): Expected => ({
  status: 400,
  challenge: withDpop(
    `Bearer realm="${REALM}", error="invalid_request", error_description="${description}"`,
    REALM,
  ),
  body: { error: 'invalid_request', error_description: description },
});

/** An IdP outage: 503 without a challenge, so clients retry instead of dropping the token. */
export const unavailable: Expected = {
  status: 503,
  challenge: null,
  headers: { 'retry-after': '5' },
  body: {
    error: 'temporarily_unavailable',
    error_description: 'The identity provider keys are unavailable; retry later',
  },
};

/** RFC 6750 §3.1: no credentials, so a bare challenge without an error code. */
export const missing: Expected = {
  status: 401,
  challenge: withDpop(`Bearer realm="${REALM}"`, REALM),
  body: { error: 'unauthorized', error_description: 'Authentication required' },
};

export const insufficientScope = (scope: string): Expected => ({
  status: 403,
  challenge: withDpop(
    `Bearer realm="${REALM}", error="insufficient_scope", error_description="Token lacks the scope this resource requires", scope="${scope}"`,
    REALM,
  ),
  body: {
    error: 'insufficient_scope',
    error_description: 'Token lacks the scope this resource requires',
  },
});

export const denied: Expected = {
  status: 403,
  challenge: withDpop(
    `Bearer realm="${REALM}", error="access_denied", error_description="Token does not grant access to this resource"`,
    REALM,
  ),
  body: {
    error: 'access_denied',
    error_description: 'Token does not grant access to this resource',
  },
};

// ---- Requests -----------------------------------------------------------------------------

export const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];

export const get = (path: string, ...headers: [string, string][]): RawRequest => ({
  path,
  headers,
});

/** GET /me with the token: the route that needs nothing but a valid token. */
export const me = (token: string): RawRequest => get('/me', bearer(token));

export const postForm = (
  path: string,
  body: string,
  ...headers: [string, string][]
): RawRequest => ({
  method: 'POST',
  path,
  headers: [...headers, ['Content-Type', 'application/x-www-form-urlencoded']],
  body,
});

// ---- Well-formed tokens, to be bent by the scenarios ------------------------------------------

export type Claims = Record<string, unknown>;

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Shallow merge where an `undefined` value deletes the member. */
export function merge(base: Claims, overrides: Claims = {}): Claims {
  const result: Claims = { ...base };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete result[name];
    else result[name] = value;
  }
  return result;
}

/** A Cognito access token's claims, in Cognito's order: groups [users], scope orders:read. */
export function accessClaims(issuer: IssuerFacts, overrides?: Claims): Claims {
  const iat = nowSeconds();
  return merge(
    {
      sub: USER_SUB,
      'cognito:groups': ['users'],
      iss: issuer.issuer,
      version: 2,
      client_id: issuer.clientId,
      origin_jti: randomUUID(),
      event_id: randomUUID(),
      token_use: 'access',
      scope: 'orders:read',
      auth_time: iat,
      exp: iat + 3600,
      iat,
      jti: randomUUID(),
      username: 'test-user',
    },
    overrides,
  );
}

/** A Cognito ID token's claims (`aud` = the app client). */
export function idClaims(issuer: IssuerFacts, overrides?: Claims): Claims {
  const iat = nowSeconds();
  return merge(
    {
      sub: USER_SUB,
      'cognito:groups': ['users'],
      email_verified: true,
      iss: issuer.issuer,
      'cognito:username': 'test-user',
      origin_jti: randomUUID(),
      aud: issuer.clientId,
      event_id: randomUUID(),
      token_use: 'id',
      auth_time: iat,
      exp: iat + 3600,
      iat,
      jti: randomUUID(),
      email: 'test-user@example.com',
    },
    overrides,
  );
}

/** A Cognito client-credentials token: `sub` = `client_id`, no groups, no username. */
export function m2mClaims(issuer: IssuerFacts, overrides?: Claims): Claims {
  const iat = nowSeconds();
  return merge(
    {
      sub: M2M_CLIENT,
      token_use: 'access',
      scope: 'orders-api/orders.read',
      auth_time: iat,
      iss: issuer.issuer,
      exp: iat + 3600,
      iat,
      version: 2,
      jti: randomUUID(),
      client_id: M2M_CLIENT,
    },
    overrides,
  );
}

/** An RFC 9068 access token of the OIDC issuer. */
export function oidcClaims(ec: AttackContext['ec'], overrides?: Claims): Claims {
  const iat = nowSeconds();
  return merge(
    {
      iss: ec.issuer,
      sub: USER_SUB,
      aud: ec.audience,
      client_id: ec.clientId,
      iat,
      exp: iat + 3600,
      jti: randomUUID(),
      scope: 'orders:read',
    },
    overrides,
  );
}

export interface SignOptions {
  /** Merged over `{ alg, kid }`; `undefined` deletes a member. */
  readonly header?: Claims;
  /** Key whose `kid` goes into the header and that signs (default: the issuer's current key). */
  readonly key?: KeyFacts;
  /** Replaces the honest signature. */
  readonly signer?: Signer | Buffer;
}

/** RS256 by a Cognito pool (or any RSA issuer): `{ alg: RS256, kid }` over `claims`. */
export function rs256(issuer: IssuerFacts, claims: JsonPart, options: SignOptions = {}): string {
  const key = options.key ?? issuer.key;
  return compact(
    merge({ alg: 'RS256', kid: key.kid }, options.header),
    claims,
    options.signer ?? rsaSigner(key.privateKey),
  );
}

/** ES256 by the OIDC issuer: `{ alg: ES256, kid, typ: at+jwt }` over `claims`. */
export function es256(
  ec: AttackContext['ec'],
  claims: JsonPart,
  options: SignOptions = {},
): string {
  const key = options.key ?? ec.key;
  return compact(
    merge({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' }, options.header),
    claims,
    options.signer ?? ecdsaSigner(key.privateKey),
  );
}

/** A pool A access token, signed honestly: the base most scenarios bend one way. */
export const userToken = (ctx: AttackContext, overrides?: Claims, options?: SignOptions): string =>
  rs256(ctx.pool, accessClaims(ctx.pool, overrides), options);

/**
 * Hand-written JSON text: `claims` serialized, then `members` (raw `"name":value` text) spliced
 * in before the closing brace, so duplicate names survive exactly as written.
 */
export function jsonWith(claims: Claims, members: string): string {
  const text = JSON.stringify(claims);
  return text === '{}' ? `{${members}}` : `${text.slice(0, -1)},${members}}`;
}
