import { randomUUID } from 'node:crypto';
import type { TokenOptions } from './types.js';
import { assertKnownKeys } from './known-keys.js';
import { mergeDeleting } from './merge.js';
import { MAX_LIFETIME_SECONDS } from './options.js';
import { confirmationClaim } from './token-binding.js';

export type TokenType = 'access' | 'id' | 'm2m';

/** What the issuer contributes to every token it mints. */
export interface TokenContext {
  readonly kind: 'cognito' | 'oidc';
  readonly issuer: string;
  readonly clientId: string;
  readonly audience: string;
  readonly lifetimeSeconds: number;
}

export interface TokenDraft {
  readonly claims: Record<string, unknown>;
  /** Header parameters over `{ alg, kid }`; `undefined` values are kept so they can delete. */
  readonly header: Record<string, unknown>;
}

export const DEFAULT_SUB = '7d0b8c5e-2f3a-4c1b-9e6d-5a4f3b2c1d0e';
export const DEFAULT_USERNAME = 'test-user';
const DEFAULT_USER_SCOPES = ['openid', 'email'];
// Cognito M2M scopes are `<resource-server>/<scope>`; OIDC providers accept the same strings.
const DEFAULT_M2M_SCOPES = ['tokengate-api/read'];

/** The values every token shape draws from, resolved once from options and defaults. */
interface TokenFacts {
  readonly type: TokenType;
  readonly iss: string;
  readonly sub: string;
  readonly clientId: string;
  readonly username: string;
  readonly email: string;
  readonly groups: string[] | undefined;
  /** `{ scope }`, or `{}` for an empty scope list: IdPs do not emit `scope: ""`. */
  readonly scope: { scope?: string };
  readonly iat: number;
  readonly exp: number;
}

/**
 * Claims and header of a token shaped like the real IdP's: Cognito's documented access, ID and
 * client-credentials tokens, or RFC 9068 access tokens and OIDC Core §2 ID tokens.
 */
export function draftToken(
  type: TokenType,
  context: TokenContext,
  options: TokenOptions = {},
): TokenDraft {
  validateTokenOptions(type, options);
  const iat = Math.floor(Date.now() / 1000);
  const clientId = options.clientId ?? context.clientId;
  const username = options.username ?? DEFAULT_USERNAME;
  const scopes = options.scopes ?? (type === 'm2m' ? DEFAULT_M2M_SCOPES : DEFAULT_USER_SCOPES);
  const facts: TokenFacts = {
    type,
    iss: context.issuer,
    sub: options.sub ?? (type === 'm2m' ? clientId : DEFAULT_SUB),
    clientId,
    username,
    email: username.includes('@') ? username : `${username}@example.com`,
    groups: options.groups,
    scope: scopes.length > 0 ? { scope: scopes.join(' ') } : {},
    iat,
    exp: iat + (options.expiresIn ?? context.lifetimeSeconds),
  };
  const { claims, typ } =
    context.kind === 'cognito' ? cognitoToken(facts) : oidcToken(facts, context.audience);
  const cnf = confirmationClaim(options, METHOD_NAMES[type]);
  if (cnf !== undefined) claims['cnf'] = cnf;
  return {
    claims: mergeDeleting(claims, options.claims),
    header: { ...(typ === undefined ? {} : { typ }), ...options.header },
  };
}

// Claim order mirrors Cognito's documented examples. Cognito sets no `typ` header and puts no
// `aud` in access tokens.
function cognitoToken(facts: TokenFacts): { claims: Record<string, unknown>; typ?: string } {
  const { type, iss, sub, clientId, username, scope, iat, exp } = facts;
  const groups = facts.groups === undefined ? {} : { 'cognito:groups': facts.groups };
  if (type === 'access') {
    return {
      claims: {
        sub,
        ...groups,
        iss,
        version: 2,
        client_id: clientId,
        origin_jti: randomUUID(),
        event_id: randomUUID(),
        token_use: 'access',
        ...scope,
        auth_time: iat,
        exp,
        iat,
        jti: randomUUID(),
        username,
      },
    };
  }
  if (type === 'id') {
    return {
      claims: {
        sub,
        ...groups,
        email_verified: true,
        iss,
        'cognito:username': username,
        origin_jti: randomUUID(),
        aud: clientId,
        event_id: randomUUID(),
        token_use: 'id',
        auth_time: iat,
        exp,
        iat,
        jti: randomUUID(),
        email: facts.email,
      },
    };
  }
  return {
    claims: {
      sub,
      token_use: 'access',
      ...scope,
      auth_time: iat,
      iss,
      exp,
      iat,
      version: 2,
      jti: randomUUID(),
      client_id: clientId,
    },
  };
}

function oidcToken(
  facts: TokenFacts,
  audience: string,
): { claims: Record<string, unknown>; typ: string } {
  const { type, iss, sub, clientId, scope, iat, exp } = facts;
  const groups = facts.groups === undefined ? {} : { groups: facts.groups };
  if (type === 'id') {
    // OIDC Core §2; `nonce` belongs to a login flow, so tests add it through `claims`.
    return {
      typ: 'JWT',
      claims: {
        iss,
        sub,
        aud: clientId,
        azp: clientId,
        iat,
        exp,
        auth_time: iat,
        email: facts.email,
        ...groups,
      },
    };
  }
  return {
    typ: 'at+jwt', // RFC 9068 §2.1
    claims: {
      iss,
      sub,
      aud: audience,
      client_id: clientId,
      iat,
      exp,
      jti: randomUUID(),
      ...scope,
      ...groups,
    },
  };
}

/** The issuer method each token type comes from, to name it in errors. */
const METHOD_NAMES: Readonly<Record<TokenType, string>> = {
  access: 'accessToken',
  id: 'idToken',
  m2m: 'm2mToken',
};

function validateTokenOptions(type: TokenType, options: TokenOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('token options must be an object');
  }
  // A misspelt option would otherwise mint a valid default token (`expiresInn: -60`).
  assertKnownKeys(options, TOKEN_OPTION_KEYS, METHOD_NAMES[type]);
  for (const name of ['sub', 'username', 'clientId', 'kid'] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new TypeError(`${name} must be a non-empty string`);
    }
  }
  for (const name of ['groups', 'scopes'] as const) {
    const value = options[name];
    if (value !== undefined && !isStringArray(value)) {
      throw new TypeError(`${name} must be an array of strings`);
    }
  }
  const { expiresIn } = options;
  if (
    expiresIn !== undefined &&
    (!Number.isSafeInteger(expiresIn) || Math.abs(expiresIn) > MAX_LIFETIME_SECONDS)
  ) {
    throw new TypeError(
      `expiresIn must be a whole number of seconds from -${MAX_LIFETIME_SECONDS} to ${MAX_LIFETIME_SECONDS}`,
    );
  }
  for (const name of ['claims', 'header'] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'object' || value === null)) {
      throw new TypeError(`${name} must be an object`);
    }
  }
  // Refuse what the real IdP never puts in this token rather than silently dropping it.
  if (type === 'id' && options.scopes !== undefined) {
    throw new TypeError('ID tokens carry no scope; use claims to add one on purpose');
  }
  // RFC 9449 §6 and RFC 8705 §3 bind access tokens; an ID token is not presented to resources.
  if (type === 'id' && (options.dpop !== undefined || options.certificate !== undefined)) {
    throw new TypeError(
      'ID tokens are not sender-constrained; use claims.cnf to add one on purpose',
    );
  }
  if (type === 'm2m' && (options.username !== undefined || options.groups !== undefined)) {
    throw new TypeError('M2M tokens carry no username or groups; use claims to add them');
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

const TOKEN_OPTION_KEYS = Object.keys({
  sub: true,
  username: true,
  clientId: true,
  groups: true,
  scopes: true,
  expiresIn: true,
  claims: true,
  header: true,
  kid: true,
  dpop: true,
  certificate: true,
} satisfies { readonly [K in keyof Required<TokenOptions>]: true });
