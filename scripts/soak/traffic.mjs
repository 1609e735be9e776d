// The soak's traffic: tokens minted per key, the request mix, and one HTTP request on a
// keep-alive agent. Each request carries what the model (model.mjs) needs to judge its answer:
// the kid of its token (null: no token or not a JWT; undefined: a kid never published), the
// status when authentication succeeds, and whether the token is genuine.
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';

const pick = (list) => list[Math.floor(Math.random() * list.length)];
const range = (n) => Array.from({ length: n }, (_, i) => i);

/** Same header and signature, another subject: the signature no longer matches. */
function tamper(token) {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'mallory' })).toString('base64url');
  return `${header}.${forged}.${signature}`;
}

/** A kid the issuer never published; the signature is never reached. */
function unknownKid(token) {
  const header = Buffer.from(
    JSON.stringify({ alg: 'RS256', kid: `rogue-${randomUUID()}` }),
  ).toString('base64url');
  return `${header}.${token.slice(token.indexOf('.') + 1)}`;
}

const GARBAGE = [
  () => 'not-a-jwt',
  () => randomBytes(48).toString('base64url'),
  () => `${randomBytes(12).toString('base64url')}.${randomBytes(12).toString('base64url')}.x`,
  () => 'eyJhbGciOiJub25lIn0.e30.',
];

const PLAN = [
  [20, 'user GET /me'],
  [10, 'user GET /orders'],
  [8, 'admin GET /admin'],
  [4, 'admin POST /orders'],
  [10, 'fresh GET /me'],
  [6, 'user POST /orders (scope)'],
  [5, 'user GET /admin (group)'],
  [7, 'expired'],
  [7, 'tampered'],
  [3, 'unknown kid'],
  [5, 'garbage'],
  [5, 'missing'],
];
const PLAN_TOTAL = PLAN.reduce((sum, [weight]) => sum + weight, 0);

function pickKind() {
  let roll = Math.random() * PLAN_TOTAL;
  for (const [weight, kind] of PLAN) {
    roll -= weight;
    if (roll < 0) return kind;
  }
  return PLAN[0][1];
}

/**
 * The request source for one run: pools of tokens per published key, minted up front.
 *
 * @param {import('@tokengate/testing').TestIssuer} idp
 * @param {{ isRemoved(kid: string): boolean }} world
 */
export function createTraffic(idp, world) {
  /** kid → pools of tokens signed by that key */
  const pools = new Map();
  let freshCount = 0;

  async function mintPools(kid) {
    const user = { kid, groups: ['users'], scopes: ['orders:read'] };
    const many = (n, options) => Promise.all(range(n).map((i) => idp.accessToken(options(i))));
    const users = await many(48, (i) => ({ ...user, sub: `user-${i}` }));
    return {
      user: users,
      admin: await many(16, (i) => ({
        kid,
        sub: `admin-${i}`,
        groups: ['admin'],
        scopes: ['orders:read', 'orders:write'],
      })),
      expired: await many(16, (i) => ({ ...user, sub: `expired-${i}`, expiresIn: -600 })),
      // Never sent while the key is published: first seen after its removal.
      unseen: await many(32, (i) => ({ ...user, sub: `late-${i}` })),
      tampered: users.map(tamper),
    };
  }

  /** Mostly the current key; sometimes an older (maybe removed) or a newly published one. */
  function pickKey() {
    // Right after a rotation the new key signs before its pools are minted: use the previous one.
    const current = pools.has(idp.currentKid) ? idp.currentKid : [...pools.keys()].at(-1);
    const others = [...pools.keys()].filter((kid) => kid !== current);
    const kid = others.length > 0 && Math.random() < 0.25 ? pick(others) : current;
    return { kid, tokens: pools.get(kid) };
  }

  async function nextRequest() {
    const kind = pickKind();
    const get = (path, token, kid, success, valid) => ({
      kind,
      method: 'GET',
      path,
      token,
      kid,
      success,
      valid,
    });
    const { kid, tokens } = pickKey();
    const removed = world.isRemoved(kid);
    switch (kind) {
      case 'user GET /me':
        return get(
          '/me',
          pick(removed && Math.random() < 0.5 ? tokens.unseen : tokens.user),
          kid,
          200,
          true,
        );
      case 'user GET /orders':
        return get('/orders', pick(tokens.user), kid, 200, true);
      case 'admin GET /admin':
        return get('/admin', pick(tokens.admin), kid, 200, true);
      case 'admin POST /orders':
        return { ...get('/orders', pick(tokens.admin), kid, 201, true), method: 'POST' };
      case 'fresh GET /me': {
        const current = idp.currentKid;
        freshCount += 1;
        const token = await idp.accessToken({
          kid: current,
          sub: `fresh-${freshCount}`,
          groups: ['users'],
          scopes: ['orders:read'],
        });
        return get('/me', token, current, 200, true);
      }
      case 'user POST /orders (scope)':
        return { ...get('/orders', pick(tokens.user), kid, 403, true), method: 'POST' };
      case 'user GET /admin (group)':
        return get('/admin', pick(tokens.user), kid, 403, true);
      case 'expired':
        return get('/me', pick(tokens.expired), kid, 401, false);
      case 'tampered':
        return get('/me', pick(tokens.tampered), kid, 401, false);
      case 'unknown kid':
        return get('/me', unknownKid(pick(tokens.user)), undefined, 401, false);
      case 'garbage':
        return get('/me', pick(GARBAGE)(), null, 401, false);
      default:
        return get('/me', undefined, null, 401, false);
    }
  }

  return { pools, mintPools, nextRequest };
}

/** One request; resolves with the response, or `{ error }` when none came. */
export function send(port, agent, request, timeoutMs) {
  return new Promise((resolve) => {
    const headers = request.token === undefined ? {} : { authorization: `Bearer ${request.token}` };
    if (request.method === 'POST') headers['content-length'] = '0';
    const req = http.request(
      { host: '127.0.0.1', port, method: request.method, path: request.path, headers, agent },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('error', (error) => resolve({ error: error.message }));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ error: error.message }));
    req.end();
  });
}
