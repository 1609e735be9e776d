// Token confusion (Cognito): every token below is honestly signed by a trusted pool, but it is
// the wrong kind of token, for the wrong client, or from the wrong pool (RFC 8725 §3.11:
// separate validation rules per token kind; aws-jwt-verify #98, #61).
import {
  accessClaims,
  D,
  denied,
  es256,
  get,
  bearer,
  idClaims,
  insufficientScope,
  invalidToken,
  m2mClaims,
  me,
  oidcClaims,
  ok,
  rs256,
  userToken,
  type AdversarialScenario,
  type AttackContext,
} from './adversarial-kit.js';
import { M2M_CLIENT } from './apps.js';

const tokenKindScenarios: AdversarialScenario[] = [
  {
    name: 'an ID token where access tokens are expected',
    request: (c) => me(rs256(c.pool, idClaims(c.pool))),
    expected: invalidToken(D.notAccess),
  },
  {
    name: 'control: an ID token where ID tokens are expected',
    app: 'id',
    request: (c) => me(rs256(c.pool, idClaims(c.pool))),
    expected: ok('/me'),
  },
  {
    name: 'an access token where ID tokens are expected',
    app: 'id',
    request: (c) => me(userToken(c)),
    expected: invalidToken(D.notId),
  },
  {
    name: 'an ID token carrying token_use "access" but no client_id',
    // Relabelled ID token: token_use says access, so client_id is required and absent.
    request: (c) => me(rs256(c.pool, idClaims(c.pool, { token_use: 'access' }))),
    expected: invalidToken(D.client),
  },
  {
    name: 'a refresh-shaped JWT (token_use "refresh") as an access token',
    request: (c) => me(userToken(c, { token_use: 'refresh' })),
    expected: invalidToken(D.notAccess),
  },
  {
    name: 'a refresh-shaped JWT (token_use "refresh") as an ID token',
    app: 'id',
    request: (c) => me(rs256(c.pool, idClaims(c.pool, { token_use: 'refresh' }))),
    expected: invalidToken(D.notId),
  },
  {
    name: 'an OIDC ID token (nonce, at_hash) sharing the API audience',
    // The front end and the API share a client id, so `aud` matches: only the ID-token-only
    // claims tell it apart (OIDC Core §2), and typ is not at+jwt (RFC 9068 §2.1).
    request: (c) =>
      me(
        es256(
          c.ec,
          oidcClaims(c.ec, {
            client_id: undefined,
            jti: undefined,
            azp: c.ec.clientId,
            nonce: 'n-0S6_WzA2Mj',
            at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q',
          }),
          { header: { typ: 'JWT' } },
        ),
      ),
    expected: invalidToken(D.notAccessToken),
  },
  ...(
    [
      ['missing', undefined],
      ['"ACCESS"', 'ACCESS'],
      ['"access " with a trailing space', 'access '],
      ['an array ["access"]', ['access']],
      ['null', null],
      ['true', true],
    ] as const
  ).map(([label, use]): AdversarialScenario => ({
    name: `token_use ${label}`,
    request: (c) => me(userToken(c, { token_use: use })),
    expected: invalidToken(D.notAccess),
  })),
];

const CLIENT_IDS: readonly (readonly [string, (c: AttackContext) => unknown])[] = [
  ["another app client's token", () => 'someone-else'],
  ['client_id missing', () => undefined],
  ['client_id as an array holding the accepted id', (c) => [c.pool.clientId]],
  ['client_id as a number', () => 1],
  ['client_id with a trailing space', (c) => `${c.pool.clientId} `],
  ['client_id upper-cased', (c) => c.pool.clientId.toUpperCase()],
  ["client_id of pool B's app client", (c) => c.poolB.clientId],
];

const clientScenarios: AdversarialScenario[] = [
  ...CLIENT_IDS.map(([label, clientId]): AdversarialScenario => ({
    name: label,
    request: (c) => me(userToken(c, { client_id: clientId(c) })),
    expected: invalidToken(D.client),
  })),
  {
    name: 'an ID token for another app client',
    app: 'id',
    request: (c) => me(rs256(c.pool, idClaims(c.pool, { aud: 'someone-else' }))),
    expected: invalidToken(D.audience),
  },
  {
    name: "pool B's token carrying pool A's client id",
    // Trust in a client id is per pool: pool B accepts only its own app client.
    request: (c) => me(rs256(c.poolB, accessClaims(c.poolB, { client_id: c.pool.clientId }))),
    expected: invalidToken(D.client),
  },
  {
    name: 'control: pool B token for its own client',
    request: (c) => me(rs256(c.poolB, accessClaims(c.poolB))),
    expected: ok('/me'),
  },
  {
    name: "another (unconfigured) pool's token",
    request: (c) => me(rs256(c.stranger, accessClaims(c.stranger))),
    expected: invalidToken(D.issuer),
  },
];

const routeScenarios: AdversarialScenario[] = [
  {
    name: 'an M2M token where a user group is required',
    request: (c) => get('/admin', bearer(rs256(c.pool, m2mClaims(c.pool)))),
    expected: denied,
  },
  {
    name: 'an M2M token where a user scope is required',
    request: (c) => get('/orders', bearer(rs256(c.pool, m2mClaims(c.pool)))),
    expected: insufficientScope('orders:read'),
  },
  {
    name: 'control: the M2M token on its service route',
    request: (c) => get('/service', bearer(rs256(c.pool, m2mClaims(c.pool)))),
    expected: ok('/service', M2M_CLIENT),
  },
  {
    name: 'a user token on the M2M-only route',
    request: (c) => get('/service', bearer(userToken(c, { scope: 'orders-api/orders.read' }))),
    expected: denied,
  },
  {
    name: 'a user token whose sub is the M2M client id, on the M2M-only route',
    // clientIdIn reads client_id, never sub.
    request: (c) =>
      get('/service', bearer(userToken(c, { sub: M2M_CLIENT, scope: 'orders-api/orders.read' }))),
    expected: denied,
  },
  {
    name: 'an ID token (no scope claim) on a scope-guarded route',
    app: 'id',
    request: (c) => get('/orders', bearer(rs256(c.pool, idClaims(c.pool)))),
    expected: insufficientScope('orders:read'),
  },
];

export const CONFUSION_SCENARIOS: readonly AdversarialScenario[] = [
  ...tokenKindScenarios,
  ...clientScenarios,
  ...routeScenarios,
];
