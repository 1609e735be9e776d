// Peer: @fastify/jwt (fast-jwt inside) with get-jwks, as its README's "Verifying with JWKS"
// shows, plus fast-jwt's verified-token cache, which its README says improves performance
// "dramatically" (1000 tokens, LRU).
import fastifyJwt from '@fastify/jwt';
import Fastify from 'fastify';
import buildGetJwks from 'get-jwks';
import { isCognitoAccessToken } from './cognito-access.mjs';
import { issuerEnv } from './env.mjs';
import { announce } from './serve.mjs';

const { issuer, jwksUri, clientId } = issuerEnv();
// get-jwks fetches `<domain>/.well-known/jwks.json`; the iss is the AWS URL, so point it at the
// local key set's directory instead of deriving the domain from `iss`.
const jwksDomain = jwksUri.replace(/\.well-known\/jwks\.json$/, '');
const getJwks = buildGetJwks();

const app = Fastify();
await app.register(fastifyJwt, {
  decode: { complete: true },
  secret: (_request, token) =>
    getJwks.getPublicKey({ kid: token.header.kid, alg: token.header.alg, domain: jwksDomain }),
  verify: { algorithms: ['RS256'], allowedIss: issuer, cache: true },
});
app.get(
  '/me',
  {
    onRequest: async (request, reply) => {
      try {
        await request.jwtVerify();
      } catch (error) {
        return reply.send(error);
      }
      if (!isCognitoAccessToken(request.user, clientId)) return reply.code(401).send();
    },
  },
  async (request) => ({ sub: request.user.sub }),
);
await app.listen({ host: '127.0.0.1', port: 0 });
announce(app.server);
