// pnpm demo: starts the Fastify example with its embedded local issuer and shows, with real
// HTTP requests, what tokengate answers: 200, 401, 403 by group, 403 by scope.
import { loadConfig } from '@tokengate/example-shared';
import { buildApp } from './app.mjs';

const config = await loadConfig({ PORT: '0' });
const pool = config.embedded;
const app = await buildApp(config.gateOptions);
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${app.server.address().port}`;

const alice = await pool.accessToken({
  sub: 'alice',
  username: 'alice',
  groups: ['users'],
  scopes: ['orders:read'],
});
const root = await pool.accessToken({
  sub: 'root',
  username: 'root',
  groups: ['admin'],
  scopes: ['orders:read', 'orders:write'],
});

const steps = [
  ['GET', '/health', undefined, 'public route'],
  ['GET', '/me', alice, "alice's valid token"],
  ['GET', '/me', undefined, 'no token'],
  ['GET', '/me', `${alice.slice(0, -4)}AAAA`, 'a forged signature'],
  ['GET', '/admin', alice, 'alice is not in group admin'],
  ['GET', '/admin', root, 'root is in group admin'],
  ['GET', '/orders', alice, 'alice has orders:read'],
  ['POST', '/orders', alice, 'alice lacks orders:write'],
  ['POST', '/orders', root, 'root has orders:write'],
];

console.log(
  `tokengate demo: Fastify example on ${base}, tokens from a local Cognito-shaped issuer\n`,
);
try {
  for (const [method, path, token, why] of steps) {
    const response = await fetch(base + path, {
      method,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    const challenge = response.headers.get('www-authenticate');
    console.log(`${method.padEnd(4)} ${path.padEnd(8)} ${String(response.status)}  (${why})`);
    console.log(`     body: ${await response.text()}`);
    if (challenge !== null) console.log(`     WWW-Authenticate: ${challenge}`);
  }
} finally {
  await app.close();
  await pool.close();
}
