// Peer: aws-jwt-verify's CognitoJwtVerifier in a Fastify onRequest hook. It derives the JWKS
// URL from the (AWS) issuer, so the key set is fetched from loopback once and handed over with
// `cacheJwks`, its documented way to hydrate the cache without network access.
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import Fastify from 'fastify';
import { issuerEnv } from './env.mjs';
import { announce } from './serve.mjs';

const { jwksUri, clientId, userPoolId } = issuerEnv();
const verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: 'access', clientId });
const response = await fetch(jwksUri);
if (!response.ok) throw new Error(`JWKS fetch failed: ${response.status}`);
verifier.cacheJwks(await response.json());

const BEARER = 'Bearer ';
const app = Fastify();
app.decorateRequest('claims', null);
app.get(
  '/me',
  {
    onRequest: async (request, reply) => {
      const header = request.headers.authorization;
      if (header === undefined || !header.startsWith(BEARER)) return reply.code(401).send();
      try {
        request.claims = await verifier.verify(header.slice(BEARER.length));
      } catch {
        return reply.code(401).send();
      }
    },
  },
  async (request) => ({ sub: request.claims.sub }),
);
await app.listen({ host: '127.0.0.1', port: 0 });
announce(app.server);
