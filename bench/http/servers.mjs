// The servers of the HTTP suite, grouped by framework. `kind` decides the role of each row:
// `bare` is the framework's no-auth baseline, `tokengate` is ours, `peer` is an alternative.

/** @typedef {{ file: string, name: string, framework: string, kind: 'bare' | 'tokengate' | 'peer' }} BenchServer */

/** @type {BenchServer[]} */
export const SERVERS = [
  { file: 'express-bare.mjs', name: 'bare (no auth)', framework: 'Express 5', kind: 'bare' },
  { file: 'express-tokengate.mjs', name: 'tokengate', framework: 'Express 5', kind: 'tokengate' },
  {
    file: 'express-oauth2-jwt-bearer.mjs',
    name: 'express-oauth2-jwt-bearer',
    framework: 'Express 5',
    kind: 'peer',
  },
  { file: 'express-jwt.mjs', name: 'express-jwt + jwks-rsa', framework: 'Express 5', kind: 'peer' },
  { file: 'fastify-bare.mjs', name: 'bare (no auth)', framework: 'Fastify 5', kind: 'bare' },
  { file: 'fastify-tokengate.mjs', name: 'tokengate', framework: 'Fastify 5', kind: 'tokengate' },
  {
    file: 'fastify-tokengate-thread-pool.mjs',
    name: 'tokengate, threadPool: true',
    framework: 'Fastify 5',
    kind: 'tokengate',
  },
  {
    file: 'fastify-jwt.mjs',
    name: '@fastify/jwt + get-jwks (cache on)',
    framework: 'Fastify 5',
    kind: 'peer',
  },
  {
    file: 'fastify-aws-jwt-verify.mjs',
    name: 'aws-jwt-verify hook',
    framework: 'Fastify 5',
    kind: 'peer',
  },
  { file: 'koa-bare.mjs', name: 'bare (no auth)', framework: 'Koa 3', kind: 'bare' },
  { file: 'koa-tokengate.mjs', name: 'tokengate', framework: 'Koa 3', kind: 'tokengate' },
  { file: 'koa-jwt.mjs', name: 'koa-jwt + jwks-rsa', framework: 'Koa 3', kind: 'peer' },
];
