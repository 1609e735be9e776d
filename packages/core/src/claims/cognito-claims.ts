import type { JwtClaims } from '../lib/types.js';

// Claim layouts of Amazon Cognito user pool tokens, as documented in "Understanding user pool
// JSON web tokens" (Cognito Developer Guide). Types only: `cognitoIssuer()` checks `iss`,
// `exp`, `token_use` and the client; the other claims are typed as Cognito sends them, and a
// pre token generation Lambda may add or remove claims (add yours through the generic
// parameter, e.g. `CognitoIdTokenClaims & { 'custom:plan': 'pro' | 'free' }`).

/** Claims every Cognito user pool token carries. */
interface CognitoCommonClaims extends JwtClaims {
  readonly iss: string;
  readonly sub: string;
  readonly exp: number;
  readonly iat: number;
  /** Seconds since the epoch when the user (or client) authenticated. */
  readonly auth_time: number;
  readonly jti: string;
}

/** Claims both user tokens (access and ID) carry; M2M tokens have none of them. */
interface CognitoUserClaims {
  /** Groups of the user, in precedence order; absent when the user is in none. */
  readonly 'cognito:groups'?: readonly string[];
  /** The IAM roles of the user's groups and the preferred one (set when groups carry roles). */
  readonly 'cognito:roles'?: readonly string[];
  /** The IAM role of the user's highest-precedence group that has one. */
  readonly 'cognito:preferred_role'?: string;
  /**
   * Identifies the authentication event, shared by the tokens it issued; absent from clients
   * created before token revocation existed and never enabled it.
   */
  readonly origin_jti?: string;
  /** A unique id of the sign-in event that issued the token. */
  readonly event_id?: string;
}

/**
 * One linked identity of a federated user (SAML, OIDC, Google, Facebook, Apple, Amazon), in the
 * `identities` claim. Cognito sends `primary` and `dateCreated` as strings (`"true"`,
 * `"1642699117273"`), and `issuer` is `null` for social providers.
 *
 * @example
 * ```ts
 * const identities: readonly CognitoIdentity[] = auth.claims.identities ?? [];
 * const viaSaml = identities.some((identity) => identity.providerType === 'SAML');
 * ```
 */
export interface CognitoIdentity {
  /** The user's id at the provider. */
  readonly userId: string;
  /** The provider's name in the user pool, e.g. `Google` or a SAML provider's name. */
  readonly providerName: string;
  /** The provider's type: `Google`, `Facebook`, `SignInWithApple`, `LoginWithAmazon`, `SAML` or `OIDC`. */
  readonly providerType: string;
  /** The provider's issuer (SAML, OIDC); `null` for social providers. */
  readonly issuer: string | null;
  /** `"true"` for the identity the user was first created with, as a string. */
  readonly primary: string;
  /** When the identity was linked, milliseconds since the epoch, as a string. */
  readonly dateCreated: string;
}

/**
 * A Cognito user access token (`token_use: 'access'`), for an API that a signed-in user calls.
 *
 * @example
 * ```ts
 * app.get('/me', requireAuth, withAuth((req: AuthenticatedRequest<CognitoAccessTokenClaims>, res) => {
 *   res.json({ username: req.auth.claims.username, groups: req.auth.claims['cognito:groups'] ?? [] });
 * }));
 * ```
 */
export interface CognitoAccessTokenClaims extends CognitoCommonClaims, CognitoUserClaims {
  /** Cognito's marker of an access token. */
  readonly token_use: 'access';
  /** The app client the token was issued to. */
  readonly client_id: string;
  /** The user's user name in the pool (for federated users, `<provider>_<id>`). */
  readonly username: string;
  /** Space-separated scopes (RFC 6749 §3.3), e.g. `openid email aws.cognito.signin.user.admin`. */
  readonly scope?: string;
  /** The token format's version (`2` with the pre token generation trigger's V2 event). */
  readonly version?: number;
  /** The remembered device's key, when device tracking is on. */
  readonly device_key?: string;
}

/**
 * A Cognito ID token (`token_use: 'id'`): who the user is, for the app that signed them in.
 * Custom attributes are strings (Cognito sends numbers as strings too) and may be absent,
 * so `claims['custom:tenant']` is `string | undefined` under `noUncheckedIndexedAccess`.
 *
 * @example
 * ```ts
 * const tenant = auth.claims['custom:tenant']; // string | undefined
 * const viaGoogle = auth.claims.identities?.some((id) => id.providerName === 'Google') ?? false;
 * ```
 */
export interface CognitoIdTokenClaims extends CognitoCommonClaims, CognitoUserClaims {
  /** Cognito's marker of an ID token. */
  readonly token_use: 'id';
  /** The app client the token was issued to (OpenID Connect Core §2). */
  readonly aud: string;
  /** The user's user name in the pool. */
  readonly 'cognito:username': string;
  /** The `email` attribute (OpenID Connect Core §5.1). */
  readonly email?: string;
  /** Whether the email address was verified. */
  readonly email_verified?: boolean;
  /** The `phone_number` attribute, E.164. */
  readonly phone_number?: string;
  /** Whether the phone number was verified. */
  readonly phone_number_verified?: boolean;
  /** The `name` attribute. */
  readonly name?: string;
  /** The `given_name` attribute. */
  readonly given_name?: string;
  /** The `family_name` attribute. */
  readonly family_name?: string;
  /** The `nonce` of the authentication request (OpenID Connect Core §2), against replay. */
  readonly nonce?: string;
  /** Hash of the access token issued with it (OpenID Connect Core §3.1.3.6). */
  readonly at_hash?: string;
  /** Linked identities, for users who signed in through a federated provider. */
  readonly identities?: readonly CognitoIdentity[];
  /** Custom user pool attributes (`custom:` prefix), as strings. */
  readonly [attribute: `custom:${string}`]: string;
}

/**
 * A Cognito machine-to-machine access token (client credentials grant): no user, so `sub` is
 * the app client id and there is no `username`, group or authentication event.
 *
 * @example
 * ```ts
 * app.post('/invoices', requireAuth, withAuth((req: AuthenticatedRequest<CognitoM2MTokenClaims>, res) => {
 *   res.json({ caller: req.auth.claims.client_id });
 * }));
 * ```
 */
export interface CognitoM2MTokenClaims extends CognitoCommonClaims {
  /** Cognito's marker of an access token. */
  readonly token_use: 'access';
  /** The app client that authenticated; also the `sub`. */
  readonly client_id: string;
  /** Space-separated custom scopes of resource servers, e.g. `billing-api/invoices.write`. */
  readonly scope?: string;
  /** The token format's version. */
  readonly version?: number;
  /** Never present: there is no user. */
  readonly username?: never;
  /** Never present: there is no user. */
  readonly 'cognito:groups'?: never;
  /** Never present: no user authentication event. */
  readonly origin_jti?: never;
}
