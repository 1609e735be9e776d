// tokengate on Fastify 5 with `threadPool: true`: signatures checked on libuv's thread pool.
import { cognitoIssuer, tokengate } from '@tokengate/fastify';
import Fastify from 'fastify';
import { issuerEnv } from './env.mjs';
import { announce } from './serve.mjs';

const { issuer, jwksUri, clientId } = issuerEnv();
const app = Fastify();
await app.register(tokengate, {
  threadPool: true,
  issuers: [cognitoIssuer({ clientId, issuerOverride: issuer, jwksUri })],
});
app.get('/me', { config: { auth: true } }, async (request) => ({ sub: request.auth.subject }));
await app.listen({ host: '127.0.0.1', port: 0 });
announce(app.server);
