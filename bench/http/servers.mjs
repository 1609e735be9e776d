// The servers of the HTTP suite, grouped by framework. `kind` decides the role of each row:
// `bare` is the framework's no-auth baseline, `minimal` its minimal verifier (one hook doing
// only `crypto.verify`, the yardstick for fresh tokens), `tokengate` is ours, `peer` an
// alternative. Bare servers ignore tokens, so they run the reused-token scenario only; the
// minimal verifier checks every signature anyway, so it runs the fresh-token scenario only.

/**
 * @typedef {{ file: string, name: string, framework: string, label: string,
 *   kind: 'bare' | 'minimal' | 'tokengate' | 'peer' }} BenchServer
 */

export const SCENARIOS = /** @type {const} */ (['reused', 'fresh']);

/** The scenarios a server is measured in. */
export function scenariosOf(server) {
  if (server.kind === 'bare') return ['reused'];
  if (server.kind === 'minimal') return ['fresh'];
  return [...SCENARIOS];
}

const LABELS = {
  express: 'Express 5',
  fastify: 'Fastify 5',
  koa: 'Koa 3',
  hono: 'Hono 4',
  nestjs: 'NestJS 12 (Express)',
};

const bare = (framework) => server(framework, `${framework}-bare.mjs`, 'bare (no auth)', 'bare');
const minimal = (framework) =>
  server(framework, `${framework}-minimal.mjs`, 'minimal verifier (crypto.verify only)', 'minimal');
const tokengate = (framework) =>
  server(framework, `${framework}-tokengate.mjs`, 'tokengate', 'tokengate');

function server(framework, file, name, kind) {
  return { file, name, framework, label: LABELS[framework], kind };
}

/** @type {BenchServer[]} */
export const SERVERS = [
  bare('express'),
  minimal('express'),
  tokengate('express'),
  server('express', 'express-oauth2-jwt-bearer.mjs', 'express-oauth2-jwt-bearer', 'peer'),
  server('express', 'express-jwt.mjs', 'express-jwt + jwks-rsa', 'peer'),
  bare('fastify'),
  minimal('fastify'),
  tokengate('fastify'),
  server(
    'fastify',
    'fastify-tokengate-thread-pool.mjs',
    'tokengate, threadPool: true',
    'tokengate',
  ),
  server('fastify', 'fastify-jwt.mjs', '@fastify/jwt + get-jwks (cache on)', 'peer'),
  server('fastify', 'fastify-aws-jwt-verify.mjs', 'aws-jwt-verify hook', 'peer'),
  bare('koa'),
  minimal('koa'),
  tokengate('koa'),
  server('koa', 'koa-jwt.mjs', 'koa-jwt + jwks-rsa', 'peer'),
  bare('hono'),
  minimal('hono'),
  tokengate('hono'),
  bare('nestjs'),
  minimal('nestjs'),
  tokengate('nestjs'),
];

/** The plan of one HTTP round: the servers of `frameworks`, by framework, in table order. */
export function serversByFramework(frameworks) {
  return frameworks.map((framework) => ({
    framework,
    servers: SERVERS.filter((s) => s.framework === framework),
  }));
}
