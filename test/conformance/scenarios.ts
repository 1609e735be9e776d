// The single table of behaviours every adapter must share. Each scenario is a request (built
// from the tokens minted for the run) and the exact status, challenge and JSON body expected.
import { M2M_CLIENT } from './apps.js';
import { withDpop } from '../support/challenges.js';
import type { RawRequest } from '../support/raw-http-client.js';

export interface Tokens {
  /** groups [users], scopes [orders:read] */
  readonly user: string;
  /** groups [admin], scopes [orders:read orders:write] */
  readonly admin: string;
  readonly expired: string;
  readonly idToken: string;
  readonly otherClient: string;
  readonly forged: string;
  readonly tenantAcme: string;
  readonly tenantAcmeSuspended: string;
  readonly tenantNumeric: string;
  readonly reportsScope: string;
  readonly m2m: string;
  readonly m2mOtherClient: string;
  /** `auth_time` now: a fresh sign-in. */
  readonly freshSignIn: string;
  /** `auth_time` an hour ago. */
  readonly staleSignIn: string;
  /** No `auth_time` at all. */
  readonly noSignInTime: string;
  /** From an issuer whose JWKS endpoint is down. */
  readonly unreachableIssuer: string;
}

export interface Expected {
  readonly status: number;
  /** Exact `WWW-Authenticate`, or `null` for none. */
  readonly challenge: string | null;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Scenario {
  readonly name: string;
  readonly request: (tokens: Tokens) => RawRequest;
  readonly expected: Expected;
}

export const REALM = 'tokengate';

const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];
const get = (path: string, ...headers: [string, string][]): RawRequest => ({ path, headers });
const ok = (route: string, sub: string | null): Expected => ({
  status: 200,
  challenge: null,
  body: { route, sub },
});
const invalidToken = (description: string): Expected => ({
  status: 401,
  challenge: withDpop(
    `Bearer realm="${REALM}", error="invalid_token", error_description="${description}"`,
    REALM,
  ),
  body: { error: 'invalid_token', error_description: description },
});
const invalidRequest = (description: string): Expected => ({
  status: 400,
  challenge: withDpop(
    `Bearer realm="${REALM}", error="invalid_request", error_description="${description}"`,
    REALM,
  ),
  body: { error: 'invalid_request', error_description: description },
});
const missing: Expected = {
  status: 401,
  challenge: withDpop(`Bearer realm="${REALM}"`, REALM),
  body: { error: 'unauthorized', error_description: 'Authentication required' },
};
const insufficientScope = (scope: string): Expected => ({
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
const denied: Expected = {
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

// RFC 9470 §3: a valid token whose sign-in is too old for `/account` (authenticatedWithin(300)).
const stepUp: Expected = {
  status: 401,
  challenge: withDpop(
    `Bearer realm="${REALM}", error="insufficient_user_authentication", error_description="A more recent or stronger user authentication is required", max_age="300"`,
    REALM,
  ),
  body: {
    error: 'insufficient_user_authentication',
    error_description: 'A more recent or stronger user authentication is required',
  },
};

export const USER_SUB = 'user-0001';
export const ADMIN_SUB = 'admin-0001';

export const SCENARIOS: readonly Scenario[] = [
  // Public and optional routes
  {
    name: 'health needs no token',
    request: () => get('/health'),
    expected: { status: 200, challenge: null, body: { ok: true } },
  },
  {
    name: 'optional auth lets anonymous requests through',
    request: () => get('/optional'),
    expected: ok('/optional', null),
  },
  {
    name: 'optional auth attaches a valid token',
    request: (t) => get('/optional', bearer(t.user)),
    expected: ok('/optional', USER_SUB),
  },
  {
    name: 'optional auth still refuses a bad token',
    request: (t) => get('/optional', bearer(t.expired)),
    expected: invalidToken('Token has expired'),
  },

  // Authentication
  {
    name: 'a valid token reaches /me',
    request: (t) => get('/me', bearer(t.user)),
    expected: ok('/me', USER_SUB),
  },
  { name: 'no credentials: bare challenge', request: () => get('/me'), expected: missing },
  {
    name: 'the scheme is case-insensitive',
    request: (t) => get('/me', ['Authorization', `bEaReR ${t.user}`]),
    expected: ok('/me', USER_SUB),
  },
  {
    name: 'another scheme counts as no credentials',
    request: () => get('/me', ['Authorization', 'Basic dXNlcjpwYXNz']),
    expected: missing,
  },
  {
    name: 'an empty bearer token is malformed',
    request: () => get('/me', ['Authorization', 'Bearer']),
    expected: invalidRequest('Authorization header is not a valid Bearer credential'),
  },
  {
    name: 'a token with spaces is malformed',
    request: (t) => get('/me', ['Authorization', `Bearer ${t.user} extra`]),
    expected: invalidRequest('Authorization header is not a valid Bearer credential'),
  },
  {
    name: 'two Authorization lines are refused',
    request: (t) => get('/me', bearer(t.user), bearer(t.admin)),
    expected: invalidRequest('Request has more than one Authorization header'),
  },
  {
    name: 'header and query token together are refused',
    request: (t) => ({ path: `/me?access_token=${t.user}`, headers: [bearer(t.user)] }),
    expected: invalidRequest('Request carries a token by more than one method'),
  },
  {
    name: 'a query token alone is ignored (RFC 9700)',
    request: (t) => get(`/me?access_token=${t.user}`),
    expected: missing,
  },
  {
    name: 'a form-body token is accepted on POST',
    request: (t) => ({
      method: 'POST',
      path: '/orders',
      headers: [['Content-Type', 'application/x-www-form-urlencoded']],
      body: `access_token=${t.admin}`,
    }),
    expected: ok('/orders', ADMIN_SUB),
  },
  {
    name: 'form-body and header tokens together are refused',
    request: (t) => ({
      method: 'POST',
      path: '/orders',
      headers: [bearer(t.admin), ['Content-Type', 'application/x-www-form-urlencoded']],
      body: `access_token=${t.admin}`,
    }),
    expected: invalidRequest('Request carries a token by more than one method'),
  },
  {
    name: 'an expired token',
    request: (t) => get('/me', bearer(t.expired)),
    expected: invalidToken('Token has expired'),
  },
  {
    name: 'an ID token where access tokens are expected',
    request: (t) => get('/me', bearer(t.idToken)),
    expected: invalidToken('Token is not a Cognito access token'),
  },
  {
    name: "another app client's token",
    request: (t) => get('/me', bearer(t.otherClient)),
    expected: invalidToken('Token client is not accepted'),
  },
  {
    name: 'a forged signature',
    request: (t) => get('/me', bearer(t.forged)),
    expected: invalidToken('Token signature is invalid'),
  },
  {
    name: 'garbage',
    request: () => get('/me', bearer('not.a.jwt')),
    // "not" leaves stray bits in its last character (RFC 4648 §3.5): not canonical base64url.
    expected: invalidToken('Token header is not base64url'),
  },
  {
    name: 'an oversized token',
    request: () => get('/me', bearer('a'.repeat(12_000))),
    expected: invalidToken('Token is too large'),
  },
  {
    name: 'an unreachable IdP answers 503, not 401',
    request: (t) => get('/me', bearer(t.unreachableIssuer)),
    expected: {
      status: 503,
      challenge: null,
      headers: { 'retry-after': '5' },
      body: {
        error: 'temporarily_unavailable',
        error_description: 'The identity provider keys are unavailable; retry later',
      },
    },
  },

  // Authorization
  {
    name: 'group admin reaches /admin',
    request: (t) => get('/admin', bearer(t.admin)),
    expected: ok('/admin', ADMIN_SUB),
  },
  { name: 'no admin group: 403', request: (t) => get('/admin', bearer(t.user)), expected: denied },
  { name: 'no token on a guarded route: 401', request: () => get('/admin'), expected: missing },
  {
    name: 'scope orders:read reaches GET /orders',
    request: (t) => get('/orders', bearer(t.user)),
    expected: ok('/orders', USER_SUB),
  },
  {
    name: 'no orders:write: 403 insufficient_scope',
    request: (t) => ({ method: 'POST', path: '/orders', headers: [bearer(t.user)] }),
    expected: insufficientScope('orders:write'),
  },
  {
    name: 'orders:write reaches POST /orders',
    request: (t) => ({ method: 'POST', path: '/orders', headers: [bearer(t.admin)] }),
    expected: ok('/orders', ADMIN_SUB),
  },
  {
    name: 'or(): the scope branch',
    request: (t) => get('/reports', bearer(t.reportsScope)),
    expected: ok('/reports', USER_SUB),
  },
  {
    name: 'or(): the group branch',
    request: (t) => get('/reports', bearer(t.admin)),
    expected: ok('/reports', ADMIN_SUB),
  },
  {
    name: 'or() of group and scope refused: access_denied',
    request: (t) => get('/reports', bearer(t.user)),
    expected: denied,
  },
  {
    name: 'custom:tenant matches',
    request: (t) => get('/tenant', bearer(t.tenantAcme)),
    expected: ok('/tenant', USER_SUB),
  },
  {
    name: 'custom:tenant of the wrong JSON type never matches',
    request: (t) => get('/tenant', bearer(t.tenantNumeric)),
    expected: denied,
  },
  {
    name: 'noGroup refuses a suspended tenant user',
    request: (t) => get('/tenant', bearer(t.tenantAcmeSuspended)),
    expected: denied,
  },
  {
    name: 'a service client with its scope',
    request: (t) => get('/service', bearer(t.m2m)),
    expected: ok('/service', M2M_CLIENT),
  },
  {
    name: 'another service client',
    request: (t) => get('/service', bearer(t.m2mOtherClient)),
    expected: denied,
  },
  {
    name: 'a user token on a service route',
    request: (t) => get('/service', bearer(t.user)),
    expected: denied,
  },
  {
    name: 'step-up: a sign-in within max_age',
    request: (t) => get('/account', bearer(t.freshSignIn)),
    expected: ok('/account', USER_SUB),
  },
  {
    name: 'step-up: a sign-in older than max_age answers 401 with max_age (RFC 9470)',
    request: (t) => get('/account', bearer(t.staleSignIn)),
    expected: stepUp,
  },
  {
    name: 'step-up: a token without auth_time answers 401 with max_age',
    request: (t) => get('/account', bearer(t.noSignInTime)),
    expected: stepUp,
  },
];
