// Transport: how the token reaches the server (RFC 6750 §2). One Authorization line, one
// method, the `Bearer` scheme (case-insensitive) with a b64token; anything ambiguous is a
// malformed request (400), another scheme is no credentials at all (401, bare challenge), but for
// `DPoP` (RFC 9449), which a gate accepts next to `Bearer` by default.
import {
  bearer,
  D,
  get,
  invalidRequest,
  invalidToken,
  invalidTokenInDpop,
  missing,
  ok,
  postForm,
  userToken,
  type AdversarialScenario,
  type AttackContext,
} from './adversarial-kit.js';

const writer = (c: AttackContext): string => userToken(c, { scope: 'orders:write' });

const duplicateScenarios: AdversarialScenario[] = [
  {
    name: 'the same token on two Authorization lines',
    request: (c) => {
      const token = userToken(c);
      return get('/me', bearer(token), bearer(token));
    },
    expected: invalidRequest(D.headerDuplicate),
  },
  {
    name: 'two Authorization lines with differently cased names',
    request: (c) =>
      get(
        '/me',
        ['authorization', `Bearer ${userToken(c)}`],
        ['AUTHORIZATION', `Bearer ${userToken(c)}`],
      ),
    expected: invalidRequest(D.headerDuplicate),
  },
  {
    name: 'a Bearer line followed by an empty Authorization line',
    request: (c) => get('/me', bearer(userToken(c)), ['Authorization', '']),
    expected: invalidRequest(D.headerDuplicate),
  },
  {
    name: 'a Basic line followed by a Bearer line',
    // Node's req.headers keeps only the first line; a proxy may keep the other.
    request: (c) => get('/me', ['Authorization', 'Basic dXNlcjpwYXNz'], bearer(userToken(c))),
    expected: invalidRequest(D.headerDuplicate),
  },
];

const methodScenarios: AdversarialScenario[] = [
  {
    name: 'header token plus a query token',
    request: (c) => ({ path: `/me?access_token=${userToken(c)}`, headers: [bearer(userToken(c))] }),
    expected: invalidRequest(D.multipleMethods),
  },
  {
    name: 'header token plus a percent-encoded access%5Ftoken query name',
    request: (c) => ({
      path: `/me?access%5Ftoken=${userToken(c)}`,
      headers: [bearer(userToken(c))],
    }),
    expected: invalidRequest(D.multipleMethods),
  },
  {
    name: 'header token plus an empty access_token query parameter',
    request: (c) => ({ path: '/me?access_token=', headers: [bearer(userToken(c))] }),
    expected: invalidRequest(D.multipleMethods),
  },
  {
    name: 'two query tokens while query tokens are disabled',
    request: (c) => get(`/me?access_token=${userToken(c)}&access_token=${userToken(c)}`),
    expected: missing,
  },
  {
    name: 'header token plus a form-body token',
    request: (c) => postForm('/orders', `access_token=${writer(c)}`, bearer(writer(c))),
    expected: invalidRequest(D.multipleMethods),
  },
  {
    name: 'header token plus a form-body token, content type with charset',
    request: (c) => ({
      method: 'POST',
      path: '/orders',
      headers: [
        bearer(writer(c)),
        ['Content-Type', 'application/x-www-form-urlencoded; charset=utf-8'],
      ],
      body: `access_token=${writer(c)}`,
    }),
    expected: invalidRequest(D.multipleMethods),
  },
  {
    name: 'header token plus a form body carrying a token, on GET',
    // RFC 6750 §2.2: a GET body is no token-passing method, so only the header counts: 200
    // (Express parses GET form bodies; Koa and Fastify do not — the answer must not differ).
    request: (c) => ({
      path: '/me',
      headers: [bearer(userToken(c)), ['Content-Type', 'application/x-www-form-urlencoded']],
      body: `access_token=${userToken(c)}`,
    }),
    expected: ok('/me'),
  },
  {
    name: 'a form-body token alone on GET is no credentials',
    request: (c) => ({
      path: '/me',
      headers: [['Content-Type', 'application/x-www-form-urlencoded']],
      body: `access_token=${userToken(c)}`,
    }),
    expected: missing,
  },
  {
    name: 'header token plus access_token in a text/plain body',
    request: (c) => ({
      method: 'POST',
      path: '/orders',
      headers: [bearer(writer(c)), ['Content-Type', 'text/plain']],
      body: `access_token=${writer(c)}`,
    }),
    expected: ok('/orders'),
  },
  {
    name: 'header token plus a form-body token, upper-case content type',
    request: (c) => ({
      method: 'POST',
      path: '/orders',
      headers: [bearer(writer(c)), ['Content-Type', 'APPLICATION/X-WWW-FORM-URLENCODED']],
      body: `access_token=${writer(c)}`,
    }),
    expected: invalidRequest(D.multipleMethods),
  },
  {
    name: 'a form body with access_token[] (bracket syntax) only',
    // @koa/bodyparser's qs syntax turns access_token[] into an array under access_token;
    // Express and Fastify see a parameter named "access_token[]". Only a string is a token
    // (RFC 6750 §2.2), so all three answer 401.
    request: (c) => postForm('/orders', `access_token[]=${writer(c)}`),
    expected: missing,
  },
  {
    name: 'form-body token plus a query token',
    request: (c) => postForm(`/orders?access_token=${writer(c)}`, `access_token=${writer(c)}`),
    expected: invalidRequest(D.multipleMethods),
  },
  {
    name: 'two access_token members in a form body',
    request: (c) => postForm('/orders', `access_token=${writer(c)}&access_token=${writer(c)}`),
    expected: invalidRequest(D.multipleMethods),
  },
  {
    name: 'control: an access_token member of a JSON body belongs to the application',
    // RFC 6750 §2.2 defines body tokens for form-encoded bodies only.
    request: (c) => ({
      method: 'POST',
      path: '/orders',
      headers: [bearer(writer(c)), ['Content-Type', 'application/json']],
      body: JSON.stringify({ access_token: 'not-a-token' }),
    }),
    expected: ok('/orders'),
  },
];

const schemeScenarios: AdversarialScenario[] = [
  ...(
    [
      'Basic dXNlcjpwYXNz',
      'Digest username="u", realm="r", nonce="n", uri="/me", response="0"',
    ] as const
  ).map((value): AdversarialScenario => ({
    name: `scheme ${value.split(' ')[0]}`,
    request: () => get('/me', ['Authorization', value]),
    expected: missing,
  })),
  ...(['Token', 'JWT', 'Bearer:', 'BearerX', 'Bearer-'] as const).map(
    (scheme): AdversarialScenario => ({
      name: `scheme "${scheme}" carrying a valid token`,
      request: (c) => get('/me', ['Authorization', `${scheme} ${userToken(c)}`]),
      expected: missing,
    }),
  ),
  // A gate accepts the DPoP scheme by default: a bearer token sent with it is a downgrade
  // attempt and refused in the DPoP challenge, proof or not (RFC 9449 §7.2).
  {
    name: 'scheme "DPoP" carrying a valid bearer token, no proof',
    request: (c) => get('/me', ['Authorization', `DPoP ${userToken(c)}`]),
    expected: invalidTokenInDpop(D.notDpopBound),
  },
  {
    name: '"Bearer" glued to the token without a space',
    request: (c) => get('/me', ['Authorization', `Bearer${userToken(c)}`]),
    expected: missing,
  },
  {
    name: '"Bearer" with an empty token',
    request: () => get('/me', ['Authorization', 'Bearer']),
    expected: invalidRequest(D.headerMalformed),
  },
  {
    name: '"Bearer" followed by spaces only',
    request: () => get('/me', ['Authorization', 'Bearer    ']),
    expected: invalidRequest(D.headerMalformed),
  },
  {
    name: '"Bearer" + two spaces + token (1*SP allows it)',
    request: (c) => get('/me', ['Authorization', `Bearer  ${userToken(c)}`]),
    expected: ok('/me'),
  },
  {
    name: '"BEARER" upper-case',
    request: (c) => get('/me', ['Authorization', `BEARER ${userToken(c)}`]),
    expected: ok('/me'),
  },
  {
    name: '"Bearer" + a tab + token',
    // RFC 9110 §11.4: credentials separate scheme and token with SP only.
    request: (c) => get('/me', ['Authorization', `Bearer\t${userToken(c)}`]),
    expected: invalidRequest(D.headerMalformed),
  },
  {
    name: 'two comma-separated Bearer credentials in one line',
    request: (c) => get('/me', ['Authorization', `Bearer ${userToken(c)}, Bearer ${userToken(c)}`]),
    expected: invalidRequest(D.headerMalformed),
  },
  {
    name: 'two comma-separated tokens after one Bearer',
    request: (c) => get('/me', ['Authorization', `Bearer ${userToken(c)},${userToken(c)}`]),
    expected: invalidRequest(D.headerMalformed),
  },
  {
    name: 'two space-separated tokens after one Bearer',
    request: (c) => get('/me', ['Authorization', `Bearer ${userToken(c)} ${userToken(c)}`]),
    expected: invalidRequest(D.headerMalformed),
  },
  {
    name: '"Bearer" + 12 000 spaces + token (no regex backtracking blow-up)',
    request: (c) => get('/me', ['Authorization', `Bearer${' '.repeat(12_000)}${userToken(c)}`]),
    expected: ok('/me'),
  },
  {
    name: '"Bearer" + 12 000 spaces + an invalid character',
    request: () => get('/me', ['Authorization', `Bearer ${'a'.repeat(6000)}${' '.repeat(6000)}!`]),
    expected: invalidRequest(D.headerMalformed),
  },
  {
    name: 'a token in double quotes',
    request: (c) => get('/me', ['Authorization', `Bearer "${userToken(c)}"`]),
    expected: invalidRequest(D.headerMalformed),
  },
  {
    name: 'a 15 KB Authorization header',
    request: () => get('/me', ['Authorization', `Bearer ${'a'.repeat(15 * 1024)}`]),
    expected: invalidToken(D.tooLarge),
  },
  {
    name: 'a garbage Authorization header on a public route is never read',
    request: () => get('/health', ['Authorization', 'Bearer %%garbage%%']),
    expected: { status: 200, challenge: null, body: { ok: true } },
  },
  {
    name: 'a valid token sent as Proxy-Authorization is no credentials',
    request: (c) => get('/me', ['Proxy-Authorization', `Bearer ${userToken(c)}`]),
    expected: missing,
  },
];

export const TRANSPORT_SCENARIOS: readonly AdversarialScenario[] = [
  ...duplicateScenarios,
  ...methodScenarios,
  ...schemeScenarios,
];
